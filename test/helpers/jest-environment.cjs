/**
 * Jest's Node environment, with one change: stack traces captured on plain objects are formatted
 * plainly (the object's String() as header, then V8's own frame text) instead of by Jest's
 * source-map-aware formatter.
 *
 * Why: cdktf records where every token was created. Each Lazy, intrinsic or dynamic expression
 * calls `Error.captureStackTrace({ stack: "" })` with an unlimited stack trace limit and reads
 * `.stack` at once. Under Jest that runs Jest's formatter, which maps every frame through the
 * source maps: about 7 CPU-s of a cold `npm test` (measured with --cpu-prof), for strings that are
 * only ever shown if a token fails to resolve. Real errors (anything with [[ErrorData]], from any
 * realm, and DOMExceptions: what a failing test prints) still go through Jest's formatter and keep
 * their mapped positions.
 *
 * Jest installs its formatter on the main realm's `Error.prepareStackTrace` before each test
 * file and then calls the environment's setup(), so the wrapper is (re)applied here, per file.
 */
"use strict";
const { types } = require("node:util");
const { TestEnvironment } = require("jest-environment-node");

/**
 * The plain format (String(holder) as the header, then one "    at <frame>" line per call site), cut to the first
 * PLAIN_FRAMES frames, V8's default limit: cdktf captures with no limit, and turning every frame
 * down to the test runner's into text cost about a second of a run.
 */
const PLAIN_FRAMES = 10;
/** @param {unknown} holder @param {NodeJS.CallSite[]} frames */
const plainFormat = (holder, frames) => {
  let header = "Error";
  try {
    header = String(holder);
  } catch {
    // an object whose toString throws keeps the generic header
  }
  return (
    header +
    frames
      .slice(0, PLAIN_FRAMES)
      .map((frame) => `\n    at ${frame}`)
      .join("")
  );
};

/**
 * An error from any realm: a native error ([[ErrorData]]), or an object with some realm's
 * Error.prototype in its prototype chain, such as a DOMException (made in the test's own realm,
 * and its toString tag is not "Error"). A plain object's chain is just Object.prototype.
 * @param {unknown} value
 */
const isError = (value) => {
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
};

class KodusTestEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    const jestFormat = Error.prepareStackTrace;
    if (typeof jestFormat !== "function") return;
    Error.prepareStackTrace = (holder, frames) => (isError(holder) ? jestFormat(holder, frames) : plainFormat(holder, frames));
  }
}

module.exports = KodusTestEnvironment;
