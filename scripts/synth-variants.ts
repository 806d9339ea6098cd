/**
 * Synthesizes every stack variant the project supports, each into its own folder, with the
 * real App.synth() (manifest, cdk.tf.json, metadata), using whatever `cdktf` resolves to in
 * this checkout: cdktf itself or CDK Terrain (cdktn) after `npm run cdk:switch -- cdktn`.
 *   node scripts/ts-run.cjs scripts/synth-variants.ts <outdir>
 * Prints the toolchain it used. The comparison lives in test/cdktn/cdktn-parity.test.ts.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { buildStacks } from "../app";
import { parseConfig } from "../config/load";
import type { ConfigInput } from "../config/schema";

/** Every stack variant: both stacks by default and each optional feature that changes what is synthesized. */
export const VARIANTS: Record<string, ConfigInput> = {
  defaults: {},
  "healthcheck-off": { healthcheck: { enabled: false } },
  "docker-tuned": {
    docker: { ports: { api: 8001, web: 8000, webhooks: 8002 }, bindAddress: "127.0.0.1", host: "ssh://deploy@kodus-host" },
    llm: { temperature: 0.3, maxConcurrentReviews: 4 },
  },
  "kubernetes-bundled": { docker: { enabled: false }, kubernetes: { dataStores: { mode: "bundled", storageSize: "20Gi" } } },
  "kubernetes-existing-secret": { docker: { enabled: false }, kubernetes: { secrets: { mode: "existing", name: "kodus-from-vault" } } },
  "kubernetes-scaled": {
    docker: { enabled: false },
    kubernetes: {
      replicas: { worker: 5, webhooks: 1, web: 4 },
      autoscaling: { api: { enabled: true, minReplicas: 2, maxReplicas: 8 } },
      scaleLimits: { api: 8 },
      ingress: { enabled: true, className: "nginx", webHost: "k.example.com", webhooksHost: "h.example.com", tlsSecretName: "kodus-tls" },
    },
  },
  "production-s3": {
    environment: "production",
    terraform: { backend: { s3: { bucket: "acme-tf-state", region: "eu-west-1" } } },
  } as ConfigInput,
};

if (require.main === module) {
  const outdir = resolve(process.argv[2] ?? "synth-variants.out");
  for (const [name, input] of Object.entries(VARIANTS)) {
    const dir = join(outdir, name);
    mkdirSync(dir, { recursive: true });
    const app = new App({ outdir: dir, skipBackendValidation: true });
    buildStacks(app, parseConfig(input, `variant ${name}`));
    app.synth();
  }
  const lib = require("cdktf/package.json") as { name: string; version: string };
  console.log(`${lib.name} ${lib.version}: ${Object.keys(VARIANTS).length} variants in ${outdir}`);
}
