import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import type { ConfigInput } from "../../config/schema";

/** Terraform JSON as synthesized (metadata stripped, keys sorted), parsed. */
export type TfJson = {
  resource: Record<string, Record<string, any>>;
  variable: Record<string, any>;
  output?: Record<string, any>;
  check?: Record<string, any>;
  terraform: any;
  provider: any;
};

const ROOT = resolve(__dirname, "..", "..");
/**
 * Shared by every suite and run; set KODUS_TEST_SYNTH_CACHE=0 to synthesize everything afresh.
 * KODUS_TEST_CACHE_ROOT moves the test caches elsewhere (npm run bench: an empty one, as a fresh clone has).
 */
const CACHE_DIR = join(process.env.KODUS_TEST_CACHE_ROOT || join(ROOT, "node_modules", ".cache"), "kodus-synth");
const useDiskCache = process.env.KODUS_TEST_SYNTH_CACHE !== "0";
/** Not sources: what a synth cannot read. Everything else in the project is. */
const NOT_SOURCES = new Set(["node_modules", ".git", "test", "cdktf.out", ".tools", "helm", "coverage", ".gen"]);

let fingerprint: string | undefined;
/**
 * A hash of every file a synth could depend on: all project files except tests, docs, the chart
 * and generated or installed trees (package.json and the lock file pin cdktf and the providers).
 * Any edit to the code changes it, so a cached synth is never stale.
 */
function sourcesFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (
        NOT_SOURCES.has(entry.name) ||
        entry.name.startsWith("cdktf.out.") ||
        entry.name.endsWith(".md") ||
        entry.name.startsWith(".cdktf")
      )
        continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(relative(ROOT, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  walk(ROOT);
  fingerprint = hash.digest("hex");
  return fingerprint;
}

const memo = new Map<string, string>();

/*
 * A synth that misses both caches runs in a worker thread, loaded as `npm run synth` loads the
 * project (scripts/ts-run.cjs), not inside the test: cdktf records a full stack trace for every
 * token it creates, and Jest's module sandbox maps each of those frames through source maps,
 * which made a synth inside a test about three times slower. The test waits for the answer
 * (Atomics.wait on a shared flag), so synthStack stays synchronous. One worker per test file,
 * started on the first miss and ended after the file's tests.
 */
let worker: { thread: Worker; port: MessagePort; flag: Int32Array } | undefined;
if (typeof afterAll === "function") afterAll(() => worker?.thread.terminate());

function synthesizeInWorker(stackName: string, input: ConfigInput): string {
  // The config is parsed here first: a bad one throws the ConfigError a test expects, from this realm.
  const { configFor } = require("./synth-stack") as typeof import("./synth-stack");
  configFor(stackName, input);
  if (!worker) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const cacheRoot = process.env.KODUS_TEST_CACHE_ROOT;
    const thread = new Worker(join(__dirname, "synth-worker.cjs"), {
      workerData: { port: port2, flag },
      transferList: [port2],
      // With the test caches moved (npm run bench: empty), the runner's transpile cache moves too.
      env: cacheRoot ? { ...process.env, KODUS_TS_CACHE_DIR: join(cacheRoot, "kodus-ts") } : process.env,
    });
    thread.unref();
    worker = { thread, port: port1, flag };
  }
  Atomics.store(worker.flag, 0, 0);
  worker.port.postMessage({ stackName, input });
  if (Atomics.wait(worker.flag, 0, 0, 120_000) === "timed-out") throw new Error(`synth of ${stackName} gave no answer within 120 s`);
  const reply = receiveMessageOnPort(worker.port)?.message as { text?: string; error?: { name: string; message: string; stack: string } };
  if (reply.error) throw Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack });
  return reply.text!;
}

/**
 * One stack synthesized from a config input: Terraform JSON as text and freshly parsed (the
 * caller may modify it). Each variant is synthesized once and shared: within a suite from
 * memory, across suites and runs from node_modules/.cache/kodus-synth, keyed by the stack, the
 * input and a hash of every source file.
 */
export function synthStack(stackName: string, input: ConfigInput = {}): { json: TfJson; text: string } {
  const key = createHash("sha256")
    .update(JSON.stringify([stackName, input]))
    .update(useDiskCache ? sourcesFingerprint() : "")
    .digest("hex");
  let text = memo.get(key);
  if (text === undefined && useDiskCache) {
    try {
      text = readFileSync(join(CACHE_DIR, `${key}.json`), "utf8");
    } catch {
      // not cached yet
    }
  }
  if (text === undefined) {
    text = synthesizeInWorker(stackName, input);
    if (useDiskCache) {
      mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = join(CACHE_DIR, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, join(CACHE_DIR, `${key}.json`)); // atomic: a parallel suite never reads half a file
    }
  }
  memo.set(key, text);
  return { json: JSON.parse(text) as TfJson, text };
}

/** Parses Docker's "NAME=value" env list into a record. */
export function envList(env: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries((env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
