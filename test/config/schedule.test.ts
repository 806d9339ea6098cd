import { scheduleIntervalSeconds } from "../../config/schedule";

test.each([
  ["*/15 * * * *", 900],
  ["*/5 * * * *", 300],
  ["0 * * * *", 3600],
  ["5,35 */2 * * *", 1800], // uneven: 30 min inside the hour, 90 min across
  ["0 9 * * 1-5", 86_400], // weekdays: the shortest gap is one day
  ["0 3 * * *", 86_400],
])("%s runs at most every %d s", (expr, seconds) => {
  expect(scheduleIntervalSeconds(expr)).toBe(seconds);
});
