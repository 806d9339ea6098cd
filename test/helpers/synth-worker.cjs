/**
 * The worker thread test/helpers/synth.ts synthesizes in (see there): loads the project's
 * TypeScript as `npm run synth` does (scripts/ts-run.cjs) and answers one request at a time on
 * the port it is given, waking the waiting test through the shared flag. Every failure, loading
 * included, is an answer: the test is never left waiting.
 */
"use strict";
const { workerData } = require("node:worker_threads");

/** @type {{ port: import("node:worker_threads").MessagePort, flag: Int32Array }} */
const { port, flag } = workerData;
/** @type {typeof import("./synth-stack").synthesize | undefined} */
let synthesize;
port.on("message", (/** @type {{ stackName: string, input: any }} */ { stackName, input }) => {
  let reply;
  try {
    if (!synthesize) {
      require("../../scripts/ts-run.cjs").register();
      synthesize = /** @type {typeof import("./synth-stack")} */ (require("./synth-stack")).synthesize;
    }
    reply = { text: synthesize(stackName, input) };
  } catch (err) {
    const e = /** @type {Error} */ (err);
    reply = { error: { name: e.name, message: e.message, stack: e.stack } };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
