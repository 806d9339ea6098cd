import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../main";
import { PROJECT_ROOT, readTree, runInProcess, runSynth } from "./helpers/cli";
import { freshChutesKey, leakedRuns } from "./helpers/secret-leaks";

const tmp = () => mkdtempSync(join(tmpdir(), "kodus-main-"));
/** main.ts's run() in this process: the config handling needs no process of its own. */
const synthInProcess = (cwd: string, env: Record<string, string>) => runInProcess(run, [], { cwd, env });

describe("npm run synth (main.ts)", () => {
  test("a bad config exits non-zero, names each field, shows no stack trace and writes nothing", async () => {
    const dir = tmp();
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "llm:\n  model: auto\n  baseUrl: http://llm.chutes.ai/v1\nkubernetes:\n  replicas:\n    worker: 0\n");
    const outdir = join(dir, "out");
    const r = await synthInProcess(dir, { KODUS_CONFIG: file, CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/^ {2}- llm\.model: /m);
    expect(r.stderr).toMatch(/^ {2}- llm\.baseUrl: /m);
    expect(r.stderr).toMatch(/^ {2}- kubernetes\.replicas\.worker: /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(outdir)).toBe(false);
  });

  // Issue #21: both were accepted and written into cdk.tf.json.
  test.each([
    [
      "a Chutes key pasted into a pod annotation",
      (key: string) => `kubernetes:\n  pods:\n    api:\n      annotations:\n        example.com/llm-key: ${key}\n`,
      /^ {2}- kubernetes\.pods\.api\.annotations\.example\.com\/llm-key: looks like a Chutes API key .*value not shown/m,
    ],
    [
      "credentials in the s3 backend's endpoint",
      () => "terraform:\n  backend:\n    s3:\n      bucket: kodus-state\n      endpoint: https://USER:PASSWORD@minio.example.com\n",
      /^ {2}- terraform\.backend\.s3\.endpoint: must not contain credentials \(user:password@\).*\(got "https:\/\/\*\*\*@minio\.example\.com"\)$/m,
    ],
  ])("%s: refused in one line naming the field, the secret not shown, nothing written", async (_name, text, line) => {
    const dir = tmp();
    const file = join(dir, "kodus.config.yaml");
    const key = freshChutesKey();
    writeFileSync(file, text(key));
    const outdir = join(dir, "out");
    const r = await synthInProcess(dir, { KODUS_CONFIG: file, CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("  - "))).toEqual([expect.stringMatching(line)]);
    expect(leakedRuns(r.stdout + r.stderr, key)).toEqual([]);
    expect(r.stderr).not.toMatch(/USER|PASSWORD/);
    expect(existsSync(outdir)).toBe(false);
  });

  test("a missing config file is named", async () => {
    const dir = tmp();
    const r = await synthInProcess(dir, { KODUS_CONFIG: "missing.yaml", CDKTF_OUTDIR: join(dir, "out") });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, "missing.yaml")}: file not found`);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  const canary = `cpk_${"canary".repeat(6)}.${"canary".repeat(3)}.canary`; // key-shaped, obviously fake

  // Real processes, as `npm run synth` and `cdktf synth` start them (node scripts/ts-run.cjs
  // main.ts): only a process has its own PATH (empty here: proof that no terraform binary is
  // needed), time zone and locale, and only its real stdout/stderr show that no canary leaks.
  test("same config, byte-identical output from any directory, time zone, locale or PATH (no Terraform needed), and secret-looking values left around never reach it", () => {
    const a = tmp();
    const b = tmp();
    const ra = runSynth(a, { CDKTF_OUTDIR: join(a, "out"), TZ: "UTC", LANG: "C" });
    // The second run: an empty PATH (no terraform binary: cdktf's DataResource would run
    // `terraform version` here), and a canary wherever a user might leave a secret: a var file
    // next to the project, as `npm run secrets` writes it, and the environment.
    writeFileSync(join(b, "kodus.secrets.auto.tfvars.json"), JSON.stringify({ chutes_api_key: canary }));
    const env: Record<string, string> = {
      CDKTF_OUTDIR: join(b, "out"),
      TZ: "Asia/Kolkata",
      LANG: "de_DE.UTF-8",
      PATH: tmp(),
      CHUTES_API_KEY: canary,
      API_OPEN_AI_API_KEY: canary,
      OPENAI_API_KEY: canary,
    };
    for (const v of ["chutes_api_key", "api_jwt_secret", "postgres_password", "rabbitmq_password"]) env[`TF_VAR_${v}`] = canary;
    const rb = runSynth(b, env);
    expect([ra.status, rb.status, rb.stderr]).toEqual([0, 0, ""]);
    const treeA = readTree(join(a, "out"));
    expect(Object.keys(treeA)).toEqual(expect.arrayContaining(["manifest.json", "stacks/docker/cdk.tf.json"]));
    const treeB = readTree(join(b, "out"));
    expect(treeB).toEqual(treeA);
    for (const content of Object.values(treeA)) {
      expect(content).not.toContain(a);
      expect(content).not.toContain(PROJECT_ROOT);
    }
    for (const [file, content] of Object.entries(treeB)) expect([file, content.includes(canary)]).toEqual([file, false]);
    expect(rb.stdout + rb.stderr).not.toContain(canary);
  });

  // A real process: its exit status and everything on its real stdout/stderr (not only what
  // run() writes through its context) must be free of the pasted key.
  test("canary: a key pasted into the config file is rejected without being echoed (real process: exit 1, nothing on its streams)", () => {
    const dir = tmp();
    const cfg = join(dir, "leaky.yaml");
    writeFileSync(cfg, `llm:\n  apiKey: ${canary}\n  model: ${canary}\n`);
    const bad = runSynth(dir, { KODUS_CONFIG: cfg, CDKTF_OUTDIR: join(dir, "out2") });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("llm.apiKey: unknown key");
    expect(bad.stdout + bad.stderr).not.toContain(canary);
  });
});
