import { goDuration } from "../../constructs/docker/duration";

// Go's time.Duration.String(), which the Docker provider reads healthcheck durations back as.
test.each([
  [0, "0s"],
  [5, "5s"],
  [59, "59s"],
  [60, "1m0s"],
  [90, "1m30s"],
  [900, "15m0s"],
  [3600, "1h0m0s"],
  [86_400, "24h0m0s"],
  [3661, "1h1m1s"],
])("%d s is %s", (seconds, text) => {
  expect(goDuration(seconds)).toBe(text);
});

test("rejects fractions and negatives", () => {
  expect(() => goDuration(1.5)).toThrow(/whole number/);
  expect(() => goDuration(-1)).toThrow(/whole number/);
});
