/**
 * npm run helm:schema [-- --check]
 *
 * Generates helm/kodus-chutes/values.schema.json from the one zod config schema: the chart's
 * values reuse the config file's sections (llm, kodus, healthcheck, and the kubernetes.* ones
 * moved to the top level) so a value the config file rejects, the chart rejects too, with the
 * same patterns and ranges. Chart-only sections (secrets in `chart` mode, the secrets revision)
 * are added here. Every object rejects unknown keys (additionalProperties: false), except
 * `global`, which Helm gives every subchart.
 *
 * Rules that JSON Schema can express only across fields (ingress hosts, external data-store
 * hosts, the existing Secret's name, passwords of external stores) are written twice on purpose:
 * as a zod refinement (so the zod chart schema enforces them) and as `if`/`then` JSON Schema
 * (so `helm install` enforces them). Rules JSON Schema cannot express at all (min <= max
 * replicas, maxConcurrentReviews >= workers, the Chutes key in `chart` mode) are enforced by
 * the chart's templates with `fail`/`required`.
 *
 * A Chutes-key-shaped string or key passes the generated schema and is refused by the templates,
 * which mask it (stepAsideForChutesKeys below).
 *
 * --check: exit 1 if the committed file differs from the generated one (nothing is written).
 */
import { resolve } from "node:path";
import { writeOrCheckGenerated } from "./generated-file";
import { z } from "zod";
import {
  componentResourcesSchema,
  configSchema,
  dataStoresSchema,
  healthcheckSchema,
  imagesSchema,
  ingressSchema,
  kodusSchema,
  llmSchema,
  maxWorkers,
  networkPolicySchema,
  caBundleSchema,
  podMetadataSchema,
  replicasSchema,
  scaleLimitProblems,
  podSecuritySchema,
  scaleLimitsSchema,
  schedulingSchema,
  secretsSchema,
} from "../config/schema";
import {
  CHUTES_KEY_SEARCH_SOURCE,
  SECRET_FORMAT_PATTERNS,
  SECRET_INPUTS,
  type SecretInput,
  type SecretInputName,
} from "../contract/secrets";
import { SECRET_ENV_NAMES } from "../contract/kodus-env";

export const VALUES_SCHEMA_FILE = resolve(__dirname, "..", "helm", "kodus-chutes", "values.schema.json");

// The config schema does not export these pieces on their own; they are reached through it, so
// the chart always uses exactly the config file's definitions.
const kubernetesShape = configSchema.shape.kubernetes.unwrap().shape;
const autoscalingSchema = kubernetesShape.autoscaling;
const rolloutTimeoutSchema = kubernetesShape.rolloutTimeoutSeconds;
const secretNameSchema = secretsSchema.unwrap().shape.name.removeDefault();

const positiveInt = z
  .number({ error: "must be a whole number >= 1" })
  .int({ error: "must be a whole number >= 1" })
  .min(1, { error: "must be a whole number >= 1" });

/** `chart` mode: one value per secret input, named like the Terraform variables, in the format Kodus requires. */
const secretValuesSchema = z.strictObject(
  Object.fromEntries(
    SECRET_INPUTS.map((input) => {
      const pattern = SECRET_FORMAT_PATTERNS[input.format];
      const generated =
        input.format === "provided"
          ? "Required in chart mode"
          : "optional" in input && input.optional
            ? "Optional: unset or empty, Kodus does not use it"
            : "Generated at first install when unset, then kept";
      return [
        input.variable,
        z
          .string({ error: `must be ${pattern.allowed}` })
          // A trailing newline (as --set-file reads most key files) is allowed; the templates trim it.
          .regex(new RegExp(pattern.regex.replace(/\$$/, "(\\r?\\n)?$")), { error: `must be ${pattern.allowed}` })
          .optional()
          .meta({ description: `${input.description}. Format: ${pattern.allowed}. ${generated}.` }),
      ];
    }),
  ) as Record<(typeof SECRET_INPUTS)[number]["variable"], z.ZodOptional<z.ZodString>>,
);

/** The Kodus Secret's keys (the contract's secret variables, as the stack's `existing` mode expects them). */
const KODUS_SECRET_KEYS = [...SECRET_ENV_NAMES, "RABBITMQ_DEFAULT_PASS"];

const remoteRef = z.strictObject({ key: z.string().min(1), property: z.string().min(1).optional(), version: z.string().min(1).optional() });

