/**
 * A string that Terraform must store byte for byte. In Terraform's JSON syntax every string is a
 * template: `${` starts an interpolation and `%{` a directive, so a file with JavaScript template
 * literals (the Chutes probe) fails to parse ("Extra characters after interpolation expression",
 * found by the first real `terraform apply`, issue #27). Doubling the `$`/`%` escapes them and
 * Terraform hands the provider the original text. (cdktf's `Fn.rawString` is not this: it also
 * escapes quotes and newlines, which JSON then escapes again.) Not for strings that hold tokens.
 */
export function terraformLiteral(text: string): string {
  // split/join, not replace: in a replacement string "$$" means one "$".
  return text.split("${").join("$${").split("%{").join("%%{");
}

/** What Terraform makes of a literal string in its JSON syntax: `$${` → `${`, `%%{` → `%{`. */
export function terraformStringValue(text: string): string {
  return text.split("$${").join("${").split("%%{").join("%{");
}
