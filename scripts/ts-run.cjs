#!/usr/bin/env node
/**
 * Runs one of this project's TypeScript entry points with plain Node: `node scripts/ts-run.cjs
 * main.ts [args...]`. This is what `cdktf synth`/`cdktf deploy` (cdktf.json "app") and
 * `npm run synth` execute.
 *
 * Each .ts file the program requires is transpiled by esbuild (types stripped, no type check:
 * `npm test` runs tsc) and the JavaScript is kept in node_modules/.cache/kodus-ts/, named by a
 * hash of the file's path, its exact content and the transpiler settings. A file is looked up
 * by content on every run, so an edited .ts is recompiled the moment it is next loaded: a
 * cached build can never be stale, whatever the clock or mtime says. A run where nothing
 * changed does not even load esbuild. Modules keep their real .ts file name, so __dirname,
 * relative reads and stack traces (source-mapped) point at the sources.
 *
 * Needs only Node >= 20 and esbuild (a pinned dependency); works the same on Node 22 and 24
 * (their own TypeScript type stripping is never used for project files).
 */
"use strict";
const { createHash } = require("node:crypto");
const { types } = require("node:util");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = process.env.KODUS_TS_CACHE_DIR || path.join(ROOT, "node_modules", ".cache", "kodus-ts");

/**
 * esbuild settings: CommonJS for Node 20+, with the compiler options of tsconfig.json (strict
 * mode, class field semantics), so the JavaScript behaves as tsc's would.
 * @type {import("esbuild").TransformOptions}
 */
const TRANSFORM = {
  loader: "ts",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  sourcesContent: false,
  // import() becomes require(), as tsc emits it for "module": "commonjs".
  supported: { "dynamic-import": false },
  tsconfigRaw: fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"),
};

/** @type {typeof import("esbuild") | undefined} */
let esbuild;
/** @type {string | undefined} */
let salt;
/** What else decides the output: esbuild's version and the settings (read lazily, once). */
function transformSalt() {
  salt ??= JSON.stringify({ esbuild: require("esbuild/package.json").version, TRANSFORM, runner: 1 });
  return salt;
}

/**
 * The JavaScript for one TypeScript file, from the cache or freshly transpiled.
 * @param {string} source @param {string} filename absolute path
 * @returns {string}
 */
function compile(source, filename) {
  const key = createHash("sha256").update(transformSalt()).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  esbuild ??= require("esbuild");
  const { code } = esbuild.transformSync(source, { ...TRANSFORM, sourcefile: filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`; // write, then rename: a reader never sees half a file
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only checkout still runs; it just transpiles every time.
  }
  return code;
}

/** How many frames a stack captured on a plain object keeps (V8's default Error.stackTraceLimit). */
const PLAIN_FRAMES = 10;

/**
 * An error from any realm: a native error ([[ErrorData]]), or an object with some realm's
 * Error.prototype in its prototype chain, such as a DOMException (its toString tag is not
 * "Error", and under jest it comes from the test's own realm). A plain object's chain is just
 * Object.prototype.
 * @param {unknown} value
 */
function isError(value) {
  if (types.isNativeError(value)) return true;
  for (
    let proto = value === null || typeof value !== "object" ? null : Object.getPrototypeOf(value);
    proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor = Object.prototype.hasOwnProperty.call(proto, "constructor") ? proto.constructor : undefined;
    if (typeof ctor === "function" && ctor.name === "Error" && ctor.prototype === proto) return true;
  }
  return false;
}

/**
 * The first line of a formatted stack and the frames it shows: every frame of an error; of a
 * stack captured on a plain object (cdktf captures one with no limit for every token it creates),
 * only the first PLAIN_FRAMES: formatting them all cost about 10 % of a synth's CPU.
 * @param {unknown} holder @param {NodeJS.CallSite[]} frames
 */
function stackParts(holder, frames) {
  let header = "Error";
  try {
    header = String(holder);
  } catch {
    // an object whose toString throws keeps the generic header
  }
  const error = isError(holder);
  return { header, error, frames: error ? frames : frames.slice(0, PLAIN_FRAMES) };
}

/** Compiled project files (filename → JavaScript with its inline source map), for stack traces. */
const compiled = new Map();

/**
 * Stack frames in project .ts files are given their TypeScript line and column, read from the
 * file's source map only when a stack is formatted. (Node's --enable-source-maps would do it
 * for every module, cdktf's large inline maps included: +80 MB and seconds per run.) A plain
 * object's stack keeps only its first frames (stackParts).
 * @param {Error} error @param {NodeJS.CallSite[]} frames
 */
function prepareStackTrace(error, frames) {
  const { header, frames: shown } = stackParts(error, frames);
  const lines = shown.map((frame) => {
    const text = String(frame);
    const file = frame.getFileName();
    const code = file && compiled.get(file);
    if (!code) return `    at ${text}`;
    const { TraceMap, originalPositionFor } = require("@jridgewell/trace-mapping");
    let map = code; // decoded once per file, on first use
    if (typeof map === "string") {
      const b64 = map.slice(map.lastIndexOf("base64,") + 7).trim();
      map = new TraceMap(Buffer.from(b64, "base64").toString("utf8"));
      compiled.set(file, map);
    }
    const line = frame.getLineNumber() ?? 0;
    const column = frame.getColumnNumber() ?? 0;
    const pos = originalPositionFor(map, { line, column: column - 1 });
    return pos.line === null
      ? `    at ${text}`
      : `    at ${text.replace(`${file}:${line}:${column}`, `${file}:${pos.line}:${pos.column + 1}`)}`;
  });
  return [header, ...lines].join("\n");
}

/** Makes `require` load .ts files (outside node_modules) through `compile`. */
function register() {
  const extensions = /** @type {any} */ (Module)._extensions;
  const loadJs = extensions[".js"];
  extensions[".ts"] = (/** @type {any} */ module, /** @type {string} */ filename) => {
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) return loadJs(module, filename);
    const code = compile(fs.readFileSync(filename, "utf8"), filename);
    compiled.set(filename, code);
    module._compile(code, filename);
  };
  // With --enable-source-maps Node maps every frame itself; otherwise map ours.
  if (!(/** @type {any} */ (process).sourceMapsEnabled)) Error.prepareStackTrace = prepareStackTrace;
}

module.exports = { compile, register, TRANSFORM, transformSalt };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error("usage: node scripts/ts-run.cjs <file.ts> [args...]");
    process.exit(2);
  }
  const file = path.resolve(entry);
  process.argv = [process.argv[0], file, ...args];
  register();
  // Loaded as the main module, as `node file.js` would: `require.main === module` holds there.
  /** @type {any} */ (Module)._load(file, null, true);
}
