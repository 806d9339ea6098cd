/**
 * npm run bench: a benchmark, not a test. In one run, side by side:
 *   - the project's synth, exactly what `npm run synth` and `cdktf synth` execute
 *     (node scripts/ts-run.cjs main.ts, both stacks), with a warm and a cold transpile cache;
 *   - a naive cdktf hello-world built here in a temp dir: `cdktf init --template typescript`
 *     style (ts-node, type-checked, top-level provider imports, one resource per provider);
 *   - the whole `npm test` (pretest helm install included), wall time, twice: as it runs day to
 *     day (its content-keyed caches warm: helm renders, synths, the type check's stamp), and with
 *     every test cache starting empty (KODUS_TEST_CACHE_ROOT: helm renders, synths, tsc's stamp
 *     and build info; jest's transform cache), as on a fresh clone right after `npm ci`; plus
 *     the slowest suites;
 *   - what the periodic Chutes check spends: requests a day per Chutes plan at the default
 *     schedule, beside the 96 a day it spent before it paced its completions, computed by the
 *     probe itself (`chutes-probe.mjs --cost`, the function the deployed probe decides with).
 * Runs are interleaved so both programs see the same machine load. Peak RSS is each process'
 * own maxRSS (a preloaded reporter).
 * Usage: npm run bench [-- --runs 5] [-- --no-suite] [-- --no-cold-suite] [-- --cost-only]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SCHEDULE } from "../config/schema";

const ROOT = resolve(__dirname, "..");
const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "no-suite": { type: "boolean", default: false },
    "no-cold-suite": { type: "boolean", default: false },
    "cost-only": { type: "boolean", default: false },
  },
});
const RUNS = Math.max(1, Number(opts.runs));
const TARGET_RATIO = 0.2;
const TARGET_RSS_MB = 200;
/** npm test's budgets on 2 cores: warm caches, and empty ones as on a fresh clone. */
const TARGET_SUITE_WARM_S = 25;
const TARGET_SUITE_COLD_S = 60;

const work = mkdtempSync(join(tmpdir(), "kodus-bench-"));
const rssFile = join(work, "rss");
// Preloaded into every measured process: writes its peak RSS (kB) when it exits.
const reporter = join(work, "rss-reporter.cjs");
writeFileSync(
  reporter,
  `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
);

interface Sample {
  seconds: number;
  rssMb: number;
}

function measure(args: string[], cwd: string, env: Record<string, string> = {}): Sample {
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", reporter, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { seconds, rssMb: Number(readFileSync(rssFile, "utf8")) / 1024 };
}

/** The naive hello-world, as `cdktf init --template typescript` lays it out, using this project's packages. */
function naiveProject(): string {
  const dir = join(work, "hello");
  mkdirSync(dir);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", terraformProviders: [] }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        alwaysStrict: true,
        declaration: true,
        experimentalDecorators: true,
        inlineSourceMap: true,
        inlineSources: true,
        lib: ["es2018"],
        module: "CommonJS",
        noEmitOnError: true,
        noFallthroughCasesInSwitch: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noImplicitThis: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        resolveJsonModule: true,
        strict: true,
        strictNullChecks: true,
        strictPropertyInitialization: true,
        stripInternal: true,
        target: "ES2018",
        incremental: true,
        skipLibCheck: true,
      },
      include: ["**/*.ts"],
      exclude: ["node_modules", "cdktf.out"],
    }),
  );
  writeFileSync(
    join(dir, "main.ts"),
    `import { Construct } from "constructs";
import { App, TerraformStack } from "cdktf";
import { provider as docker, image } from "@cdktf/provider-docker";
import { provider as kubernetes, namespaceV1 } from "@cdktf/provider-kubernetes";

class HelloStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new docker.DockerProvider(this, "docker", {});
    new image.Image(this, "nginx", { name: "nginx:latest" });
    new kubernetes.KubernetesProvider(this, "kubernetes", {});
    new namespaceV1.NamespaceV1(this, "hello", { metadata: { name: "hello" } });
  }
}

