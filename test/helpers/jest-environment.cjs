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
const { TestEnvironment } = require("jest-environment-node");
// The same rule as the app runner's stack traces: which holders are errors, how many frames the others keep.
const { stackParts } = require("../../scripts/ts-run.cjs");

class KodusTestEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    const jestFormat = Error.prepareStackTrace;
    if (typeof jestFormat !== "function") return;
    Error.prepareStackTrace = (holder, frames) => {
      const parts = stackParts(holder, frames);
      return parts.error ? jestFormat(holder, frames) : parts.header + parts.frames.map((frame) => `\n    at ${frame}`).join("");
    };
  }
}

module.exports = KodusTestEnvironment;
