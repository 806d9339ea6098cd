import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
/** The project's TypeScript runner (what cdktf.json's "app" and the npm scripts run). */
export const TS_RUN = join(PROJECT_ROOT, "scripts", "ts-run.cjs");

/** `node scripts/ts-run.cjs <script> ...args`: argv for spawning a project TypeScript program. */
export const tsRunArgs = (script: string, ...args: string[]): string[] => [TS_RUN, join(PROJECT_ROOT, script), ...args];

/** Runs main.ts the way `npm run synth` and `cdktf synth` do, from `cwd`, with extra env. */
export function runSynth(cwd: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, tsRunArgs("main.ts"), {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir`, relative path → contents. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel), "utf8");
    }
  };
  walk("");
  return out;
}
