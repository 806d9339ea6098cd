/**
 * A clock the probe tests move forward by hand: `now()` stands in for `performance.now()` and
 * `timeout(ms)` for `AbortSignal.timeout(ms)`. Moving it past a signal's time aborts that signal
 * with what the real AbortSignal.timeout gives (a DOMException named "TimeoutError"). Real time
 * keeps running underneath, so a signal also fires when its time comes normally.
 *
 * Used inside a probe process by virtual-clock.cjs, and by probe-runner.ts for a probe run in
 * the test's own process.
 */
"use strict";

/** @param {() => number} [realNow] */
function createVirtualClock(realNow = performance.now.bind(performance)) {
  let offsetMs = 0;
  const now = () => realNow() + offsetMs;
  /** @type {Set<{ at: number, controller: AbortController }>} */
  const pending = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();

  function fireDue() {
    for (const entry of pending) {
      if (now() >= entry.at) {
        pending.delete(entry);
        entry.controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
      }
    }
  }

  return {
    now,
    /** @param {number} ms */
    timeout(ms) {
      const controller = new AbortController();
      pending.add({ at: now() + ms, controller });
      const timer = setTimeout(() => {
        timers.delete(timer);
        fireDue();
      }, ms);
      timer.unref(); // real time still counts, but never keeps a process alive
      timers.add(timer);
      return controller.signal;
    },
    /** Moves the clock `ms` forward and aborts every signal now due; returns the total offset. @param {number} ms */
    advance(ms) {
      offsetMs += ms;
      fireDue();
      return offsetMs;
    },
    /** Stops the real-time timers (a run in the test process is over). */
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      pending.clear();
    },
  };
}

module.exports = { createVirtualClock };
