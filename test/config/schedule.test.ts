import { CronExpressionParser } from "cron-parser";
import { scheduleIntervalSeconds } from "../../config/schedule";

test.each([
  ["*/15 * * * *", 900],
  ["*/5 * * * *", 300],
  ["0 * * * *", 3600],
  ["5,35 */2 * * *", 1800], // uneven: 30 min inside the hour, 90 min across
  ["0,59 * * * *", 60], // the shortest gap crosses the hour: 59 → 0
  ["*/7 * * * *", 240], // 56 → 0 of the next hour
  ["0 9,10 * * *", 3600],
  ["0 9 * * 1-5", 86_400], // weekdays: the shortest gap is one day
  ["0 3 * * *", 86_400],
  ["0 3 * * 1,3", 2 * 86_400], // Monday → Wednesday
  ["0 0 1 * *", 28 * 86_400], // monthly: February
])("%s runs at most every %d s", (expr, seconds) => {
  expect(scheduleIntervalSeconds(expr)).toBe(seconds);
});

/** Every gap over `days` days from an arbitrary instant, without any shortcut. */
function bruteForceShortest(expr: string, days: number): number {
  const start = Date.UTC(2025, 0, 6);
  const it = CronExpressionParser.parse(expr, { currentDate: new Date(start), tz: "UTC" });
  let previous = it.next().getTime();
  let shortest = Infinity;
  for (let next = it.next().getTime(); next <= start + days * 86_400_000; next = it.next().getTime()) {
    shortest = Math.min(shortest, next - previous);
    previous = next;
  }
  return shortest / 1000;
}

// Spans long enough to contain each schedule's shortest gap (a week for the intra-day ones, two
// months for day-of-month steps, which are shortest across a month's end).
test.each([
  ["*/15 * * * *", 8],
  ["5,35 */2 * * *", 8],
  ["0,59 9-17 * * MON-FRI", 8],
  ["*/7 * * * *", 8],
  ["30 */5 * * *", 8],
  ["10 22,23,0,1 * * *", 8],
  ["0 12 */3 * *", 62],
] as const)("%s: the early stop gives the same answer as walking every run (%d days)", (expr, days) => {
  expect(scheduleIntervalSeconds(expr)).toBe(bruteForceShortest(expr, days));
});
