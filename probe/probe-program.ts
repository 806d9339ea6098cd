/**
 * How the stacks and the chart ship and run the probe: its source (read at synth time and
 * embedded in a ConfigMap or a Docker upload, so the deployed code is the tested code) and the
 * environment it reads. The probe itself is chutes-probe.mjs, a dependency-free Node program.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../config/schema";

export const PROBE_FILE = "chutes-probe.mjs";
/** Where the probe is mounted or uploaded inside the container. */
export const PROBE_DIR = "/opt/kodus-chutes-probe";
export const PROBE_COMMAND = ["node", `${PROBE_DIR}/${PROBE_FILE}`] as const;
/** The env var the probe reads the key from. */
export const PROBE_KEY_ENV = "CHUTES_API_KEY";

export interface ProbeSettings {
  readonly baseUrl: string;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxLatencyMs: number;
}

/** The probe's settings as the configuration gives them (llm.* and healthcheck.*). */
export function probeSettingsFor(config: Config): ProbeSettings {
  return {
    baseUrl: config.llm.baseUrl,
    model: config.llm.model,
    timeoutMs: config.healthcheck.timeoutSeconds * 1000,
    maxLatencyMs: config.healthcheck.maxLatencyMs,
  };
}

/** The probe's plain environment (the key comes separately, from the secret store). */
export function probeEnv(s: ProbeSettings): Record<string, string> {
  return {
    PROBE_BASE_URL: s.baseUrl,
    PROBE_MODEL: s.model,
    PROBE_TIMEOUT_MS: String(s.timeoutMs),
    PROBE_MAX_LATENCY_MS: String(s.maxLatencyMs),
  };
}

let cached: string | undefined;
/** The probe's source code, read once. */
export function probeSource(): string {
  cached ??= readFileSync(resolve(__dirname, PROBE_FILE), "utf8");
  return cached;
}

/** A short, stable digest, for names that must change when their inputs change. */
export function shortHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 8);
}
