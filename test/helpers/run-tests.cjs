#!/usr/bin/env node
/**
 * `npm test`: the type check (typecheck.cjs) and jest at the same time, not one after the other.
 *
 * On a fresh clone the type check is a full `tsc --noEmit` (about 5-6 s wall of mostly one core)
 * and jest keeps two workers busy but leaves gaps while they wait for child processes; run in
 * parallel, the check fills those gaps instead of adding its whole time in front. The check's
 * output is held back and printed after jest's, so the two never interleave. The exit status
 * is non-zero if either fails (the check's own, else jest's). Arguments go to jest
 * (`npm test -- test/config` runs those suites; the whole project is still type-checked).
 */
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs node with `args`; `done` resolves to its exit status (a signal counts as a failure).
 * @param {string[]} args
 * @param {import("node:child_process").StdioOptions} stdio
 */
function run(args, stdio) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio });
  /** @type {Buffer[]} */
  const output = [];
  if (child.stdout) child.stdout.on("data", (d) => output.push(d));
  if (child.stderr) child.stderr.on("data", (d) => output.push(d));
  const done = new Promise((resolve) => {
    child.on("error", (error) => {
      output.push(Buffer.from(`${error.message}\n`));
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
  return { child, done, output };
}

async function main() {
  const typecheck = run([path.join(__dirname, "typecheck.cjs")], ["ignore", "pipe", "pipe"]);
  const jest = run([require.resolve("jest/bin/jest"), ...process.argv.slice(2)], "inherit");
  // A signal sent to this process alone (a CI timeout's SIGTERM) reaches both, never orphans them.
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.on(signal, () => {
      for (const child of [typecheck.child, jest.child]) if (child.exitCode === null) child.kill(signal);
    });
  }
  const jestStatus = await jest.done;
  const typecheckStatus = await typecheck.done;
  process.stdout.write(Buffer.concat(typecheck.output));
  if (typecheckStatus !== 0) console.error(`npm test: the type check failed (exit ${typecheckStatus}); see its output above.`);
  process.exitCode = typecheckStatus !== 0 ? typecheckStatus : jestStatus;
}

void main();
