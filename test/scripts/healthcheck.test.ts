import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run as healthcheck } from "../../scripts/healthcheck";
import { inProcessProbe, runInProcess, tsRunArgs } from "../helpers/cli";
import { leakedRuns, randomChutesKey } from "../helpers/secret-leaks";
import { OK_COMPLETION, TEST_MODEL, chutesError, modelsList, startChutesServer } from "../probe/chutes-server";

const KEY = `cpk_${"probe".repeat(7)}.script.test`; // key-shaped, obviously fake
/**
 * scripts/healthcheck.ts's run() in this process, with the probe's own source run in this
 * process too (no timing margins: the probe keeps its 30 s default timeout and the stand-in
 * answers at once).
 */
const run = (args: string[], env: Record<string, string>) =>
  runInProcess(healthcheck, args, { env: { CHUTES_API_KEY: KEY, ...env }, runProbe: inProcessProbe });
/**
 * `npm run healthcheck` as a real process (which starts the probe as its own child). Asynchronous
 * on purpose: the fake Chutes server runs in this process and must keep answering.
 */
const runProcess = (args: string[], env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      tsRunArgs("scripts/healthcheck.ts", ...args),
      { env: { PATH: process.env.PATH, CHUTES_API_KEY: KEY, ...env }, encoding: "utf8" },
      (_err, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
    );
  });

test("npm run healthcheck takes its defaults from the config and lets flags win", async () => {
  const server = await startChutesServer({ models: modelsList([TEST_MODEL, "org/other"]), completion: OK_COMPLETION });
  try {
    const dir = mkdtempSync(join(tmpdir(), "kodus-hc-"));
    const config = join(dir, "c.yaml");
    writeFileSync(config, `llm:\n  model: chutes/${TEST_MODEL}\n  baseUrl: ${server.baseUrl}\n`);
    const fromConfig = await run([], { KODUS_CONFIG: config });
    expect(fromConfig.status).toBe(0);
    expect(JSON.parse(fromConfig.stdout)).toMatchObject({ status: "ok", model: TEST_MODEL, baseUrl: server.baseUrl });
    const flagged = await run(["--model", "org/other"], { KODUS_CONFIG: config });
    expect(JSON.parse(flagged.stdout).model).toBe("org/other");
    expect(fromConfig.stdout + fromConfig.stderr + flagged.stdout).not.toContain(KEY);
  } finally {
    await server.close();
  }
});

// A real process (one of the two tests here that must be): the exit status of the real process (through
// the probe child it starts), the probe's line on its real stdout, and the key on neither stream.
test("a failing Chutes gives a non-zero exit and the status (real process: exit status, no key on its streams)", async () => {
  const server = await startChutesServer({
    models: modelsList([TEST_MODEL]),
    completion: chutesError(401, "Invalid token or user not found"),
  });
  try {
    const r = await runProcess(["--base-url", server.baseUrl, "--model", TEST_MODEL], {});
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "auth_failed", httpStatus: 401 });
    expect(r.stdout + r.stderr).not.toContain(KEY);
  } finally {
    await server.close();
  }
});

// In-process, and once as a real process: 2 is the one exit status besides 0 and 1 (which Node
// itself uses for a crash) that only the real process can show is passed through.
test.each([
  ["in process", run],
  ["real process", runProcess],
])("a bad config exits 2 with the field named, before any request (%s)", async (_how, runIt) => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-hc-"));
  writeFileSync(join(dir, "bad.yaml"), "llm:\n  model: auto\n");
  const r = await runIt([], { KODUS_CONFIG: join(dir, "bad.yaml") });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("llm.model");
});

