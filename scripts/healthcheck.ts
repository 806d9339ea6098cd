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
import { resolve } from "node:path";
import { ConfigError, loadConfig, resolveConfigPath } from "../config/load";
import { preflightSettings, probeEnv, probeSettingsFor } from "../probe/probe-program";
import { redactSecrets, runAsMain, runProbeProcess, type ProbeCliContext } from "./cli";

const projectRoot = resolve(__dirname, "..");

/** `npm run healthcheck`: the probe's exit code (2 for a bad config, before any request). */
export async function run(argv: readonly string[], context: ProbeCliContext): Promise<number> {
  const { env: processEnv, cwd, stdout, stderr, runProbe = runProbeProcess } = context;
  if (argv.some((a) => a === "--help" || a === "-h")) {
    stdout(`Usage: CHUTES_API_KEY=cpk_... npm run --silent healthcheck -- [probe flags]
Runs the Chutes probe from this machine. Its settings default to the configuration
(KODUS_CONFIG, else kodus.config.yaml, else the built-in defaults: llm.baseUrl, llm.model,
healthcheck.timeoutSeconds, healthcheck.maxLatencyMs); a flag overrides its setting.
The probe's flags:
`);
    const help = await runProbe(["--help"], processEnv);
    stdout(help.stdout);
    stderr(help.stderr);
    return help.code ?? 1;
  }
  let env: Record<string, string>;
  try {
    const config = loadConfig(resolveConfigPath(processEnv, projectRoot, cwd));
    // The budget is read only when asked for (--budget), with the config's URL and thresholds; like
    // a preflight, one completion per run unless --schedule is given.
    env = probeEnv({ ...preflightSettings(probeSettingsFor(config)), budget: "off" });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    stderr(`kodus-chutes-deploy: ${err.message}\n`);
    return 2;
  }
  // Flags given on the command line win over these defaults (the probe's own rule).
  const result = await runProbe(argv, { ...processEnv, ...env });
  // The probe redacts its line already; this keeps the rule for whatever else reaches these streams.
  const secrets = [processEnv.CHUTES_API_KEY];
  stdout(redactSecrets(result.stdout, secrets));
  stderr(redactSecrets(result.stderr, secrets));
  return result.code ?? 1;
}

if (require.main === module) runAsMain(run);
