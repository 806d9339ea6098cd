/**
 * Preloaded into a probe process by the tests (`node --require virtual-clock.cjs chutes-probe.mjs`):
 * `performance.now()` and `AbortSignal.timeout()` run on a clock the test can move forward
 * (virtual-clock-core.cjs).
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
 */
"use strict";
const { createVirtualClock } = require("./virtual-clock-core.cjs");

const clock = createVirtualClock();
performance.now = clock.now;
AbortSignal.timeout = clock.timeout;

process.on("message", (/** @type {any} */ message) => {
  if (!message || typeof message.advanceMs !== "number") return;
  process.send?.({ advancedMs: clock.advance(message.advanceMs) });
});
// The IPC channel must not keep the probe alive: it decides when to exit.
process.channel?.unref();
