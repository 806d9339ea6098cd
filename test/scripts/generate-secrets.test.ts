import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SECRET_FORMAT_PATTERNS, SECRET_INPUTS } from "../../contract/secrets";
import { fillSecrets, run as secrets } from "../../scripts/generate-secrets";
import { EXPECTED_OPTIONAL_SECRET_INPUTS } from "../helpers/kodus-expected";
import { inProcessProbe, runInProcess, tsRunArgs } from "../helpers/cli";
import { leakedRuns, randomChutesKey } from "../helpers/secret-leaks";
import { OK_COMPLETION, TEST_MODEL, chutesError, modelsList, startChutesServer, type Reply } from "../probe/chutes-server";

test("every generated value passes the Terraform validation of its variable", () => {
  const { values, added } = fillSecrets({}, undefined);
  // Not the Chutes key, and not the optional values you give yourself (connection strings, e-mail credentials).
  const optional = [...EXPECTED_OPTIONAL_SECRET_INPUTS.kubernetes] as string[];
  const generated = SECRET_INPUTS.filter((i) => i.format !== "provided" && !optional.includes(i.variable));
  expect(added).toEqual(generated.map((i) => i.variable));
  for (const input of generated) {
    expect(values[input.variable]).toMatch(new RegExp(SECRET_FORMAT_PATTERNS[input.format].regex));
  }
  for (const name of optional) expect(values).not.toHaveProperty(name);
  expect(values.api_crypto_key).toMatch(/^[0-9a-f]{64}$/);
  expect(Buffer.from(String(values.api_jwt_secret), "base64")).toHaveLength(32);
});

test("values differ between runs", () => {
  expect(fillSecrets({}, undefined).values.api_jwt_secret).not.toBe(fillSecrets({}, undefined).values.api_jwt_secret);
});

test("existing values are kept, never rotated by accident", () => {
  const { values, added } = fillSecrets({ api_crypto_key: "a".repeat(64) }, undefined);
  expect(values.api_crypto_key).toBe("a".repeat(64));
  expect(added).not.toContain("api_crypto_key");
});