const app = new App();
new HelloStack(app, "hello");
app.synth();
`,
  );
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (samples: Sample[]) => ({
  seconds: median(samples.map((s) => s.seconds)),
  rssMb: Math.max(...samples.map((s) => s.rssMb)),
});
const row = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);

/** One `npm test` run, timed, with its Tests: summary and its three slowest suites (jest --json). */
function suiteRow(label: string, target: number, env: Record<string, string>, jestArgs: string[] = []): void {
  const report = join(work, `suite-${Date.now()}.json`);
  const start = process.hrtime.bigint();
  const t = spawnSync("npm", ["test", "--", ...jestArgs, "--json", `--outputFile=${report}`], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const tests = /^Tests:\s+(.*)$/m.exec(t.stdout + t.stderr)?.[1] ?? "no summary";
  row(label, `${seconds.toFixed(1)} s  exit ${t.status}  (${tests}; target <= ${target} s: ${seconds <= target ? "met" : "NOT met"})`);
  try {
    const results = (JSON.parse(readFileSync(report, "utf8")) as { testResults: { name: string; startTime: number; endTime: number }[] })
      .testResults;
    const slowest = results
      .map((r) => ({ name: r.name.slice(ROOT.length + 1), s: (r.endTime - r.startTime) / 1000 }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 3);
    row("  slowest suites", slowest.map((x) => `${x.name} ${x.s.toFixed(1)} s`).join(", "));
  } catch {
    // no report: the type check failed before jest ran (the exit code says so)
  }
}

/** The periodic check's requests a day per plan, from the probe's own --cost (no request, no key). */
function probeCostRows(): void {
  const r = spawnSync(process.execPath, [join(ROOT, "probe", "chutes-probe.mjs"), "--cost", "--schedule", DEFAULT_SCHEDULE], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`chutes-probe.mjs --cost failed (${r.status}): ${r.stdout}${r.stderr}`);
  const cost = JSON.parse(r.stdout) as {
    runsPerDay: number;
    completionsPerDayBefore: number;
    plans: { dailyQuota: number; intervalSeconds: number; completionsPerDay: number; percentOfQuota: number }[];
  };
  console.log(
    `Chutes periodic check at the default schedule "${DEFAULT_SCHEDULE}" (${cost.runsPerDay} runs a day; completion requests a day, each 1 of the daily quota):`,
  );
  for (const p of cost.plans) {
    const before = ((cost.completionsPerDayBefore / p.dailyQuota) * 100).toFixed(1);
    row(
      `  daily quota ${p.dailyQuota}: one every ${p.intervalSeconds / 60} min`,
      `${p.completionsPerDay}/day = ${p.percentOfQuota}% (was ${cost.completionsPerDayBefore}/day = ${before}%; target <= 1%: ${p.percentOfQuota <= 1 ? "met" : "NOT met"})`,
    );
  }
}

try {
  probeCostRows();
  if (opts["cost-only"]) {
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  }
  const hello = naiveProject();
  const tsRun = join(ROOT, "scripts", "ts-run.cjs");
  const projectEnv = { CDKTF_OUTDIR: join(work, "project.out") };
  measure([tsRun, "main.ts"], ROOT, projectEnv); // warm the transpile cache (what every later synth sees)
  const project: Sample[] = [];
  const cold: Sample[] = [];
  const naive: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    project.push(measure([tsRun, "main.ts"], ROOT, projectEnv));
    naive.push(measure([join(ROOT, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"], hello));
    cold.push(measure([tsRun, "main.ts"], ROOT, { ...projectEnv, KODUS_TS_CACHE_DIR: join(work, `cold-cache-${i}`) }));
  }
  const p = summary(project);
  const c = summary(cold);
  const n = summary(naive);
  const ratio = p.seconds / n.seconds;

  console.log(
    `kodus-chutes-deploy bench: node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}; median of ${RUNS} interleaved runs, peak RSS = max`,
  );
  row("project synth (node scripts/ts-run.cjs main.ts, both stacks)", `${p.seconds.toFixed(2)} s  ${p.rssMb.toFixed(0)} MB`);
  row("project synth, cold transpile cache (first run after a clone)", `${c.seconds.toFixed(2)} s  ${c.rssMb.toFixed(0)} MB`);
  row("naive cdktf hello-world (ts-node, top-level provider imports)", `${n.seconds.toFixed(2)} s  ${n.rssMb.toFixed(0)} MB`);
  row("project / naive time", `${ratio.toFixed(2)}x  (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`);
  row("project peak RSS", `${p.rssMb.toFixed(0)} MB  (target <= ${TARGET_RSS_MB} MB: ${p.rssMb <= TARGET_RSS_MB ? "met" : "NOT met"})`);

  if (!opts["no-suite"]) {
    suiteRow("npm test (wall, pretest included; caches warm)", TARGET_SUITE_WARM_S, {});
    if (!opts["no-cold-suite"]) {
      // What a fresh clone runs: every test cache starts empty (and fills during the run), jest's too.
      const fresh = join(work, "fresh-caches");
      suiteRow("npm test, caches empty (a fresh clone after npm ci)", TARGET_SUITE_COLD_S, { KODUS_TEST_CACHE_ROOT: fresh }, [
        `--cacheDirectory=${join(fresh, "jest")}`,
      ]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
