/**
 * npm run --silent healthcheck -- [--base-url URL] [--model ID] [--timeout-ms N] [--max-latency-ms N]
 *   [--budget [report|alert|only]] [--management-url URL] [--budget-warn-percent N] [--budget-critical-percent N]
 *
 * Runs the Chutes probe (probe/chutes-probe.mjs, the same code the stacks deploy) from this
 * machine, with its settings defaulting to the configuration (KODUS_CONFIG, kodus.config.yaml
 * or the built-in defaults). The key comes from CHUTES_API_KEY. Prints one JSON line; exits 0
 * only when Chutes serves the model. The Chutes budget (subscription caps, daily quota) is read
 * only with --budget (alone: alert mode, exit 3 on a critical cap); its management URL and
 * thresholds come from the config (llm.managementUrl, healthcheck.budget).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { ConfigError, loadConfig, resolveConfigPath } from "../config/load";
import { PROBE_FILE, probeEnv, probeSettingsFor } from "../probe/probe-program";

const projectRoot = resolve(__dirname, "..");
if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
  console.log(`Usage: CHUTES_API_KEY=cpk_... npm run --silent healthcheck -- [probe flags]
Runs the Chutes probe from this machine. Its settings default to the configuration
(KODUS_CONFIG, else kodus.config.yaml, else the built-in defaults: llm.baseUrl, llm.model,
healthcheck.timeoutSeconds, healthcheck.maxLatencyMs); a flag overrides its setting.
The probe's flags:`);
  const help = spawnSync(process.execPath, [resolve(projectRoot, "probe", PROBE_FILE), "--help"], { stdio: "inherit" });
  process.exit(help.status ?? 1);
}
let env: Record<string, string>;
try {
  const config = loadConfig(resolveConfigPath(process.env, projectRoot, process.cwd()));
  // The budget is read only when asked for (--budget), with the config's URL and thresholds.
  env = probeEnv({ ...probeSettingsFor(config), budget: "off" });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`kodus-chutes-deploy: ${err.message}`);
  process.exit(2);
}
// Flags given on the command line win over these defaults (the probe's own rule).
const result = spawnSync(process.execPath, [resolve(projectRoot, "probe", PROBE_FILE), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, ...env },
});
process.exit(result.status ?? 1);
