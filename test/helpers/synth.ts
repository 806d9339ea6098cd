import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { tmpdir } from "node:os";
import type { TerraformStack } from "cdktf";
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

/** Synthesizes only the named stack, in memory (nothing is written): the other stack is switched off. */
function synthesize(stackName: string, input: ConfigInput): string {
  // Loaded on a cache miss only: a suite whose variants are all cached never loads cdktf.
  const { App, Testing } = require("cdktf") as typeof import("cdktf");
  const { parseConfig } = require("../../config/load") as typeof import("../../config/load");
  const { buildStacks } = require("../../app") as typeof import("../../app");
  const only = stackName.startsWith("docker")
    ? { kubernetes: { ...(input as any).kubernetes, enabled: false } }
    : { docker: { ...(input as any).docker, enabled: false } };
  const config = parseConfig({ ...input, ...only } as ConfigInput, "test");
  // cdktf creates the outdir (empty); Testing.synth renders in memory and writes nothing.
  const app = new App({ outdir: join(tmpdir(), "kodus-unused-outdir"), skipBackendValidation: true });
  buildStacks(app, config);
  const stack = app.node.tryFindChild(stackName) as TerraformStack | undefined;
  if (!stack) throw new Error(`no stack ${stackName} in [${app.node.children.map((c) => c.node.id).join(", ")}]`);
  return Testing.synth(stack, true);
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
    text = synthesize(stackName, input);
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
