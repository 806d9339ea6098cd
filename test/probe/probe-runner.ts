/**
 * Runs the real probe program (probe/chutes-probe.mjs, read from disk on every run) in one of two
 * ways, both on a clock the test can move forward (virtual-clock-core.cjs):
 *
 * - "process": a Node child process (`fork`), exactly as the chart and the Docker stack run it:
 *   the exit code, stdout and stderr are the operating system's. Each run costs a Node start-up
 *   (about 0.15 s of CPU with the probe's first fetch), so the suites keep this for the tests
 *   about the process boundary: exit codes, the one JSON line on stdout, the key never printed.
 * - "in-process": the same source evaluated in the test's process as a strict-mode function
 *   (the probe is a script with no import/export and only Node globals), given its own `process`
 *   (argv, env, stdout/stderr that collect what is written, exit that records the code) and the
 *   virtual clock as `performance` and `AbortSignal`, and `fetch` (the real one, with each
 *   response's text() observed), and optionally a wall clock fixed at a chosen time (`Date`). Its
 *   requests are real HTTP to the stand-in; only the process around it is simulated. Every other
 *   test runs this way.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { createVirtualClock } from "./virtual-clock-core.cjs";

/** The fields of the probe's JSON line, in the order it prints them (documented in docs/health-checks.md). */
export const PROBE_LINE_FIELDS = [
  "status",
  "ok",
  "httpStatus",
  "latencyMs",
  "model",
  "baseUrl",
  "detail",
  "hint",
  "checkedAt",
  "inference",
  "completion",
  "budget",
];

export const ROOT = path.resolve(__dirname, "../..");
export const PROBE = path.join(ROOT, "probe", "chutes-probe.mjs");
const CLOCK = path.join(__dirname, "virtual-clock.cjs");

export type ProbeMode = "process" | "in-process";

/** Moves the probe's clock forward; resolves once the probe has done it. */
export interface ProbeClock {
  advance(ms: number): Promise<void>;
  /**
   * In-process runs only: resolves once the probe has read the whole body of a response to a
   * URL ending in `pathEnd` (observed by wrapping the Response's text(); nothing else changes).
   */
  bodyRead(pathEnd: string): Promise<void>;
}

export interface ProbeOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole run, in fractional ms (performance.now()): it contains the probe's own real time. */
  wallMs: number;
}

/**
 * Runs the probe with exactly `env` (plus PATH) and `args`. `drive` runs while the probe does,
 * e.g. to advance its clock once the stand-in holds a request.
 */
export function runProbeProgram(
  mode: ProbeMode,
  args: readonly string[],
  env: Record<string, string>,
  drive?: (clock: ProbeClock) => Promise<void>,
  options: RunOptions = {},
): Promise<ProbeOutput> {
  const fullEnv = { PATH: process.env.PATH ?? "", ...env };
  if (mode === "process" && options.nowMs !== undefined) throw new Error("nowMs is only settable for a probe run in-process");
  return mode === "process" ? runAsProcess(args, fullEnv, drive) : runInProcess(args, fullEnv, drive, options);
}

export interface RunOptions {
  /** In-process runs only: the wall-clock time the probe sees (Date.now(), new Date()), fixed for the run. */
  nowMs?: number;
}

/** A Date whose "now" is fixed at `nowMs` (the probe's schedule-aligned decisions read the wall clock). */
function fixedDate(nowMs: number): DateConstructor {
  class FixedDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(nowMs);
      else super(...(args as [string]));
    }
    static now(): number {
      return nowMs;
    }
  }
  return FixedDate as DateConstructor;
}

async function runAsProcess(
  args: readonly string[],
  env: Record<string, string>,
  drive?: (clock: ProbeClock) => Promise<void>,
): Promise<ProbeOutput> {
  const started = performance.now();
  const child = fork(PROBE, [...args], { cwd: ROOT, env, execArgv: ["--require", CLOCK], silent: true });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const clock: ProbeClock = {
    advance: (ms) =>
      Promise.race([
        new Promise<void>((resolve) => {
          child.once("message", () => resolve());
          child.send({ advanceMs: ms });
        }),
        exited.then(() => {
          throw new Error(`the probe exited before its clock was advanced by ${ms} ms: ${stdout}${stderr}`);
        }),
      ]),
    bodyRead: () => Promise.reject(new Error("bodyRead is only observable when the probe runs in-process")),
  };
  try {
    if (drive) await drive(clock);
  } catch (err) {
    child.kill();
    await exited;
    throw err;
  }
  return { code: await exited, stdout, stderr, wallMs: performance.now() - started };
}

