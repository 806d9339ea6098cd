/**
 * Jest transformer: TypeScript to CommonJS with esbuild, the same settings as the app runner
 * (scripts/ts-run.cjs). Types are stripped, not checked: `npm test` runs tsc for that.
 */
"use strict";
const { createHash } = require("node:crypto");
const { transformSync } = require("esbuild");
const { TRANSFORM, transformSalt } = require("../../scripts/ts-run.cjs");

module.exports = {
  /** @param {string} source @param {string} filename */
  process(source, filename) {
    const { code, map } = transformSync(source, { ...TRANSFORM, sourcemap: true, sourcefile: filename });
    return { code, map };
  },
  /** @param {string} source @param {string} filename @param {{ configString: string }} options */
  getCacheKey(source, filename, options) {
    return createHash("sha256")
      .update(transformSalt())
      .update("\0")
      .update(filename)
      .update("\0")
      .update(options.configString)
      .update("\0")
      .update(source)
      .digest("hex");
  },
};
