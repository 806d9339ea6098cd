/**
 * Builds the cdktf App from a parsed Config and writes it without losing anything: the whole
 * output is first synthesized into a staging folder next to `outdir`, so a bad config or a
 * failed synth leaves the previous output untouched. Only then are the files cdktf generates
 * moved into place, one stack folder at a time, keeping Terraform's working files there
 * (`.terraform/`, `.terraform.lock.hcl`, plans) so `terraform init` and the provider lock survive.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
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

/** What cdktf writes into a stack folder; everything else there belongs to Terraform or the operator. */
export const GENERATED_STACK_FILES: readonly string[] = ["cdk.tf.json", "cdk.tf", "metadata.json", "assets"];

export function synthesize(config: Config, outdir: string): string[] {
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
