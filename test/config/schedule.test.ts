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

/** Every gap over two years from an arbitrary instant, without any shortcut. */
function bruteForceShortest(expr: string): number {
  const it = CronExpressionParser.parse(expr, { currentDate: new Date("2025-01-06T00:00:00Z"), tz: "UTC" });
  let previous = it.next().getTime();
  let shortest = Infinity;
  for (let i = 0; i < 200_000; i++) {
    const next = it.next().getTime();
    shortest = Math.min(shortest, next - previous);
    previous = next;
    if (next > Date.UTC(2027, 0, 8)) break;
  }
  return shortest / 1000;
}

test.each(["*/15 * * * *", "5,35 */2 * * *", "0,59 9-17 * * MON-FRI", "*/7 * * * *", "30 */5 * * *", "10 22,23,0,1 * * *", "0 12 */3 * *"])(
  "%s: the early stop gives the same answer as walking every run",
  (expr) => {
    expect(scheduleIntervalSeconds(expr)).toBe(bruteForceShortest(expr));
  },
);
