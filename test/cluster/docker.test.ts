/**
 * Docker engine suite (`npm run test:cluster`, not part of `npm test`): the Docker stack applied
 * with real Terraform and the real kreuzwerker/docker 3.6.2 provider against a real dockerd
 * (Debian's docker.io) on a unix socket, started by scripts/docker-engine.sh, with stand-in
 * images named as the real ones (no registry is reachable here).
 *
 * The stand-ins answer the stack's healthchecks and nothing else; the preflight and monitor run
 * the real Chutes probe (node) against the tests' Chutes stand-in over TLS. So this proves
 * ordering, healthcheck gating, what a change replaces and in which order, and what the provider
 * reads back, never that Kodus, PostgreSQL, MongoDB or RabbitMQ work.
 *
 * Skips, saying why, when dockerd, root or the provider binary is missing, or when another
 * dockerd runs on this machine (two engines would fight over docker0 and the bridge subnets).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RABBITMQ_NOFILE } from "../../contract/data-stores";
import { PROJECT_ROOT, TS_RUN } from "../helpers/cli";
import { freshChutesKey } from "../helpers/secret-leaks";
import { runnerWith } from "./processes";

const SCRIPT = join(PROJECT_ROOT, "scripts", "docker-engine.sh");
const RUN_DIR = mkdtempSync(join(tmpdir(), "kodus-docker-suite-"));
const ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  KODUS_DOCKER_RUN: join(RUN_DIR, "engine"),
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
};
ENV.DOCKER_HOST = `unix://${join(ENV.KODUS_DOCKER_RUN, "docker.sock")}`;
const CHUTES_PORT = 18443;
/** Published on 127.0.0.1 (the script's --ip) on ports of their own. */
const PORTS = { api: 23001, web: 23000, webhooks: 23332 };
const KODUS = ["kodus-api", "kodus-worker", "kodus-webhooks", "kodus-web", "kodus-mcp-manager"];
const STORES = ["kodus-postgres", "kodus-mongodb", "kodus-rabbitmq"];

function skipReason(): string | undefined {
  const check = spawnSync("bash", [SCRIPT, "check"], { env: ENV, encoding: "utf8" });
  if (check.status !== 0) return `${check.stdout}${check.stderr}`;
  if (spawnSync("pgrep", ["-x", "dockerd"]).status === 0)
    return "another dockerd runs on this machine (stop it: bash scripts/docker-engine.sh stop)";
  if (spawnSync("terraform", ["version"]).status !== 0) return "terraform not found";
  return undefined;
}
const reason = skipReason();
if (reason) console.warn(`docker engine suite SKIPPED: ${reason.trim()}\nSee docs/cluster-tests.md "Docker engine".`);
const describeDocker = reason ? describe.skip : describe;

const run = runnerWith(ENV);

const docker = (...args: string[]) => run("docker", args).output.trim();
const inspect = (name: string, format: string) => docker("inspect", "--format", format, name);
/** name -> container id of every container on the engine. */
const containerIds = () =>
  Object.fromEntries(
    docker("ps", "-a", "--format", "{{.Names}} {{.ID}}")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")),
  );
/**
 * The Chutes stand-in (./chutes-tls.ts) in a process of its own: Terraform runs synchronously
 * here, which would block a server in this process. It logs each request it answers.
 */
