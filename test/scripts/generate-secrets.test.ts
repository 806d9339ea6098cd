import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SECRET_FORMAT_PATTERNS, SECRET_INPUTS } from "../../contract/secrets";
import { fillSecrets } from "../../scripts/generate-secrets";
import { PROJECT_ROOT } from "../helpers/cli";

test("every generated value passes the Terraform validation of its variable", () => {
  const { values, added } = fillSecrets({}, undefined);
  expect(added).toEqual(SECRET_INPUTS.filter((i) => i.format !== "provided").map((i) => i.variable));
  for (const input of SECRET_INPUTS.filter((i) => i.format !== "provided")) {
    expect(values[input.variable]).toMatch(new RegExp(SECRET_FORMAT_PATTERNS[input.format].regex));
  }
  expect(values.api_crypto_key).toMatch(/^[0-9a-f]{64}$/);
  expect(Buffer.from(values.api_jwt_secret, "base64")).toHaveLength(32);
});

test("values differ between runs", () => {
  expect(fillSecrets({}, undefined).values.api_jwt_secret).not.toBe(fillSecrets({}, undefined).values.api_jwt_secret);
});

test("existing values are kept, never rotated by accident", () => {
  const { values, added } = fillSecrets({ api_crypto_key: "a".repeat(64) }, undefined);
  expect(values.api_crypto_key).toBe("a".repeat(64));
  expect(added).not.toContain("api_crypto_key");
});

test("the CLI writes a 0600 file, includes CHUTES_API_KEY, and prints no value", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-"));
  const out = join(dir, "s.auto.tfvars.json");
  writeFileSync(out, JSON.stringify({ postgres_password: "beefbeefbeefbeefbeef" }));
  const fakeKey = `cpk_${"fake".repeat(8)}.not.real`;
  const r = spawnSync(join(PROJECT_ROOT, "node_modules/.bin/tsx"), [join(PROJECT_ROOT, "scripts/generate-secrets.ts"), "--out", out], {
    env: { PATH: process.env.PATH, CHUTES_API_KEY: fakeKey },
    encoding: "utf8",
  });
  expect(r.status).toBe(0);
  const written = JSON.parse(readFileSync(out, "utf8"));
  expect(written.chutes_api_key).toBe(fakeKey);
  expect(written.postgres_password).toBe("beefbeefbeefbeefbeef");
  expect(statSync(out).mode & 0o777).toBe(0o600);
  for (const v of Object.values(written) as string[]) expect(r.stdout + r.stderr).not.toContain(v);
});