/** The probe's source as a function of the globals it is given, compiled once per distinct source text. */
const compiledBySource = new Map<string, (...globals: unknown[]) => void>();
function compiled(source: string): (...globals: unknown[]) => void {
  let fn = compiledBySource.get(source);
  if (!fn) {
    fn = new Function("process", "performance", "AbortSignal", "fetch", "Date", `"use strict";\n${source}`) as (
      ...globals: unknown[]
    ) => void;
    compiledBySource.clear(); // only the current source is worth keeping
    compiledBySource.set(source, fn);
  }
  return fn;
}

/** Thrown by the simulated process.exit, to stop the probe's code where a real exit would. */
const EXIT = Symbol("process.exit");

async function runInProcess(
  args: readonly string[],
  env: Record<string, string>,
  drive?: (clock: ProbeClock) => Promise<void>,
  options: RunOptions = {},
): Promise<ProbeOutput> {
  const source = readFileSync(PROBE, "utf8").replace(/^#!.*\n/, "");
  // If the probe ever gains imports, this way of running it stops working: say so.
  if (/^\s*(import|export)\b/m.test(source)) throw new Error(`${PROBE} has import/export statements: run it with mode "process"`);
  const started = performance.now();
  const clock = createVirtualClock();
  let stdout = "";
  let stderr = "";
  let code: number | null = null;
  let exited!: () => void;
  const exit = new Promise<void>((resolve) => (exited = resolve));
  /** A write callback runs later, as a real stream's does; an exit inside it ends the run. */
  const later = (cb: unknown) => {
    if (typeof cb !== "function") return;
    setImmediate(() => {
      try {
        cb();
      } catch (err) {
        if (err !== EXIT) throw err;
      }
    });
  };
  const stream = (append: (s: string) => void) => ({
    write(chunk: unknown, cb?: unknown) {
      if (code === null) append(String(chunk));
      later(cb);
      return true;
    },
  });
  const fakeProcess = {
    argv: [process.execPath, PROBE, ...args],
    env: { ...env },
    stdout: stream((s) => (stdout += s)),
    stderr: stream((s) => (stderr += s)),
    exit(c?: number) {
      if (code === null) {
        code = c ?? 0;
        exited();
      }
      throw EXIT;
    },
  };
  class VirtualAbortSignal extends AbortSignal {
    static timeout(ms: number): AbortSignal {
      return clock.timeout(ms);
    }
  }
  const read: { pathEnd: string; done: () => void }[] = [];
  const observedFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(url, init);
    const text = res.text.bind(res);
    Object.defineProperty(res, "text", {
      value: async () => {
        const body = await text();
        for (const r of read.filter((x) => String(url).endsWith(x.pathEnd))) r.done();
        return body;
      },
    });
    return res;
  };
  const probe = compiled(source);
  probe(
    fakeProcess,
    { now: clock.now, timeOrigin: performance.timeOrigin },
    VirtualAbortSignal,
    observedFetch,
    options.nowMs === undefined ? Date : fixedDate(options.nowMs),
  );
  const ended = exit.then(() => true);
  const inProcessClock: ProbeClock = {
    advance: async (ms) => {
      if (code !== null) throw new Error(`the probe exited before its clock was advanced by ${ms} ms: ${stdout}${stderr}`);
      clock.advance(ms);
    },
    bodyRead: (pathEnd) => new Promise<void>((done) => read.push({ pathEnd, done })),
  };
  try {
    if (drive) await Promise.race([drive(inProcessClock), ended]);
    await exit;
  } finally {
    clock.dispose();
  }
  return { code, stdout, stderr, wallMs: performance.now() - started };
}
