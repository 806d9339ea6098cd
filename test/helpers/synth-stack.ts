import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";

/** The config a test synthesizes `stackName` from: `input` with the other stack switched off. */
export function configFor(stackName: string, input: ConfigInput) {
  const only = stackName.startsWith("docker")
    ? { kubernetes: { ...(input as any).kubernetes, enabled: false } }
    : { docker: { ...(input as any).docker, enabled: false } };
  return parseConfig({ ...input, ...only } as ConfigInput, "test");
}

/** Synthesizes only the named stack, in memory (nothing is written), as Terraform JSON text. */
export function synthesize(stackName: string, input: ConfigInput): string {
  // Required here, not imported: the test process loads this file for configFor alone.
  const { App, Testing } = require("cdktf") as typeof import("cdktf");
  const { buildStacks } = require("../../app") as typeof import("../../app");
  // cdktf creates the outdir (empty); Testing.synth renders in memory and writes nothing.
  const app = new App({ outdir: join(tmpdir(), "kodus-unused-outdir"), skipBackendValidation: true });
  buildStacks(app, configFor(stackName, input));
  const stack = app.node.tryFindChild(stackName) as TerraformStack | undefined;
  if (!stack) throw new Error(`no stack ${stackName} in [${app.node.children.map((c) => c.node.id).join(", ")}]`);
  return Testing.synth(stack, true);
}