/** secrets.mode externalSecret: an External Secrets Operator ExternalSecret writes the Kodus Secret. */
const externalSecretSchema = z
  .strictObject({
    apiVersion: z
      .enum(["external-secrets.io/v1", "external-secrets.io/v1beta1"], {
        error: 'must be "external-secrets.io/v1" or "external-secrets.io/v1beta1"',
      })
      .default("external-secrets.io/v1")
      .meta({ description: "ExternalSecret API version your operator serves (v1 since External Secrets Operator 0.16)" }),
    secretStoreRef: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a SecretStore name" })
          .optional(),
        kind: z
          .enum(["SecretStore", "ClusterSecretStore"], { error: 'must be "SecretStore" or "ClusterSecretStore"' })
          .default("SecretStore"),
      })
      .prefault({}),
    refreshInterval: z
      .string()
      .regex(/^([0-9]+(ns|us|ms|s|m|h))+$/, { error: 'must be a duration such as "1h" or "15m"' })
      .default("1h"),
    remoteKey: z.string().min(1).optional().meta({ description: "One remote secret holding every Kodus key by name (dataFrom.extract)" }),
    data: z
      .strictObject(
        Object.fromEntries(KODUS_SECRET_KEYS.map((k) => [k, remoteRef.optional()])) as Record<string, z.ZodOptional<typeof remoteRef>>,
      )
      .prefault({})
      .meta({ description: "Per Kodus key: where it lives in the store (overrides remoteKey for that key)" }),
  })
  .prefault({});

const chartSecretsSchema = z
  .strictObject({
    mode: z
      .enum(["chart", "existing", "externalSecret"], { error: 'must be "chart", "existing" or "externalSecret"' })
      .default("chart")
      .meta({
        description:
          "chart: the chart renders the Secret from secrets.values; existing: a Secret you manage (name: secrets.name); externalSecret: an ExternalSecret (External Secrets Operator) writes it",
      }),
    name: secretNameSchema
      .optional()
      .meta({ description: "The Secret's name; required in existing mode. Default in chart mode: <release>-secrets" }),
    revision: positiveInt.default(1).meta({
      description: "Pod annotation kodus.io/secrets-revision: bump it after rotating an existing Secret to roll every pod that reads it",
    }),
    values: secretValuesSchema.prefault({}),
    externalSecret: externalSecretSchema,
  })
  .prefault({})
  .refine((s) => s.mode !== "existing" || s.name !== undefined, { error: "name is required when mode is existing", path: ["name"] })
  .refine((s) => s.mode !== "externalSecret" || s.externalSecret.secretStoreRef.name !== undefined, {
    error: "is required when mode is externalSecret",
    path: ["externalSecret", "secretStoreRef", "name"],
  })
  .refine((s) => s.mode !== "externalSecret" || s.externalSecret.remoteKey !== undefined || Object.keys(s.externalSecret.data).length > 0, {
    error: "remoteKey or data is required when mode is externalSecret",
    path: ["externalSecret", "remoteKey"],
  })
  .meta({
    allOf: [
      { if: { properties: { mode: { const: "existing" } }, required: ["mode"] }, then: { required: ["name"] } },
      {
        if: { properties: { mode: { const: "externalSecret" } }, required: ["mode"] },
        then: {
          required: ["externalSecret"],
          properties: {
            externalSecret: {
              properties: { secretStoreRef: { required: ["name"] } },
              required: ["secretStoreRef"],
              anyOf: [{ required: ["remoteKey"] }, { required: ["data"], properties: { data: { minProperties: 1 } } }],
            },
          },
        },
      },
    ],
  });

const STORES = ["postgres", "mongodb", "rabbitmq"] as const;
/** The data stores' passwords (contract/secrets.ts SecretInput.store): yours when the stores are external. */
const STORE_PASSWORDS = (SECRET_INPUTS as readonly SecretInput[])
  .filter((i) => i.store !== undefined)
  .map((i) => i.variable as SecretInputName);

/** The config's data-store section; the chart defaults to bundled so `helm install` needs only the Chutes key. */
const chartDataStoresSchema = dataStoresSchema
  .unwrap()
  .extend({
    mode: z.enum(["external", "bundled"], { error: 'must be "external" or "bundled"' }).default("bundled").meta({
      description: "bundled: PostgreSQL, MongoDB and RabbitMQ StatefulSets (evaluation); external: your managed stores (production)",
    }),
  })
  .prefault({})
  .superRefine((d, ctx) => {
    if (d.mode !== "external") return;
    for (const store of STORES) {
      if (d[store].host === undefined)
        ctx.addIssue({ code: "custom", path: [store, "host"], message: "is required when mode is external" });
    }
  })
  .meta({
    if: { properties: { mode: { const: "external" } }, required: ["mode"] },
    then: { properties: Object.fromEntries(STORES.map((s) => [s, { required: ["host"] }])) },
  });