// A real process (node scripts/ts-run.cjs, as `npm run secrets` starts it): its exit status, and
// no value on its real stdout/stderr (an in-process run only sees what run() writes through its context).
test("the CLI writes a 0600 file, includes CHUTES_API_KEY, and prints no value (real process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-"));
  const out = join(dir, "s.auto.tfvars.json");
  writeFileSync(out, JSON.stringify({ postgres_password: "beefbeefbeefbeefbeef" }));
  const fakeKey = `cpk_${"fake".repeat(8)}.not.real`;
  const r = spawnSync(process.execPath, tsRunArgs("scripts/generate-secrets.ts", "--out", out, "--no-check"), {
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

describe("npm run secrets: one command per operation, never a value on screen", () => {
  // Key-shaped, obviously fake; two of them to tell old from new.
  const OLD_KEY = `cpk_${"old0".repeat(8)}.fake.key`;
  const NEW_KEY = `cpk_${"new1".repeat(8)}.fake.key`;
  /** scripts/generate-secrets.ts's run() in this process; a Chutes check runs the probe's source in this process too. */
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const r = await runInProcess(secrets, args, { env, runProbe: inProcessProbe });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  /** `npm run secrets` as a real process, which starts the real probe as its child for a Chutes check. */
  const runProcess = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; out: string }>((done) => {
      const child = execFile(
        process.execPath,
        tsRunArgs("scripts/generate-secrets.ts", ...args),
        { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" },
        (_e, stdout, stderr) => done({ status: child.exitCode, out: `${stdout}${stderr}` }),
      );
    });
  const setUp = async () => {
    const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-cli-"));
    const file = join(dir, "kodus.secrets.auto.tfvars.json");
    const r = await run(["--out", file, "--no-check"], { CHUTES_API_KEY: OLD_KEY });
    expect(r.status).toBe(0);
    return { dir, file };
  };
  const read = (file: string) => JSON.parse(readFileSync(file, "utf8"));
  const withChutes = async (completion: Reply, fn: (config: string) => Promise<void>) => {
    const server = await startChutesServer({ models: modelsList([TEST_MODEL]), completion });
    try {
      const config = join(mkdtempSync(join(tmpdir(), "kodus-secrets-cfg-")), "kodus.config.yaml");
      writeFileSync(config, `llm:\n  baseUrl: ${server.baseUrl}\n  model: ${TEST_MODEL}\n`);
      await fn(config);
    } finally {
      await server.close();
    }
  };

  test("a malformed var file: the file and the problem are named, no content, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-bad-"));
    const file = join(dir, "s.auto.tfvars.json");
    writeFileSync(file, `{\n  "api_jwt_secret": "x",\n  "chutes_api_key": "${OLD_KEY}",,\n}\n`);
    const r = await run(["--out", file]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`${file}: not valid JSON at line 3`);
    expect(r.out).not.toContain(OLD_KEY);
    expect(r.out).not.toContain("old0");
    expect(r.out).not.toMatch(/^\s+at /m);

    writeFileSync(file, JSON.stringify({ chutes_api_key: [OLD_KEY], secrets_revision: "two" }));
    const typed = await run(["--out", file]);
    expect(typed.status).toBe(1);
    expect(typed.out).toContain(`${file}: chutes_api_key must be a string; secrets_revision must be a whole number >= 1`);
    expect(typed.out).not.toContain("old0");
  });

  test("bad flags and arguments print usage, exit 2 and echo nothing", async () => {
    for (const args of [["--key", OLD_KEY], [`--key=${OLD_KEY}`], ["rotate", OLD_KEY], ["shred"]]) {
      const r = await run(args);
      expect([args, r.status]).toEqual([args, 2]);
      expect(r.out).toContain("Usage: npm run secrets -- [command]");
      expect(r.out).not.toContain("old0");
    }
    const help = await run(["--help"]);
    expect([help.status, help.out]).toEqual([0, expect.stringContaining("rotate chutes_api_key")]);
  });

  test("set-up with a different key in CHUTES_API_KEY does not silently keep the old one", async () => {
    const { file } = await setUp();
    const before = readFileSync(file, "utf8");
    const r = await run(["--out", file, "--no-check"], { CHUTES_API_KEY: NEW_KEY });
    expect(r.status).toBe(1);
    expect(r.out).toContain("CHUTES_API_KEY=... npm run secrets -- rotate chutes_api_key");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(r.out).not.toContain(NEW_KEY);
  });

  test("a key that is not Chutes-shaped is refused before anything is written", async () => {
    const { file } = await setUp();
    const before = readFileSync(file, "utf8");
    for (const bad of ["sk-proj-0123456789abcdef0123456789", `Bearer ${NEW_KEY}`, "cpk_only-one-part"]) {
      const r = await run(["rotate", "chutes_api_key", "--out", file, "--no-check"], { CHUTES_API_KEY: bad });
      expect(r.status).toBe(2);
      expect(r.out).toContain("does not look like a Chutes API key");
      expect(r.out).not.toContain(bad);
    }
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  test("rotate chutes_api_key: probed against Chutes first; accepted → written, revision bumped; rejected → file unchanged", async () => {
    const { dir, file } = await setUp();
    const first = read(file);
    chmodSync(file, 0o644); // someone loosened it: the rewrite restores 0600
    await withChutes(OK_COMPLETION, async (config) => {
      const r = await run(["rotate", "chutes_api_key", "--out", file], { CHUTES_API_KEY: NEW_KEY, KODUS_CONFIG: config });
      expect([r.status, r.out]).toEqual([0, expect.stringContaining("rotated chutes_api_key; secrets_revision 1 -> 2")]);
      expect(r.out).toContain("Chutes accepts the key");
      expect(r.out).not.toContain(NEW_KEY);
    });
    const second = read(file);
    expect(second).toEqual({ ...first, chutes_api_key: NEW_KEY, secrets_revision: 2 });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const before = readFileSync(file, "utf8");
    await withChutes(chutesError(401, "Invalid token or user not found"), async (config) => {
      const r = await run(["rotate", "chutes_api_key", "--out", file], { CHUTES_API_KEY: OLD_KEY, KODUS_CONFIG: config });
      expect(r.status).toBe(1);
      expect(r.out).toContain(`${file}: not changed: Chutes does not accept the new key: auth_failed`);
      expect(r.out).not.toContain(OLD_KEY);
    });
    expect(readFileSync(file, "utf8")).toBe(before);
    // Atomic writes leave no temporary file behind.
    expect(readdirSync(dir)).toEqual(["kodus.secrets.auto.tfvars.json"]);
  });

  test("rotate NAME replaces exactly that secret and bumps the revision; api_crypto_key is refused", async () => {
    const { file } = await setUp();
    const first = read(file);
    const r = await run(["rotate", "api_jwt_secret", "--out", file]);
    expect([r.status, r.out]).toEqual([0, expect.stringContaining("rotated api_jwt_secret; secrets_revision 1 -> 2")]);
    const second = read(file);
    expect(second.api_jwt_secret).not.toBe(first.api_jwt_secret);
    expect(second.api_jwt_secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect({ ...second, api_jwt_secret: first.api_jwt_secret }).toEqual({ ...first, secrets_revision: 2 });
    const again = await run(["rotate", "rabbitmq_password", "--out", file]);
    expect(again.out).toContain("secrets_revision 2 -> 3");
    expect(again.out).toContain("inside the store");
    for (const v of Object.values(read(file))) expect(r.out + again.out).not.toContain(String(v).length > 3 ? String(v) : "\u0000");

    const bump = await run(["bump", "--out", file]);
    expect([bump.status, bump.out]).toEqual([0, expect.stringContaining("secrets_revision 3 -> 4")]);
    expect(read(file).secrets_revision).toBe(4);

    const crypto = await run(["rotate", "api_crypto_key", "--out", file]);
    expect(crypto.status).toBe(1);
    expect(crypto.out).toContain("api_crypto_key: refused");
    expect(read(file).api_crypto_key).toBe(first.api_crypto_key);
  });

  // A real process whose real probe child is turned down by the stand-in: the exit status of the
  // process, the key on neither of its real streams, and nothing written.
  test("rotate chutes_api_key with a key Chutes rejects (real process and real probe process): exit 1, file unchanged, key not shown", async () => {
    const { dir, file } = await setUp();
    const before = readFileSync(file, "utf8");
    await withChutes(chutesError(401, "Invalid token or user not found"), async (config) => {
      const r = await runProcess(["rotate", "chutes_api_key", "--out", file], { CHUTES_API_KEY: NEW_KEY, KODUS_CONFIG: config });
      expect(r.status).toBe(1);
      expect(r.out).toContain(`npm run secrets: ${file}: not changed: Chutes does not accept the new key: auth_failed`);
      expect(r.out).not.toContain(NEW_KEY);
      expect(r.out).not.toContain(OLD_KEY);
    });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["kodus.secrets.auto.tfvars.json"]);
  });

  describe("several environments from one repository", () => {
    const envConfig = (environment: string, extra = "") => {
      const config = join(mkdtempSync(join(tmpdir(), "kodus-secrets-env-")), `${environment}.yaml`);
      writeFileSync(config, `environment: ${environment}\n${extra}`);
      return config;
    };

    test("--out into a folder that does not exist yet: created (0700), file written, and the printed next step names the environment's stack, output folder and var file", async () => {
      const config = envConfig("prod", "docker:\n  enabled: false\n");
      const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-out-"));
      const file = join(dir, "secrets", "prod.tfvars.json");
      const r = await run(["--out", file, "--no-check"], { CHUTES_API_KEY: OLD_KEY, KODUS_CONFIG: config });
      expect([r.status, r.out]).toEqual([0, expect.stringContaining(`${file}: added`)]);
      expect(statSync(join(dir, "secrets")).mode & 0o777).toBe(0o700);
      expect(r.out).toContain(`Next: npx cdktf deploy kubernetes-prod --output cdktf.out.prod --var-file ${file}\n`);
      expect(r.out).not.toMatch(/deploy kubernetes\b(?!-prod)/);

      const rotated = await run(["rotate", "api_jwt_secret", "--out", file], { KODUS_CONFIG: config });
      expect(rotated.out).toContain(`Next: npx cdktf deploy kubernetes-prod --output cdktf.out.prod --var-file ${file}\n`);
      const bump = await run(["bump", "--out", file], { KODUS_CONFIG: config });
      expect(bump.out).toContain("Next: npx cdktf deploy kubernetes-prod --output cdktf.out.prod --var-file");
    });

    test("without an environment, the root auto var file needs no flag and both enabled stacks are named", async () => {
      const { nextDeployCommand } = await import("../../scripts/generate-secrets");
      const root = join(__dirname, "..", "..");
      expect(nextDeployCommand(undefined, join(root, "kodus.secrets.auto.tfvars.json"))).toBe(
        "Next: npx cdktf deploy kubernetes   (and/or: npx cdktf deploy docker)",
      );
      expect(nextDeployCommand(undefined, join(root, "secrets", "staging.tfvars.json"), ["kubernetes"])).toBe(
        "Next: npx cdktf deploy kubernetes --var-file secrets/staging.tfvars.json",
      );
    });

    test("no egress: a key Chutes never saw is 'could not be checked', not 'not accepted'; nothing written", async () => {
      const { file } = await setUp();
      const before = readFileSync(file, "utf8");
      // A closed port on loopback: connection refused, as behind a firewall without egress.
      const config = join(mkdtempSync(join(tmpdir(), "kodus-secrets-noegress-")), "kodus.config.yaml");
      writeFileSync(config, `llm:\n  baseUrl: http://127.0.0.1:9/v1\n  managementUrl: http://127.0.0.1:9\n`);
      const r = await run(["rotate", "chutes_api_key", "--out", file], { CHUTES_API_KEY: NEW_KEY, KODUS_CONFIG: config });
      expect(r.status).toBe(1);
      expect(r.out).toContain("the key could not be checked, Chutes gave no verdict on it");
      expect(r.out).toContain("--no-check");
      expect(r.out).not.toContain("does not accept");
      expect(r.out).not.toContain(NEW_KEY);
      expect(readFileSync(file, "utf8")).toBe(before);
    });
  });
});

describe("sliding window (issue #21): no 12-character run of a fresh random key in npm run secrets' output", () => {
  const SECRET = randomChutesKey();
  const outOf = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;
  test.each([
    ["the whole Authorization header", (auth: string) => `Access denied for ${auth}`],
    ["the key cut at 80", () => `${"x".repeat(40)} Access denied for ${SECRET.slice(0, 80)}`],
    ["a middle piece", () => `no such key ${SECRET.slice(33, 90)}`],
  ])("a rejected key that Chutes echoes back (%s): exit 1, nothing of the key printed", async (_name, echo) => {
    const server = await startChutesServer({ completion: (req) => chutesError(401, echo(String(req.headers.authorization))) });
    try {
      const dir = mkdtempSync(join(tmpdir(), "kodus-secrets-leak-"));
      const config = join(dir, "kodus.config.yaml");
      writeFileSync(config, `llm:\n  baseUrl: ${server.baseUrl}\n  model: ${TEST_MODEL}\n`);
      const r = await runInProcess(secrets, ["--out", join(dir, "s.auto.tfvars.json")], {
        env: { CHUTES_API_KEY: SECRET, KODUS_CONFIG: config },
        runProbe: inProcessProbe,
      });
      expect(r.status).toBe(1);
      expect(outOf(r)).toContain("Chutes does not accept the new key: auth_failed");
      expect(leakedRuns(outOf(r), SECRET)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test("the key pasted as an argument or a flag (with or without CHUTES_API_KEY set): exit 2, nothing of it printed", async () => {
    for (const args of [[SECRET], [`--${SECRET}`], ["rotate", SECRET], [`--out=${SECRET}`, "bump"]]) {
      for (const env of [{ CHUTES_API_KEY: SECRET }, {}] as Record<string, string>[]) {
        const r = await runInProcess(secrets, args, { env, runProbe: inProcessProbe });
        expect(r.status).not.toBe(0);
        expect(leakedRuns(outOf(r), SECRET)).toEqual([]);
      }
    }
  });
});
