/** Child processes of the cluster suites: one synchronous run with its combined output and wall time. */
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../helpers/cli";

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** A `run(cmd, args, opts)` whose processes get `baseEnv` plus their own `opts.env`. */
export function runnerWith(baseEnv: Record<string, string>) {
  return (cmd: string, args: string[], opts: RunOptions = {}) => {
    const started = Date.now();
    const r = spawnSync(cmd, args, {
      cwd: opts.cwd ?? PROJECT_ROOT,
      env: { ...baseEnv, ...opts.env },
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, ms: Date.now() - started };
  };
}
