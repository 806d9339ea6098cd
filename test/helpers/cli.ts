import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
const TSX = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");

/** Runs `tsx main.ts` the way `npm run synth` does, from `cwd`, with extra env. */
export function runSynth(cwd: string, env: Record<string, string>) {
  const result = spawnSync(TSX, [join(PROJECT_ROOT, "main.ts")], {
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
