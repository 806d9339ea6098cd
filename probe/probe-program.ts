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

/**
 * How the probe treats the Chutes budget (management API: subscription caps, daily quota):
 * off = not read; report = figures in the JSON line, status and exit code stay the inference's
 * (the preflight); alert = a cap past warnPercent/criticalPercent becomes budget_warning (exit 0)
 * or budget_critical (exit 3) unless the inference failed (the Docker monitor); only = no
 * inference request, budget statuses only (the Kubernetes check's "budget" container).
 */
export type BudgetMode = "off" | "report" | "alert" | "only";

export interface ProbeSettings {
  readonly baseUrl: string;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxLatencyMs: number;
  /**
   * The listing must also say the model supports structured output (json_schema): on where Kodus
   * sends json_schema to the base URL (API_TRUST_JSON_SCHEMA_BASE_URLS). Tools are always required.
   */
  readonly requireStructuredOutputs: boolean;
  /**
   * The periodic check's cron schedule: with it, a run spends its completion only as often as
   * 1 % of the daily quota allows (chutes-probe.mjs --schedule). The preflights run without it.
   */
  readonly schedule?: string;
  readonly budget: BudgetMode;
  readonly managementUrl: string;
  readonly warnPercent: number;
  readonly criticalPercent: number;
}

/** The probe's settings as the configuration gives them (llm.* and healthcheck.*); budget: alert, or off when disabled. */
export function probeSettingsFor(config: Config): ProbeSettings {
  const { budget } = config.healthcheck;
  return {
    baseUrl: config.llm.baseUrl,
    model: config.llm.model,
    timeoutMs: config.healthcheck.timeoutSeconds * 1000,
    maxLatencyMs: config.healthcheck.maxLatencyMs,
    // Where the deploy trusts the base URL with json_schema (API_TRUST_JSON_SCHEMA_BASE_URLS), the model must offer it.
    requireStructuredOutputs: config.llm.structuredOutput,
    schedule: config.healthcheck.schedule,
    budget: budget.enabled ? "alert" : "off",
    managementUrl: config.llm.managementUrl,
    warnPercent: budget.warnPercent,
    criticalPercent: budget.criticalPercent,
  };
}

/** The settings of a preflight: no schedule, so its one completion is always spent. */
export function preflightSettings(s: ProbeSettings): ProbeSettings {
  const { schedule: _periodicOnly, ...rest } = s;
  return rest;
}

/** The probe's --require values (PROBE_REQUIRE): tools always, structured output too where Kodus trusts json_schema. */
export const PROBE_REQUIRE = { tools: "tools", toolsAndStructuredOutputs: "tools,structured-outputs" } as const;
export const requiredFeatures = (s: ProbeSettings): string =>
  s.requireStructuredOutputs ? PROBE_REQUIRE.toolsAndStructuredOutputs : PROBE_REQUIRE.tools;

/** The same settings with another budget mode, unless the budget watch is off. */
export function withBudgetMode(s: ProbeSettings, mode: Exclude<BudgetMode, "off">): ProbeSettings {
  return s.budget === "off" ? s : { ...s, budget: mode };
}

/**
 * The names of the variables the probe reads its settings from (chutes-probe.mjs), in the order
 * they are set, keyed by the setting each carries. The stacks set them through probeEnv; the
 * chart reads the names from files/contract.json (npm run chart:contract).
 */
export const PROBE_ENV = {
  baseUrl: "PROBE_BASE_URL",
  model: "PROBE_MODEL",
  timeoutMs: "PROBE_TIMEOUT_MS",
  maxLatencyMs: "PROBE_MAX_LATENCY_MS",
  require: "PROBE_REQUIRE",
  schedule: "PROBE_SCHEDULE",
  budget: "PROBE_BUDGET",
  managementUrl: "PROBE_MANAGEMENT_URL",
  warnPercent: "PROBE_BUDGET_WARN_PERCENT",
  criticalPercent: "PROBE_BUDGET_CRITICAL_PERCENT",
} as const;
export type ProbeEnvSetting = keyof typeof PROBE_ENV;
/** Set only when the setting is: the schedule belongs to the periodic check (a preflight has none). */
export const PROBE_OPTIONAL_ENV: readonly ProbeEnvSetting[] = ["schedule"];

/** The probe's plain environment (the key comes separately, from the secret store). */
export function probeEnv(s: ProbeSettings): Record<string, string> {
  const values: Record<ProbeEnvSetting, string | undefined> = {
    baseUrl: s.baseUrl,
    model: s.model,
    timeoutMs: String(s.timeoutMs),
    maxLatencyMs: String(s.maxLatencyMs),
    require: requiredFeatures(s),
    schedule: s.schedule || undefined,
    budget: s.budget,
    managementUrl: s.managementUrl,
    warnPercent: String(s.warnPercent),
    criticalPercent: String(s.criticalPercent),
  };
  return Object.fromEntries(
    (Object.entries(PROBE_ENV) as [ProbeEnvSetting, string][]).flatMap(([setting, name]) => {
      const value = values[setting];
      return value === undefined ? [] : [[name, value]];
    }),
  );
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
