import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CliContext, ProbeRunner } from "../../scripts/cli";
import { runProbeProgram } from "../probe/probe-runner";

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

/** What a CLI run printed and returned; `status` is the exit code (same shape as a spawned run's). */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Calls a program's `run(argv, context)` in this process with exactly `env` and `cwd`, collecting
 * what it writes. No child process: the process boundary itself (exit status of a real process,
 * what reaches its real stdout/stderr) is left to the few tests that spawn one.
 */
export async function runInProcess<C extends CliContext>(
  program: (argv: readonly string[], context: C) => number | Promise<number>,
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } & Omit<C, keyof CliContext> = {} as any,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const { env = {}, cwd = PROJECT_ROOT, ...rest } = options;
  const context = { ...rest, env, cwd, stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) } as C;
  const status = await program(argv, context);
  return { status, stdout, stderr };
}

/**
 * The probe as the CLIs run it, but in this process: probe/chutes-probe.mjs's own source with a
 * simulated process around it (test/probe/probe-runner.ts); its requests are real HTTP.
 */
export const inProcessProbe: ProbeRunner = (args, env) =>
  runProbeProgram("in-process", args, Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)));
