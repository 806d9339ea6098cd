/**
 * Turns the periodic check's cron schedule into the fixed interval Docker healthcheck needs.
 * Docker cannot run a check at wall-clock times, so the Docker monitor runs at the schedule's
 * shortest gap between two runs (the gap is computed from a fixed instant, so output is stable).
 */
import { CronExpressionParser } from "cron-parser";

const REFERENCE_START = new Date("2025-01-06T00:00:00Z"); // a Monday, any fixed instant works

/** The smallest step between consecutive values of a cron field that wraps at `period` (e.g. minutes 5,35: 30). */
function cyclicStep(values: readonly number[], period: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  let step = period - sorted[sorted.length - 1]! + sorted[0]!;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return step;
}

/** The shortest gap, in seconds, between consecutive runs of a 5-field cron expression (UTC). */
export function scheduleIntervalSeconds(expr: string): number {
  const it = CronExpressionParser.parse(expr, { currentDate: REFERENCE_START, tz: "UTC" });
  // No two runs can be closer than this, so the walk below stops as soon as a gap reaches it:
  // consecutive runs differ by at least the minute field's smallest cyclic step; with a single
  // minute, by whole hours (the hour field's step); with a single minute and hour, by a day.
  const { minute, hour } = it.fields;
  const floorMs =
    (minute.values.length > 1 ? cyclicStep(minute.values, 60) * 60 : hour.values.length > 1 ? cyclicStep(hour.values, 24) * 3600 : 86_400) *
    1000;
  let previous = it.next().getTime();
  let shortest = Number.POSITIVE_INFINITY;
  // Two years of runs at most: enough to see every gap of any schedule that repeats yearly.
  for (let i = 0; i < 2000 && shortest > floorMs; i++) {
    const next = it.next().getTime();
    shortest = Math.min(shortest, next - previous);
    previous = next;
    if (next - REFERENCE_START.getTime() > 2 * 366 * 86_400_000) break;
  }
  return Math.round(shortest / 1000);
}

/** The longest cyclic gap between sorted values of a period (e.g. run minutes 0 and 45 of an hour: 45). */
function cyclicLongest(values: readonly number[], period: number): number {
  let longest = period - values[values.length - 1]! + values[0]!;
  for (let i = 1; i < values.length; i++) longest = Math.max(longest, values[i]! - values[i - 1]!);
  return longest;
}

/**
 * The longest gap, in seconds, between consecutive runs of a 5-field cron expression (UTC): how
 * long a healthy schedule may go without a run. With `*` as day of month, month and day of week
 * every day is the same, so the gap is read off the day's run minutes (as the chart computes it,
 * kodus.staleAfterSeconds in _helpers.tpl); otherwise the runs are walked.
 */
export function scheduleLongestGapSeconds(expr: string): number {
  const it = CronExpressionParser.parse(expr, { currentDate: REFERENCE_START, tz: "UTC" });
  const { minute, hour, dayOfMonth, month, dayOfWeek } = it.fields;
  if (dayOfMonth.isWildcard && month.isWildcard && dayOfWeek.isWildcard) {
    const day = hour.values.flatMap((h) => minute.values.map((m) => Number(h) * 60 + Number(m))).sort((a, b) => a - b);
    return cyclicLongest(day, 1440) * 60;
  }
  // Only the day of week restricted: the schedule repeats weekly (two weeks see every gap);
  // else two years, enough for any schedule that repeats yearly.
  const end = REFERENCE_START.getTime() + (dayOfMonth.isWildcard && month.isWildcard ? 15 : 2 * 366) * 86_400_000;
  let previous = it.next().getTime();
  let longest = 0;
  for (let next = it.next().getTime(); next <= end; next = it.next().getTime()) {
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return Math.round(longest / 1000);
}

/** Runs of the schedule a staleness alert waits for before it fires (unless staleAfterMinutes says otherwise). */
export const STALE_AFTER_RUNS = 3;

/** How old the periodic check's last success may get before KodusChutesCheckStale fires, in seconds. */
export function staleAfterSeconds(healthcheck: {
  readonly schedule: string;
  readonly prometheusRule: { readonly staleAfterMinutes?: number };
}): number {
  const minutes = healthcheck.prometheusRule.staleAfterMinutes;
  return minutes !== undefined ? minutes * 60 : STALE_AFTER_RUNS * scheduleLongestGapSeconds(healthcheck.schedule);
}
