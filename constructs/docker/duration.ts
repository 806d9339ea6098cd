/**
 * Durations as the Docker provider reads them back (Go's time.Duration.String(): "15s",
 * "1m0s", "15m0s", "1h0m0s"). Writing them the same way keeps plans free of spurious diffs.
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`duration must be a whole number of seconds >= 0, got ${seconds}`);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
