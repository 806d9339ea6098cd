/**
 * Preloaded into the probe by the tests (`node --require virtual-clock.cjs chutes-probe.mjs`):
 * `performance.now()` and `AbortSignal.timeout()` run on a clock the test can move forward.
 *
 * Why: "the provider never answers → timeout" must not depend on how fast a loaded machine is.
 * With real time, a short --timeout-ms races the probe's own start-up and first request (on
 * 2 busy cores the deadline can pass before the completion is even sent), and a realistic one
 * makes the test slow. Here the probe keeps its real 30 s default; the fake Chutes server tells
 * the test when the request it hangs on has arrived, and only then does the test advance this
 * clock past the deadline. The abort, the error the probe sees (a DOMException named
 * "TimeoutError", as from the real AbortSignal.timeout) and its classification are real.
 *
 * Protocol (IPC, the probe is started with `fork`): the test sends `{ advanceMs: n }`; the clock
 * moves n ms, every timeout signal now due is aborted, and `{ advancedMs: total }` comes back.
 * Real time keeps running underneath, so a signal also fires when its time comes normally.
 */
"use strict";

const realNow = performance.now.bind(performance);
let offsetMs = 0;
const now = () => realNow() + offsetMs;
/** @type {Set<{ at: number, controller: AbortController }>} */
const pending = new Set();

function fireDue() {
  for (const entry of pending) {
    if (now() >= entry.at) {
      pending.delete(entry);
      entry.controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    }
  }
}

performance.now = now;
AbortSignal.timeout = (/** @type {number} */ ms) => {
  const controller = new AbortController();
  pending.add({ at: now() + ms, controller });
  setTimeout(fireDue, ms).unref(); // real time still counts
  return controller.signal;
};

process.on("message", (/** @type {any} */ message) => {
  if (!message || typeof message.advanceMs !== "number") return;
  offsetMs += message.advanceMs;
  fireDue();
  process.send?.({ advancedMs: offsetMs });
});
// The IPC channel must not keep the probe alive: it decides when to exit.
process.channel?.unref();
