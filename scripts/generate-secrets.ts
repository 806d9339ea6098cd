/**
 * npm run secrets [-- --out FILE]
 *
 * Writes a git-ignored Terraform var file with fresh values for every Kodus secret, in the
 * formats Kodus requires. cdktf passes *.auto.tfvars.json in the project root to every
 * `cdktf deploy` automatically. An existing file is never overwritten: values already in it
 * are kept (API_CRYPTO_KEY encrypts stored data and must not change), only missing ones are
 * added. The Chutes key is taken from CHUTES_API_KEY if set; otherwise set TF_VAR_chutes_api_key
 * at deploy time. No value is ever printed.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SECRET_INPUTS, generateSecretValue } from "../contract/secrets";

export const DEFAULT_SECRETS_FILE = "kodus.secrets.auto.tfvars.json";

export function fillSecrets(existing: Record<string, string>, chutesKey: string | undefined): { values: Record<string, string>; added: string[] } {
  const values: Record<string, string> = { ...existing };
  const added: string[] = [];
  for (const input of SECRET_INPUTS) {
    if (values[input.variable]) continue;
    if (input.format === "provided") {
      if (!chutesKey) continue;
      values[input.variable] = chutesKey.trim();
    } else {
      values[input.variable] = generateSecretValue(input.format, randomBytes);
    }
    added.push(input.variable);
  }
  return { values, added };
}

function main(): void {
  const { values: args } = parseArgs({ options: { out: { type: "string" } } });
  const file = resolve(process.cwd(), args.out ?? resolve(__dirname, "..", DEFAULT_SECRETS_FILE));
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
  const { values, added } = fillSecrets(existing, process.env.CHUTES_API_KEY);
  writeFileSync(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  console.log(`${file}: ${added.length ? `added ${added.join(", ")}` : "nothing to add"} (values not shown; keep this file out of git)`);
  if (!values.chutes_api_key) console.log("chutes_api_key is not set: export CHUTES_API_KEY before running this, or TF_VAR_chutes_api_key before deploying.");
}

if (require.main === module) main();
