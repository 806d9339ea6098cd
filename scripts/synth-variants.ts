/**
 * Synthesizes every stack variant the project supports, each into its own folder, with the
 * real App.synth() (manifest, cdk.tf.json, metadata), using whatever `cdktf` resolves to in
 * this checkout: cdktf itself or CDK Terrain (cdktn) after `npm run cdk:switch -- cdktn`.
 *   node scripts/ts-run.cjs scripts/synth-variants.ts <outdir>
 * Prints the toolchain it used. The CDK Terrain comparison lives in test/cdktn/cdktn-parity.test.ts.
 *
 * Proving a refactoring changes nothing (docs/development.md#size-limits):
 *   node scripts/ts-run.cjs scripts/synth-variants.ts --all <before-dir>    (before the change)
 *   node scripts/ts-run.cjs scripts/synth-variants.ts --all <after-dir>     (after it)
 *   node scripts/ts-run.cjs scripts/synth-variants.ts --compare <before-dir> <after-dir>
 * `--all` adds every full config (each optional setting, each state backend; bundled stores too)
 * and the branches no other variant reaches; `--compare` parses every JSON file of both trees and
 * names each that differs (exit 1), construct paths in "//" included.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
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

const DOCKER_ONLY = { kubernetes: { enabled: false } } as const;
const KUBERNETES_ONLY = { docker: { enabled: false } } as const;

/** Branches none of VARIANTS or the full configs reaches: one check without the other, features off. */
export const BRANCH_VARIANTS: Record<string, ConfigInput> = {
  "preflight-only": { healthcheck: { periodic: false } },
  "periodic-only": { healthcheck: { preflight: false } },
  "budget-off": { healthcheck: { budget: { enabled: false } } },
  "checks-off": { healthcheck: { preflight: false, periodic: false } },
  "docker-proxy": { ...DOCKER_ONLY, kodus: { proxy: { httpsProxy: "http://proxy.internal:3128", noProxy: [".corp"] } } },
  "no-mcp": { kodus: { components: { "mcp-manager": { enabled: false } } } },
  "docker-analytics-ca": {
    ...DOCKER_ONLY,
    kodus: { components: { "worker-analytics": { enabled: true } } },
    docker: { caBundleHostPath: "/etc/ssl/ca.pem", rabbitmqMemory: "1536Mi" },
  },
  "kubernetes-default-deny-bundled": {
    ...KUBERNETES_ONLY,
    kubernetes: { dataStores: { mode: "bundled" }, networkPolicy: { defaultDeny: true } },
  },
};

/** VARIANTS, BRANCH_VARIANTS and every full config of the tests, bundled stores too: the refactoring set. */
export function allVariants(): Record<string, ConfigInput> {
  // A test helper: loaded only for --all, never by the CDK Terrain check's plain run.
  const { fullConfigs } = require("../test/helpers/full-config") as typeof import("../test/helpers/full-config");
  const all: Record<string, ConfigInput> = { ...VARIANTS, ...BRANCH_VARIANTS };
  for (const { name, config } of fullConfigs()) {
    all[`full-${name}`] = config as ConfigInput;
    const bundled = structuredClone(config) as { kubernetes: { dataStores: Record<string, unknown> } };
    bundled.kubernetes.dataStores.mode = "bundled";
    all[`full-${name}-bundled`] = bundled as ConfigInput;
  }
  return all;
}

/** Every JSON file under dir: its path relative to dir, and its parsed content. */
export function jsonTree(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".json")) out[relative(dir, path)] = JSON.parse(readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** JSON text with every object's keys sorted: equal for equal parsed content, whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The JSON files that differ between two trees once parsed (or exist in one only), sorted. */
export function differingFiles(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return files.flatMap((f) =>
    !(f in before)
      ? [`${f} (only after)`]
      : !(f in after)
        ? [`${f} (only before)`]
        : canonical(before[f]) === canonical(after[f])
          ? []
          : [f],
  );
}

function synthInto(outdir: string, variants: Record<string, ConfigInput>): void {
  for (const [name, input] of Object.entries(variants)) {
    const dir = join(outdir, name);
    mkdirSync(dir, { recursive: true });
    const app = new App({ outdir: dir, skipBackendValidation: true });
    buildStacks(app, parseConfig(input, `variant ${name}`));
    app.synth();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--compare") {
    const [before, after] = [jsonTree(resolve(args[1])), jsonTree(resolve(args[2]))];
    const differ = differingFiles(before, after);
    for (const f of differ) console.log(`differs: ${f}`);
    console.log(`${Object.keys(before).length} JSON files compared, ${differ.length} differ`);
    process.exitCode = differ.length > 0 || Object.keys(before).length === 0 ? 1 : 0;
  } else {
    const all = args[0] === "--all";
    const variants = all ? allVariants() : VARIANTS;
    const outdir = resolve((all ? args[1] : args[0]) ?? "synth-variants.out");
    synthInto(outdir, variants);
    const lib = require("cdktf/package.json") as { name: string; version: string };
    console.log(`${lib.name} ${lib.version}: ${Object.keys(variants).length} variants in ${outdir}`);
  }
}
