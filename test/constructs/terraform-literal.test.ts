import { terraformLiteral, terraformStringValue } from "../../constructs/terraform-literal";

describe("terraformLiteral: a string Terraform stores byte for byte", () => {
  test("escapes interpolations and directives, and Terraform's reading gives the text back", () => {
    const js = "const s = `${a}${b}` + '%{x}' + '$${kept}' + '$' + '{' + '%%{'";
    const escaped = terraformLiteral(js);
    expect(escaped).toBe("const s = `$${a}$${b}` + '%%{x}' + '$$${kept}' + '$' + '{' + '%%%{'");
    expect(terraformStringValue(escaped)).toBe(js);
  });

  test("text without ${ or %{ is unchanged, including a lone $ (the replace() pitfall: $$ means $)", () => {
    expect(terraformLiteral("price: $5, 100% {ok}")).toBe("price: $5, 100% {ok}");
  });
});
