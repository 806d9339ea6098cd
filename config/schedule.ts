/**
 * Turns the periodic check's cron schedule into the fixed interval Docker healthchecks need.
 * Docker cannot run a check at wall-clock times, so the Docker monitor runs at the schedule's
 * shortest gap between two runs (the gap is computed over a fixed week, so output is stable).
 */
import { CronExpressionParser } from "cron-parser";

const REFERENCE_START = new Date("2025-01-06T00:00:00Z"); // a Monday, any fixed instant works

/** The shortest gap, in seconds, between consecutive runs of a 5-field cron expression (UTC). */
export function scheduleIntervalSeconds(expr: string): number {
  const it = CronExpressionParser.parse(expr, { currentDate: REFERENCE_START, tz: "UTC" });
  let previous = it.next().getTime();
  let shortest = Number.POSITIVE_INFINITY;
  // Two years of runs at most: enough to see every gap of any schedule that repeats yearly.
  for (let i = 0; i < 2000; i++) {
    const next = it.next().getTime();
    shortest = Math.min(shortest, next - previous);
    previous = next;
    if (next - REFERENCE_START.getTime() > 2 * 366 * 86_400_000) break;
  }
  return Math.round(shortest / 1000);
}
