/**
 * npm run bench: how fast `npm run synth` starts and finishes (a benchmark, not a test).
 * Runs the real entry point N times (default 5) in fresh processes and reports min/median/max,
 * then compares loading one provider resource module with loading the provider's whole index.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..");
const runs = Number(process.argv[2] ?? 5);
const tsx = join(root, "node_modules", ".bin", "tsx");

function time(args: string[], env: Record<string, string> = {}): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function report(label: string, samples: number[]): void {
  const s = [...samples].sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} min ${s[0].toFixed(0)} ms  median ${s[Math.floor(s.length / 2)].toFixed(0)} ms  max ${s[s.length - 1].toFixed(0)} ms  (n=${s.length})`);
}

const out = mkdtempSync(join(tmpdir(), "kodus-bench-"));
try {
  report("npm run synth (tsx main.ts, both stacks)", Array.from({ length: runs }, () => time([tsx, "main.ts"], { CDKTF_OUTDIR: join(out, "o") })));
  const load = (mod: string) => time([process.execPath, "-e", `require(${JSON.stringify(mod)})`]);
  report("require one resource (deployment-v1)", Array.from({ length: runs }, () => load("@cdktf/provider-kubernetes/lib/deployment-v1")));
  report("require the whole kubernetes provider index", Array.from({ length: runs }, () => load("@cdktf/provider-kubernetes")));
  report("node startup alone (baseline)", Array.from({ length: runs }, () => time([process.execPath, "-e", "0"])));
} finally {
  rmSync(out, { recursive: true, force: true });
}
