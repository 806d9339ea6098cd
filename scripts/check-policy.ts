/**
 * npm run check:policy
 *
 * A peer's policy suite on our output: checkov (PyPI, pinned; installed into .tools/venv, never a
 * product dependency) over both synthesized stacks and the chart's default render. Every finding
 * must be one this project accepts, with its reason (ACCEPTED below, also in
 * docs/policy-checks.md); a new finding fails the check with its id, resource and name.
 *
 * The stacks are scanned as HCL (`cdktf synth --hcl`): checkov's terraform_json parser fails on
 * cdktf's JSON. cdktf 0.21 renders the `terraform.required_version` override as the invalid line
 * `0 = "required_version"` in HCL (its own bug); that one line is dropped before the scan.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runAsMain, type CliContext } from "./cli";

const ROOT = resolve(__dirname, "..");
export const CHECKOV_VERSION = "3.3.30";
const VENV = join(ROOT, ".tools", "venv");
const CHECKOV = join(VENV, "bin", "checkov");

/**
 * Findings this project accepts, by checkov id: why each does not apply or is the user's choice.
 * `only` narrows an acceptance to the findings it is about (`<target>: <resource>`).
 */
export const ACCEPTED: Readonly<Record<string, string | { readonly why: string; readonly only: RegExp }>> = {
  CKV_K8S_15:
    "Image pull policy Always: every image is pinned to a release tag (floating tags are refused) and optionally a digest, so IfNotPresent pulls exactly that image; Always would make every restart depend on the registry.",
  CKV_K8S_35:
    "Secrets as files: Kodus reads its secrets from environment variables only (API_OPEN_AI_API_KEY, API_JWT_SECRET ...); there is no file-based alternative in its code.",
  CKV_K8S_43:
    "Image digests: offered (kubernetes.images.digests / images.digests), not defaulted: digests cannot be known offline at synth time, and a wrong one fails the deploy.",
  CKV_K8S_21: {
    why: "Default namespace (chart only): the chart's objects take the release namespace from Helm, Argo CD or Flux at install (`-n`); checkov scans the render without one.",
    only: /^chart: /,
  },
  CKV_K8S_40:
    "UID below 10000: the Kodus images run as uid 1000 and the data-store images as 999 (their files are owned so); another uid breaks them. OpenShift assigns its own uids.",
  CKV_K8S_22: {
    why: "Read-only root filesystem for the bundled RabbitMQ: its entrypoint writes its configuration at start (every other container is read-only).",
    only: /rabbitmq$/,
  },
  CKV_K8S_8: {
    why: "Liveness probe on the `helm test` pod: it runs once to completion; a probe has nothing to watch.",
    only: /^chart: Pod\.\w+\.kodus-test$/,
  },
  CKV_K8S_9: { why: "Readiness probe on the `helm test` pod: it serves nothing.", only: /^chart: Pod\.\w+\.kodus-test$/ },
};

export interface Finding {
  readonly target: string;
  readonly id: string;
  readonly name: string;
  readonly resource: string;
}

function ensureCheckov(): void {
  const version = existsSync(CHECKOV) ? spawnSync(CHECKOV, ["--version"], { encoding: "utf8" }).stdout.trim() : "";
  if (version === CHECKOV_VERSION) return;
  if (!existsSync(join(VENV, "bin", "pip"))) execFileSync("python3", ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `checkov==${CHECKOV_VERSION}`], {
    stdio: "inherit",
  });
}

function scan(target: string, dir: string, framework: string): Finding[] {
  const r = spawnSync(CHECKOV, ["-d", dir, "--framework", framework, "--quiet", "--compact", "--skip-download", "-o", "json"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
  });
  const reports = [JSON.parse(r.stdout)].flat() as {
    summary?: { parsing_errors?: number; resource_count?: number };
    results?: { failed_checks: { check_id: string; check_name: string; resource: string }[] };
  }[];
  const findings: Finding[] = [];
  for (const report of reports) {
    const errors = report.summary?.parsing_errors ?? 0;
    if (errors > 0) throw new Error(`checkov could not parse ${target} (${errors} parsing errors): ${dir}`);
    for (const f of report.results?.failed_checks ?? [])
      findings.push({ target, id: f.check_id, name: f.check_name, resource: f.resource });
  }
  return findings;
}

/** The stacks as HCL (see the header), and the chart rendered with every secret set. */
function renderTargets(work: string): { stacks: string; chart: string } {
  const out = join(work, "cdktf.out");
  execFileSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--hcl", "--output", out], {
    cwd: ROOT,
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      TF_CLI_CONFIG_FILE: "/dev/null",
      KODUS_CONFIG: join(work, "kodus.config.yaml"),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (const stack of readdirSync(join(out, "stacks"))) {
    const file = join(out, "stacks", stack, "cdk.tf");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\s*0 = "required_version"\n/m, ""));
  }
  const secrets = join(work, "secrets.json");
  execFileSync(
    process.execPath,
    [join(ROOT, "scripts", "ts-run.cjs"), join(ROOT, "scripts", "generate-secrets.ts"), "--out", secrets, "--no-check"],
    {
      env: { PATH: process.env.PATH ?? "", CHUTES_API_KEY: `cpk_${"0".repeat(24)}.policy.check` },
      stdio: "ignore",
    },
  );
  const { secrets_revision: _revision, ...values } = JSON.parse(readFileSync(secrets, "utf8"));
  const valuesFile = join(work, "values.json");
  writeFileSync(valuesFile, JSON.stringify({ secrets: { values } }));
  const chartDir = join(work, "chart");
  mkdirSync(chartDir);
  const rendered = execFileSync(
    join(ROOT, ".tools", "bin", "helm"),
    ["template", "kodus", join(ROOT, "helm", "kodus-chutes"), "-n", "kodus", "-f", valuesFile],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(join(chartDir, "kodus.yaml"), rendered);
  return { stacks: join(out, "stacks"), chart: chartDir };
}

/** Whether `f` is one of the accepted findings (its id, and where the acceptance is narrowed, its place). */
export function accepted(f: Finding): boolean {
  const rule = ACCEPTED[f.id];
  if (rule === undefined) return false;
  return typeof rule === "string" || rule.only.test(`${f.target}: ${f.resource}`);
}

export function run(_argv: readonly string[], { stdout, stderr }: CliContext): number {
  ensureCheckov();
  const work = mkdtempSync(join(tmpdir(), "kodus-policy-"));
  // Both stacks, the Kubernetes one with bundled stores so their StatefulSets are scanned too.
  writeFileSync(join(work, "kodus.config.yaml"), "kubernetes:\n  dataStores:\n    mode: bundled\n");
  const { stacks, chart } = renderTargets(work);
  const findings = [
    ...scan("kubernetes stack", join(stacks, "kubernetes"), "terraform"),
    ...scan("docker stack", join(stacks, "docker"), "terraform"),
    ...scan("chart", chart, "kubernetes"),
  ];
  const unaccepted = findings.filter((f) => !accepted(f));
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  stdout(`check-policy: checkov ${CHECKOV_VERSION}: ${findings.length} findings, ${unaccepted.length} not accepted\n`);
  for (const [id, n] of [...counts].sort()) stdout(`  ${id} x${n}\n`);
  for (const f of unaccepted) stderr(`check-policy: ${f.target}: ${f.id} ${f.name}: ${f.resource}\n`);
  return unaccepted.length === 0 ? 0 : 1;
}

if (require.main === module) runAsMain(run);
