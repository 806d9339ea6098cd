import { join } from "node:path";
import { tmpdir } from "node:os";
import { App, Testing, type TerraformStack } from "cdktf";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { buildStacks } from "../../app";

/** Terraform JSON as synthesized (metadata stripped, keys sorted), parsed. */
export type TfJson = {
  resource: Record<string, Record<string, any>>;
  variable: Record<string, any>;
  output?: Record<string, any>;
  terraform: any;
  provider: any;
};

/** Synthesizes one stack from a config input, in memory (nothing is written). */
export function synthStack(stackName: string, input: ConfigInput = {}): { json: TfJson; text: string } {
  const config = parseConfig(input, "test");
  // cdktf creates the outdir (empty); Testing.synth renders in memory and writes nothing.
  const app = new App({ outdir: join(tmpdir(), "kodus-unused-outdir"), skipBackendValidation: true });
  buildStacks(app, config);
  const stack = app.node.findChild(stackName) as TerraformStack;
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text) as TfJson, text };
}

/** Parses Docker's "NAME=value" env list into a record. */
export function envList(env: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries((env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
