#!/usr/bin/env node
/**
 * `tsc --noEmit` for `npm test`, skipped when nothing it reads has changed since it last passed.
 *
 * Even incremental, tsc parses every declaration file again (about 4 s of the 20 s test budget
 * on 2 cores). So after a passing check this writes a stamp, node_modules/.cache/kodus-typecheck,
 * holding a hash of the *content* of everything the check read: every project file under
 * tsconfig.json's "include" (new files included), every other non-node_modules file tsc loaded
 * (listed in its tsbuildinfo), tsconfig.json, package.json and package-lock.json (the compiler
 * and every type package are pinned there). Any edit changes the hash and tsc runs; a failing
 * check writes no stamp. KODUS_TYPECHECK_CACHE=0 always runs a full tsc check (no build info).
 */
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
// KODUS_TEST_CACHE_ROOT (npm run bench): an empty directory there means a first, full check.
const CACHE = process.env.KODUS_TEST_CACHE_ROOT || path.join(ROOT, "node_modules", ".cache");
const STAMP = path.join(CACHE, "kodus-typecheck");
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/** The hash of what tsc reads, or undefined if it cannot be worked out (then tsc runs). */
function inputsHash() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
  const files = new Set(["tsconfig.json", "package.json", "package-lock.json"]);
  /** @param {string} rel */
  const walk = (rel) => {
    const abs = path.join(ROOT, rel);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) return void files.add(rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (SOURCE.test(entry.name)) files.add(child);
    }
  };
  for (const rel of tsconfig.include ?? ["."]) walk(rel);
  // Files outside "include" that tsc followed imports to (JSON, scripts...), from the last run.
  const buildInfo = process.env.KODUS_TEST_CACHE_ROOT
    ? path.join(CACHE, "tsconfig.tsbuildinfo")
    : path.resolve(ROOT, tsconfig.compilerOptions.tsBuildInfoFile);
  try {
    for (const name of JSON.parse(fs.readFileSync(buildInfo, "utf8")).fileNames ?? []) {
      const rel = path.relative(ROOT, path.resolve(path.dirname(buildInfo), name));
      if (!rel.split(path.sep).includes("node_modules")) files.add(rel);
    }
  } catch {
    return undefined; // no build info yet: a first run
  }
  const hash = createHash("sha256").update(process.version).update("\0");
  for (const rel of [...files].sort()) {
    hash.update(rel).update("\0");
    try {
      hash.update(fs.readFileSync(path.join(ROOT, rel)));
    } catch {
      hash.update("(missing)");
    }
    hash.update("\0");
  }
  return hash.digest("hex");
}

const useStamp = process.env.KODUS_TYPECHECK_CACHE !== "0";
const before = useStamp ? inputsHash() : undefined;
const stamp = (() => {
  try {
    return fs.readFileSync(STAMP, "utf8");
  } catch {
    return undefined;
  }
})();
if (before !== undefined && stamp === before) {
  console.log("typecheck: nothing changed since tsc --noEmit last passed");
  process.exit(0);
}
// With the cache off, tsc's own build info is not used either: a full check, as on a fresh clone.
const tscArgs = [
  "--noEmit",
  ...(!useStamp
    ? ["--incremental", "false"]
    : process.env.KODUS_TEST_CACHE_ROOT
      ? ["--tsBuildInfoFile", path.join(CACHE, "tsconfig.tsbuildinfo")]
      : []),
];
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), ...tscArgs], {
  cwd: ROOT,
  stdio: ["inherit", "inherit", "pipe"],
});
process.stderr.write(tsc.stderr ?? "");
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
if (useStamp) {
  // Hashed again after the run: it now has the build info, and an edit made meanwhile is caught.
  const after = inputsHash();
  if (after !== undefined && (before === undefined || after === before)) {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(STAMP, after);
  }
}