test("--help prints usage and exits 0, without a probe run or a config_error", async () => {
  for (const flag of ["--help", "-h"]) {
    const r = await run([flag], { KODUS_CONFIG: "/nonexistent/kodus.config.yaml" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: .*npm run --silent healthcheck -- /);
    for (const f of ["--base-url URL", "--model ORG/MODEL", "--timeout-ms N", "--max-latency-ms N"]) expect(r.stdout).toContain(f);
    expect(r.stdout).toContain("llm.baseUrl");
    expect(r.stdout).not.toContain('config_error"');
  }
});

test.each([
  [["--bogus"], "unknown flag --bogus", /--help/],
  [["--timeout-ms", "soon"], "timeout must be a positive integer of ms", /whole number of milliseconds/],
  [["--model"], "--model needs a value", /--flag VALUE/],
])("each config_error's hint is about its own cause: %j", async (args, detail, hint) => {
  const r = await run(args, {});
  expect(r.status).toBe(2);
  const line = JSON.parse(r.stdout);
  expect(line.status).toBe("config_error");
  expect(line.detail).toContain(detail);
  expect(line.hint).toMatch(hint);
  // Not the generic "set everything" text.
  expect(line.hint).not.toBe("Set --base-url and --model (or PROBE_BASE_URL and PROBE_MODEL) and the CHUTES_API_KEY env var.");
});

test("a missing key's hint names CHUTES_API_KEY and nothing else", async () => {
  const r = await run(["--base-url", "https://llm.chutes.ai/v1"], { CHUTES_API_KEY: "" });
  const line = JSON.parse(r.stdout);
  expect(line.detail).toBe("missing API key (env CHUTES_API_KEY)");
  expect(line.hint).toMatch(/^Export CHUTES_API_KEY=cpk_\.\.\./);
  expect(line.hint).not.toMatch(/--timeout-ms|--help/);
});
test("--budget reads the Chutes budget with the config's management URL and thresholds; without it, nothing is read", async () => {
  const { subscriptionUsage } = await import("../probe/chutes-server");
  const server = await startChutesServer({
    models: modelsList([TEST_MODEL]),
    completion: OK_COMPLETION,
    subscription: subscriptionUsage(60, 10),
  });
  try {
    const dir = mkdtempSync(join(tmpdir(), "kodus-hc-"));
    const config = join(dir, "c.yaml");
    writeFileSync(
      config,
      `llm:\n  baseUrl: ${server.baseUrl}\n  model: ${TEST_MODEL}\n  managementUrl: ${server.managementUrl}\nhealthcheck:\n  budget:\n    warnPercent: 50\n    criticalPercent: 90\n`,
    );
    const plain = await run([], { KODUS_CONFIG: config });
    expect(JSON.parse(plain.stdout)).toMatchObject({ status: "ok", budget: null });
    expect(server.requests.filter((r) => r.path.startsWith("/users/me/"))).toHaveLength(0);
    const watched = await run(["--budget"], { KODUS_CONFIG: config });
    expect(watched.status).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({
      status: "budget_warning",
      budget: { status: "warning", window: "monthly", percent: 60 },
    });
    expect(watched.stdout + watched.stderr).not.toContain(KEY);
  } finally {
    await server.close();
  }
});

describe("sliding window (issue #21): no 12-character run of a fresh random key in npm run healthcheck's output", () => {
  const SECRET = randomChutesKey();
  const echoes = [
    (auth: string) => `Access denied for ${auth}`,
    () => `key ${SECRET.slice(0, 79)}`,
    () => `${"x".repeat(70)} ${SECRET.slice(15, 70)}`,
    () => `tail ${SECRET.slice(50)}`,
  ];
  test.each(echoes.map((echo, i) => ({ echo, i })))("Chutes echoes the key back (variant $i): in process", async ({ echo }) => {
    const server = await startChutesServer({ completion: (req) => chutesError(401, echo(String(req.headers.authorization))) });
    try {
      const common = ["--base-url", server.baseUrl, "--model", TEST_MODEL];
      for (const args of [common, [...common, "--budget", "report", "--management-url", server.managementUrl]]) {
        const r = await runInProcess(healthcheck, args, { env: { CHUTES_API_KEY: SECRET }, runProbe: inProcessProbe });
        expect(leakedRuns(r.stdout + r.stderr, SECRET)).toEqual([]);
        expect(JSON.parse(r.stdout).status).toBe("auth_failed");
      }
    } finally {
      await server.close();
    }
  });

  test("stray arguments that are the key, and the real process", async () => {
    const server = await startChutesServer({ completion: (req) => chutesError(401, `Access denied for ${req.headers.authorization}`) });
    try {
      const stray = await runInProcess(healthcheck, ["--base-url", server.baseUrl, SECRET, `--${SECRET.slice(30)}`], {
        env: { CHUTES_API_KEY: SECRET },
        runProbe: inProcessProbe,
      });
      expect(stray.status).toBe(2);
      expect(leakedRuns(stray.stdout + stray.stderr, SECRET)).toEqual([]);
      const real = await runProcess(["--base-url", server.baseUrl, "--model", TEST_MODEL], { CHUTES_API_KEY: SECRET });
      expect(real.status).toBe(1);
      expect(leakedRuns(real.stdout + real.stderr, SECRET)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
