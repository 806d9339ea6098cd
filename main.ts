/**
 * Entry point: parse the configuration once, then wire it to the stacks and synthesize.
 * A bad config exits non-zero with one line per problem and writes nothing.
 */
import { resolve } from "node:path";
import { ConfigError, loadConfig, resolveConfigPath } from "./config/load";
import { synthesize } from "./app";

try {
  const path = resolveConfigPath(process.env, __dirname, process.cwd());
  const config = loadConfig(path);
  const outdir = process.env.CDKTF_OUTDIR ?? resolve(__dirname, "cdktf.out");
  const stacks = synthesize(config, outdir);
  console.log(`Synthesized ${stacks.join(", ")} into ${outdir} (config: ${path ?? "built-in defaults"})`);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`kodus-chutes-deploy: ${err.message}`);
  process.exitCode = 1;
}
