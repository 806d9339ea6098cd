/**
 * What a command-line program of this project gets from its process, passed in explicitly: its
 * logic is a function `run(argv, context)` that returns the exit code, so the tests can call it
 * in their own process with their own arguments, environment and output collectors, and only
 * the few lines of `runAsMain` touch the real process (argv, env, cwd, streams, exit code).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { PROBE_FILE } from "../probe/probe-program";

export interface CliContext {
  /** The environment the program reads (the real process.env when run as a program). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** Writes text to standard output as given (add the newline yourself). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error as given. */
  readonly stderr: (text: string) => void;
}

/** The context of a program that runs the Chutes probe: the probe runner may be replaced (tests). */
export interface ProbeCliContext extends CliContext {
  /** Default: runProbeProcess, the probe as a child process. */
  readonly runProbe?: ProbeRunner;
}

export type CliProgram = (argv: readonly string[], context: CliContext) => number | Promise<number>;

/**
 * Runs `program` as this process: the arguments after the script, process.env, the current
 * directory, the real stdout/stderr, and its result as the exit code. An unexpected exception
 * is left uncaught, so Node prints it and exits 1, as it would from plain top-level code.
 */
export function runAsMain(program: CliProgram): void {
  const context: CliContext = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
  const code = program(process.argv.slice(2), context);
  if (typeof code === "number") process.exitCode = code;
  else
    code.then(
      (c) => {
        process.exitCode = c;
      },
      (error: unknown) => {
        // As from top-level code: printed by Node, exit status 1 (not left to the rejection policy).
        process.exitCode = 1;
        throw error;
      },
    );
}

/** How a program ended: its exit code (null if a signal ended it) and everything it printed. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the Chutes probe (probe/chutes-probe.mjs) with `args` and exactly `env`, collecting its
 * output. The tests pass their own (the same probe source run in their process).
 */
export type ProbeRunner = (
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options?: { readonly timeoutMs?: number },
) => Promise<ProcessResult>;

const PROBE_PATH = resolve(__dirname, "..", "probe", PROBE_FILE);

/**
 * The real thing: `node probe/chutes-probe.mjs args...` as a child process (stdin closed), killed
 * with SIGTERM after timeoutMs. Its output is passed on once it exits (it prints one line).
 */
export const runProbeProcess: ProbeRunner = (args, env, options = {}) =>
  new Promise((done) => {
    const child = spawn(process.execPath, [PROBE_PATH, ...args], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // Not started (or not killable): reported as no exit code, as spawnSync's status is null then.
    child.once("error", () => done({ code: null, signal: null, stdout, stderr }));
    child.once("close", (code, signal) => done({ code, signal, stdout, stderr }));
  });

/** No run of this many characters of a secret may be printed (the probe's rule, chutes-probe.mjs). */
export const SECRET_RUN = 12;

/**
 * `text` without the secrets: every run of SECRET_RUN or more characters of each secret (so a
 * cut copy cannot survive), then "Bearer <token>" and "cpk_..." tokens, whoever's they are. The
 * same rule as the probe's redact() (which must stay dependency-free, hence this copy; the CLI
 * tests check both with the same sliding window). Redact before shortening anything.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    const s = secret?.trim();
    if (!s) continue;
    if (s.length < SECRET_RUN) {
      out = out.split(s).join("[REDACTED]");
      continue;
    }
    // Any case, as the probe compares: a proxy or a log may change a key's case.
    const lower = out.toLowerCase();
    const text = lower.length === out.length ? lower : out; // same indices, or compare as given
    const secretText = text === lower ? s.toLowerCase() : s;
    const runs = new Set<string>();
    for (let i = 0; i + SECRET_RUN <= secretText.length; i++) runs.add(secretText.slice(i, i + SECRET_RUN));
    const covered = new Uint8Array(out.length);
    let found = false;
    for (let i = 0; i + SECRET_RUN <= out.length; i++) {
      if (runs.has(text.slice(i, i + SECRET_RUN))) {
        covered.fill(1, i, i + SECRET_RUN);
        found = true;
      }
    }
    if (!found) continue;
    let next = "";
    for (let i = 0; i < out.length; i++) {
      if (!covered[i]) next += out[i];
      else if (i === 0 || !covered[i - 1]) next += "[REDACTED]";
    }
    out = next;
  }
  return out
    .replace(/\b(bearer)(\s+|%20|\+)(?!\[REDACTED\])[^\s"'<>,;)\]}]{6,}/gi, "$1 [REDACTED]")
    .replace(/cpk_[A-Za-z0-9_-][A-Za-z0-9._~+/=-]*/gi, "[REDACTED]");
}