async function startChutes(ip: string, log: string): Promise<ChildProcess & { baseUrl: string; managementUrl: string }> {
  const out = openSync(log, "a");
  const child = spawn(process.execPath, [TS_RUN, join(__dirname, "chutes-tls.ts"), ip, String(CHUTES_PORT)], {
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  const deadline = Date.now() + 30_000;
  while (!(existsSync(log) && readFileSync(log, "utf8").includes(`on https://${ip}:${CHUTES_PORT}/v1`))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Chutes stand-in did not start:\n${readFileSync(log, "utf8")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Object.assign(child, { baseUrl: `https://${ip}:${CHUTES_PORT}/v1`, managementUrl: `https://${ip}:${CHUTES_PORT}` });
}
const stopChutes = (child: ChildProcess) =>
  child.exitCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM")));

const timings: string[] = [];
const timed = <T extends { ms: number }>(label: string, r: T): T => (timings.push(`${label}: ${r.ms} ms`), r);

describeDocker("the Docker stack on a real dockerd with kreuzwerker/docker 3.6.2 (stand-in images)", () => {
  jest.setTimeout(600_000);
  const work = join(RUN_DIR, "stack");
  const stackDir = join(work, "cdktf.out", "stacks", "docker");
  const varFile = join(work, "secrets.tfvars.json");
  const config = join(work, "kodus.config.yaml");
  let chutes: Awaited<ReturnType<typeof startChutes>>;
  const chutesLog = join(RUN_DIR, "chutes.log");
  let gateway = "";
  let tfEnv: Record<string, string> = {};
  const tf = (label: string, args: string[]) =>
    timed(label, run("terraform", [...args, "-input=false", "-no-color", `-var-file=${varFile}`], { cwd: stackDir, env: tfEnv }));
  const resourceCount = () =>
    Object.values<Record<string, unknown>>(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).resource).reduce(
      (n, byName) => n + Object.keys(byName).length,
      0,
    );
  const secrets = (args: string[]) => {
    const r = run(
      process.execPath,
      [TS_RUN, join(PROJECT_ROOT, "scripts", "generate-secrets.ts"), ...args, "--out", varFile, "--no-check"],
      {
        env: { KODUS_CONFIG: config, CHUTES_API_KEY: freshChutesKey() },
      },
    );
    if (r.status !== 0) throw new Error(r.output);
  };

  beforeAll(async () => {
    const start = timed("dockerd start", run("bash", [SCRIPT, "start"], { timeoutMs: 120_000 }));
    if (start.status !== 0) throw new Error(`dockerd did not start:\n${start.output}`);
    const build = timed("build-standins", run("bash", [SCRIPT, "build-standins"], { timeoutMs: 300_000 }));
    if (build.status !== 0) throw new Error(`stand-ins not built:\n${build.output}`);
    tfEnv = { TF_CLI_CONFIG_FILE: /TF_CLI_CONFIG_FILE=(\S+)/.exec(run("bash", [SCRIPT, "env"]).output)?.[1] ?? "" };

    // The containers reach the host at the default bridge's gateway; the config takes http only
    // for loopback (a container's own), so the stand-in speaks TLS with a test-CA certificate.
    gateway = docker("network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}");
    chutes = await startChutes(gateway, chutesLog);
    mkdirSync(work, { recursive: true });
    writeFileSync(
      config,
      [
        "llm:",
        `  baseUrl: ${chutes.baseUrl}`,
        `  managementUrl: ${chutes.managementUrl}`,
        "docker:",
        "  bindAddress: 127.0.0.1",
        `  ports: { api: ${PORTS.api}, web: ${PORTS.web}, webhooks: ${PORTS.webhooks} }`,
        "kubernetes:",
        "  enabled: false",
        "",
      ].join("\n"),
    );
    const synth = run(process.execPath, [TS_RUN, join(PROJECT_ROOT, "main.ts")], {
      env: { KODUS_CONFIG: config, CDKTF_OUTDIR: join(work, "cdktf.out") },
    });
    if (synth.status !== 0) throw new Error(synth.output);
    // This machine caps open files below what RabbitMQ asks for (a real host's dockerd runs with
    // LimitNOFILE=infinity): runc then refuses the container ("error setting rlimit type 7").
    // A test-only override lowers it to the daemon's hard limit; the stack itself is unchanged.
    const pid = readFileSync(join(ENV.KODUS_DOCKER_RUN, "dockerd.pid"), "utf8").trim();
    const hard = Number(/Max open files\s+\S+\s+(\S+)/.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1]);
    if (hard < RABBITMQ_NOFILE) {
      writeFileSync(
        join(stackDir, "standin_override.tf.json"),
        JSON.stringify({ resource: { docker_container: { rabbitmq: { ulimit: [{ name: "nofile", soft: hard, hard }] } } } }),
      );
      timings.push(`(rabbitmq nofile lowered to ${hard}: this machine's limit)`);
    }
    secrets(["init"]);
    const init = timed(
      "terraform init (filesystem mirror)",
      run("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir, env: tfEnv }),
    );
    if (init.status !== 0) throw new Error(init.output);
  });

  afterAll(async () => {
    if (chutes) await stopChutes(chutes);
    run("bash", [SCRIPT, "stop"], { timeoutMs: 120_000 });
    rmSync(RUN_DIR, { recursive: true, force: true });
    console.log(`docker engine suite timings:\n  ${timings.join("\n  ")}`);
  });

  test("apply: everything created and healthy; the preflight passed before the API, the API before the rest", async () => {
    const apply = tf("apply (create)", ["apply", "-auto-approve"]);
    expect(apply.output).toContain(`Apply complete! Resources: ${resourceCount()} added, 0 changed, 0 destroyed.`);
    expect(apply.status).toBe(0);
    await new Promise((r) => setTimeout(r, 1_500));
    for (const c of [...KODUS, ...STORES]) expect([c, inspect(c, "{{.State.Health.Status}}")]).toEqual([c, "healthy"]);
    // The real probe ran in the API image against the stand-in, over TLS, and said ok.
    expect(inspect("kodus-chutes-preflight", "{{.State.ExitCode}}")).toBe("0");
    expect(
      JSON.parse(
        docker("logs", "kodus-chutes-preflight")
          .split("\n")
          .find((l) => l.startsWith("{"))!,
      ),
    ).toMatchObject({
      status: "ok",
      baseUrl: chutes.baseUrl,
    });
    // (the stand-in writes its log once a second)
    expect(readFileSync(chutesLog, "utf8")).toMatch(/ POST \/v1\/chat\/completions$/m);
    // Gating: Terraform created the API only once the preflight had exited and the stores were
    // healthy (wait = true), and the other Kodus containers only once the API was healthy.
    const t = (c: string, field: string) => Date.parse(inspect(c, `{{${field}}}`));
    const apiCreated = t("kodus-api", ".Created");
    expect(t("kodus-chutes-preflight", ".State.FinishedAt")).toBeLessThanOrEqual(apiCreated);
    for (const s of STORES) expect(t(s, ".State.StartedAt")).toBeLessThan(apiCreated);
    for (const c of KODUS.filter((c) => c !== "kodus-api")) expect(t(c, ".Created")).toBeGreaterThan(apiCreated);
    const outputs = JSON.parse(run("terraform", ["output", "-json"], { cwd: stackDir, env: tfEnv }).output);
    expect(outputs.api_url.value).toBe(`http://localhost:${PORTS.api}`);
    // Published where the config says, reachable from the host.
    expect(docker("port", "kodus-api")).toContain(`127.0.0.1:${PORTS.api}`);
  });

  test("a second plan replaces only the every-apply preflight (by design); nothing else drifts", () => {
    const plan = tf("plan (unchanged)", ["plan", "-detailed-exitcode"]);
    expect(plan.output).toContain("Plan: 2 to add, 0 to change, 2 to destroy.");
    expect(plan.output).toContain("terraform_data.chutes-preflight-trigger must be replaced");
    expect(plan.output).toContain("docker_container.chutes-preflight will be replaced due to changes in replace_triggered_by");
    const before = containerIds();
    const apply = tf("apply (unchanged)", ["apply", "-auto-approve"]);
    expect(apply.status).toBe(0);
    const after = containerIds();
    for (const c of [...KODUS, ...STORES, "kodus-chutes-monitor"]) expect([c, after[c]]).toEqual([c, before[c]]);
  });

  test("a key rotation replaces exactly the containers holding the key; the old API is gone before the preflight checks the new key", () => {
    secrets(["rotate", "chutes_api_key"]);
    const before = containerIds();
    const apply = tf("apply (chutes_api_key rotated)", ["apply", "-auto-approve"]);
    expect(apply.output).toContain("Apply complete! Resources: 5 added, 0 changed, 5 destroyed.");
    const after = containerIds();
    const replaced = Object.keys(after).filter((c) => after[c] !== before[c]);
    expect(replaced.sort()).toEqual(["kodus-api", "kodus-chutes-monitor", "kodus-chutes-preflight", "kodus-worker"]);
    const at = (line: string) => apply.output.indexOf(line);
    expect(at("docker_container.api: Destroying...")).toBeGreaterThan(-1);
    expect(at("docker_container.api: Destroying...")).toBeLessThan(at("docker_container.chutes-preflight: Creating..."));
    expect(at("docker_container.chutes-preflight: Creation complete")).toBeLessThan(at("docker_container.api: Creating..."));
  });

  test("a rotation while Chutes is unreachable fails the apply, with the API and the worker already removed", async () => {
    secrets(["rotate", "chutes_api_key"]);
    await stopChutes(chutes);
    const failed = tf("apply (rotated, Chutes down)", ["apply", "-auto-approve"]);
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain("Chutes preflight failed");
    // The message says what happened: the replaced containers are already gone.
    expect(failed.output.replace(/\s+/g, " ")).toContain("containers this deploy was replacing (a new key or image) were already removed");
    expect(failed.output).toContain('"status":"network_error"');
    const left = containerIds();
    expect(left["kodus-api"]).toBeUndefined();
    expect(left["kodus-worker"]).toBeUndefined();
    for (const c of ["kodus-web", "kodus-webhooks", "kodus-mcp-manager", ...STORES]) expect(inspect(c, "{{.State.Running}}")).toBe("true");

    chutes = await startChutes(gateway, chutesLog);
    const recovered = tf("apply (Chutes back)", ["apply", "-auto-approve"]);
    expect(recovered.output).toContain("Apply complete! Resources: 4 added, 0 changed, 2 destroyed.");
    expect(inspect("kodus-api", "{{.State.Health.Status}}")).toBe("healthy");
  });

  test("destroy removes every container, the volumes (their data) and the network; the images stay", () => {
    const images = docker("images", "-q").split("\n").length;
    const destroy = tf("destroy", ["destroy", "-auto-approve"]);
    expect(destroy.output).toContain(`Destroy complete! Resources: ${resourceCount()} destroyed.`);
    expect(docker("ps", "-aq")).toBe("");
    expect(docker("volume", "ls", "-q")).toBe("");
    expect(docker("network", "ls", "--filter", "name=^kodus$", "-q")).toBe("");
    expect(docker("images", "-q").split("\n").length).toBe(images); // keep_locally
  });
});