export const chartValuesSchema = z
  .strictObject({
    // Helm passes `global` to every subchart (an umbrella/wrapper chart, the usual Argo CD
    // pattern): a strict root would reject it. The chart reads nothing from it.
    global: z.looseObject({}).optional().meta({ description: "Helm's values shared with subcharts (accepted, unused)" }),
    // Object names are <fullnameOverride or release name, cut to 32>-<component>; the name label is nameOverride or kodus.
    fullnameOverride: z
      .string()
      .regex(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/, { error: "must be a DNS label of at most 32 characters starting with a letter" })
      .optional()
      .meta({ description: "Prefix of every object name instead of the release name (kodus.prefix)" }),
    nameOverride: z
      .string()
      .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be a DNS label starting with a letter (a label value)" })
      .optional()
      .meta({ description: "app.kubernetes.io/name of every object instead of kodus; it is in the selectors: set it at install only" }),
    llm: llmSchema,
    kodus: kodusSchema,
    healthcheck: healthcheckSchema,
    replicas: replicasSchema,
    resources: componentResourcesSchema,
    autoscaling: autoscalingSchema,
    scaleLimits: scaleLimitsSchema,
    ingress: ingressSchema.meta({
      if: { properties: { enabled: { const: true } }, required: ["enabled"] },
      then: { required: ["webHost", "webhooksHost"] },
    }),
    secrets: chartSecretsSchema,
    dataStores: chartDataStoresSchema,
    rolloutTimeoutSeconds: rolloutTimeoutSchema,
    scheduling: schedulingSchema,
    images: imagesSchema,
    pods: podMetadataSchema,
    networkPolicy: networkPolicySchema,
    podSecurity: podSecuritySchema,
    caBundle: caBundleSchema.optional(),
  })
  .superRefine((v, ctx) => {
    // Enforced by the templates (validate.yaml) too: JSON Schema cannot compare two fields.
    const max = v.llm.maxConcurrentReviews;
    const workers = maxWorkers({ replicas: v.replicas, autoscaling: v.autoscaling });
    if (max !== undefined && max < workers) {
      ctx.addIssue({
        code: "custom",
        path: ["llm", "maxConcurrentReviews"],
        message: `must be at least the largest worker count (${workers}): every worker holds at least one review`,
      });
    }
    for (const p of scaleLimitProblems(v)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    if (v.secrets.mode !== "chart" || v.dataStores.mode !== "external") return;
    for (const input of STORE_PASSWORDS) {
      if (v.secrets.values[input] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["secrets", "values", input],
          message: "is required with secrets.mode chart and dataStores.mode external (the chart cannot invent your stores' passwords)",
        });
      }
    }
  })
  .meta({
    title: "kodus-chutes chart values",
    description: "Generated by scripts/helm-schema.ts from config/schema.ts: do not edit by hand (npm run helm:schema).",
    allOf: [
      {
        if: {
          properties: {
            secrets: { properties: { mode: { const: "chart" } }, required: ["mode"] },
            dataStores: { properties: { mode: { const: "external" } }, required: ["mode"] },
          },
          required: ["secrets", "dataStores"],
        },
        then: { properties: { secrets: { properties: { values: { required: [...STORE_PASSWORDS] } }, required: ["values"] } } },
      },
    ],
  });

export type ChartValuesInput = z.input<typeof chartValuesSchema>;
export type ChartValues = z.output<typeof chartValuesSchema>;

/**
 * Lets a Chutes-key-shaped string or map key through the JSON Schema, everywhere: Helm's schema
 * errors print the rejected value ("'cpk_...' does not match pattern") or key ("invalid
 * propertyName", "additional properties ... not allowed"). The chart's templates refuse such
 * values instead, naming the field with the key masked (kodus.noChutesKeys in _helpers.tpl).
 * - a `pattern` or `format` check applies only to strings without the shape (if/else);
 * - every object accepts key-shaped keys (patternProperties), whatever they hold.
 * Every other check (type, enum, ranges, required keys) stays; none of their errors prints a value.
 */
export function stepAsideForChutesKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stepAsideForChutesKeys);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = stepAsideForChutesKeys(v);
  const checks = Object.fromEntries(["pattern", "format"].filter((k) => k in out).map((k) => [k, out[k]]));
  if (Object.keys(checks).length > 0) {
    for (const k of Object.keys(checks)) delete out[k];
    if ("if" in out) throw new Error("helm-schema: a string check next to an if/then: not expected");
    out.if = { pattern: CHUTES_KEY_SEARCH_SOURCE };
    out.else = checks;
  }
  if ("properties" in out || "additionalProperties" in out || "propertyNames" in out) {
    out.patternProperties = { ...(out.patternProperties as object), [CHUTES_KEY_SEARCH_SOURCE]: {} };
  }
  return out;
}

/** The values.schema.json text (stable: same input, same bytes). */
export function buildValuesSchema(): string {
  // reused: "ref": a sub-schema used more than once (per-component pods, scheduling, resources) is
  // written once under $defs and referenced; inlined, the file was 6 times larger and helm took
  // longer to load it than to render the chart.
  const schema = z.toJSONSchema(chartValuesSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12", reused: "ref" });
  return `${JSON.stringify(stepAsideForChutesKeys(schema), null, 2)}\n`;
}

if (require.main === module) writeOrCheckGenerated(VALUES_SCHEMA_FILE, buildValuesSchema(), "helm:schema");
