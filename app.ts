/**
 * Builds the cdktf App from a parsed Config and writes it atomically: the output is first
 * synthesized next to `outdir` and moved into place only when complete, so a failure never
 * leaves a half-written cdktf.out behind.
 */
import { chmodSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { App } from "cdktf";
import type { Config } from "./config/schema";
import { DockerStack } from "./stacks/docker-stack";
import { KubernetesStack } from "./stacks/kubernetes-stack";

/** Adds the stacks the config enables to `app`; returns their names. */
export function buildStacks(app: App, config: Config): string[] {
  const stacks: string[] = [];
  if (config.docker.enabled) stacks.push(new DockerStack(app, "docker", { config }).node.id);
  if (config.kubernetes.enabled) stacks.push(new KubernetesStack(app, "kubernetes", { config }).node.id);
  return stacks;
}

export function synthesize(config: Config, outdir: string): string[] {
  const staging = mkdtempSync(join(dirname(outdir), `.${basename(outdir)}-`));
  try {
    const app = new App({ outdir: staging, skipBackendValidation: true });
    const stacks = buildStacks(app, config);
    app.synth();
    chmodSync(staging, 0o755); // mkdtemp creates 0700; cdktf.out is an ordinary directory
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
    return stacks;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
