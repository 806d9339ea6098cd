/**
 * Builds the cdktf App from a parsed Config and writes it without losing anything: the whole
 * output is first synthesized into a staging folder next to `outdir`, so a bad config or a
 * failed synth leaves the previous output untouched. Only then are the files cdktf generates
 * moved into place, one stack folder at a time, keeping Terraform's working files there
 * (`.terraform/`, `.terraform.lock.hcl`, plans) so `terraform init` and the provider lock survive.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { App } from "cdktf";
import type { Config } from "./config/schema";
import { stackName } from "./config/state-backend";
import { DockerStack } from "./stacks/docker-stack";
import { KubernetesStack } from "./stacks/kubernetes-stack";

/** Adds the stacks the config enables to `app`; returns their names. */
export function buildStacks(app: App, config: Config): string[] {
  const stacks: string[] = [];
  // Stack names carry the environment (docker-production), and so do their state locations.
  const name = (base: "docker" | "kubernetes") => stackName(base, config.environment);
  if (config.docker.enabled) stacks.push(new DockerStack(app, name("docker"), { config }).node.id);
  if (config.kubernetes.enabled) stacks.push(new KubernetesStack(app, name("kubernetes"), { config }).node.id);
  return stacks;
}

/**
 * The output folder `npm run synth` writes when no CDKTF_OUTDIR is given: `cdktf.out`, or
 * `cdktf.out.<environment>` with an environment, so that each environment keeps its own stack
 * folders (and Terraform's `.terraform/` and lock file in them). Same depth as `cdktf.out`, so
 * the local backend's relative state path points at the project root from either.
 */
export function defaultOutdir(projectRoot: string, environment: string | undefined): string {
  return join(projectRoot, environment === undefined ? "cdktf.out" : `cdktf.out.${environment}`);
}

/** Thrown before anything is written when `outdir` holds another environment's stacks. */
export class OutputFolderError extends Error {
  override name = "OutputFolderError";
}

/**
 * One output folder holds one environment. After the app returns, the cdktf CLI deletes every
 * folder under `<outdir>/stacks` that this synth did not produce (its `.terraform/` and lock
 * file with it), so synthesizing environment A into B's folder would wipe B's. Refused instead,
 * naming the folder to use. A disabled stack of the same environment may go, as it always did.
 */
export function checkOutdirHoldsOnlyThisEnvironment(config: Config, outdir: string): void {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return;
  const ours = new Set([stackName("docker", config.environment), stackName("kubernetes", config.environment)]);
  const foreign = readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !ours.has(e.name))
    .map((e) => e.name)
    .sort();
  if (foreign.length === 0) return;
  const own = config.environment === undefined ? "cdktf.out" : `cdktf.out.${config.environment}`;
  throw new OutputFolderError(
    `${join(outdir, "stacks")} holds ${foreign.join(", ")}, not ${config.environment === undefined ? "stacks without an environment" : `environment "${config.environment}"`}: ` +
      `the cdktf CLI would delete ${foreign.length === 1 ? "that folder" : "those folders"} (with Terraform's .terraform/ and lock file) after this synth. ` +
      `Give each environment its own output folder: npx cdktf <synth|diff|deploy> <stack> --output ${own} (npm run synth writes ${own} by itself), ` +
      `or delete ${foreign.length === 1 ? "the folder" : "the folders"} if that environment is gone.`,
  );
}

/** What cdktf writes into a stack folder; everything else there belongs to Terraform or the operator. */
export const GENERATED_STACK_FILES: readonly string[] = ["cdk.tf.json", "cdk.tf", "metadata.json", "assets"];

export function synthesize(config: Config, outdir: string): string[] {
  checkOutdirHoldsOnlyThisEnvironment(config, outdir);
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = mkdtempSync(join(dirname(outdir), `.${basename(outdir)}-`));
  try {
    const app = new App({ outdir: staging, skipBackendValidation: true });
    const stacks = buildStacks(app, config);
    app.synth();
    install(staging, outdir, stacks);
    return stacks;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves a complete synth from `staging` into `outdir`. In each stack folder only the generated
 * files are replaced. A stack that is no longer synthesized loses its generated files but keeps
 * its folder: the cdktf CLI removes the folders of stacks it saw before the app ran (and fails
 * with ENOENT if one is already gone); run by itself, the folder then holds no configuration.
 */
function install(staging: string, outdir: string, stacks: readonly string[]): void {
  const stacksDir = join(outdir, "stacks");
  mkdirSync(stacksDir, { recursive: true });
  for (const name of readdirSync(stacksDir)) {
    if (stacks.includes(name)) continue;
    for (const file of GENERATED_STACK_FILES) rmSync(join(stacksDir, name, file), { recursive: true, force: true });
  }
  for (const name of stacks) {
    const from = join(staging, "stacks", name);
    const to = join(stacksDir, name);
    mkdirSync(to, { recursive: true });
    const fresh = readdirSync(from);
    for (const file of GENERATED_STACK_FILES) if (!fresh.includes(file)) rmSync(join(to, file), { recursive: true, force: true });
    for (const file of fresh) {
      moveOver(join(from, file), join(to, file));
    }
  }
  // The manifest last: it names the stacks, and the CLI reads the stack files through it.
  for (const file of readdirSync(staging)) {
    if (file === "stacks") continue;
    moveOver(join(staging, file), join(outdir, file));
  }
}

/** rename() replaces a file atomically (a reader sees the old or the new one); a folder is replaced whole. */
function moveOver(from: string, to: string): void {
  if (statSync(from).isDirectory()) rmSync(to, { recursive: true, force: true });
  renameSync(from, to);
}
