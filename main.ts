/**
 * Entry point: parse the configuration once, then wire it to the stacks and synthesize.
 * A bad config exits non-zero with one line per problem and writes nothing.
 */
import { ConfigError, loadConfig, resolveConfigPath } from "./config/load";
import { runAsMain, type CliContext } from "./scripts/cli";

/** `npm run synth` / `cdktf synth`: the exit code (0, or 1 for a bad config). No arguments are read. */
export function run(_argv: readonly string[], { env, cwd, stdout, stderr }: CliContext): number {
  try {
    const path = resolveConfigPath(env, __dirname, cwd);
    const config = loadConfig(path);
    // Loaded once the config is known good: a bad config is reported without loading cdktf.
    const { defaultOutdir, synthesize } = require("./app") as typeof import("./app");
    const outdir = env.CDKTF_OUTDIR ?? defaultOutdir(__dirname, config.environment);
    const stacks = synthesize(config, outdir);
    stdout(`Synthesized ${stacks.join(", ")} into ${outdir} (config: ${path ?? "built-in defaults"})\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError) && (err as Error).name !== "OutputFolderError") throw err;
    stderr(`kodus-chutes-deploy: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) runAsMain(run);
