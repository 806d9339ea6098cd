/**
 * The one configuration schema. Every rule a config file must obey lives here; the loader
 * (config/load.ts) only reads the file and formats the problems this schema reports, and the
 * Helm chart's values.schema.json is generated from the same pieces (scripts/helm-schema.ts).
 */
import { z } from "zod";
import { checkStateLocations, checkStateOutsideStack, environmentSchema, terraformSchema } from "./state-backend";
import { NO_USERINFO, noCredentialsError } from "./url-credentials";
import { KODUS_COMPONENTS, type Component, type OptionalComponent } from "../contract/components";
import { PG_CLIENT_COMPONENTS, quantityValue, type PgClientComponent } from "../contract/data-stores";
import { envFor } from "../contract/kodus-env";
import { PROXY_ENV_NAMES } from "./proxy";

/** Default model: an open model on Chutes' base tier, served in a TEE. */
export const DEFAULT_MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
export const DEFAULT_BASE_URL = "https://llm.chutes.ai/v1";
/** Chutes' management API (account, subscription usage, quotas): not the inference host. */
export const DEFAULT_MANAGEMENT_URL = "https://api.chutes.ai";
/** The Kodus release the official chart pins; one tag for every Kodus image. */
export const DEFAULT_KODUS_VERSION = "2.1.28";
export const DEFAULT_SCHEDULE = "*/15 * * * *";

const MODEL_ID = /^(chutes\/)?[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/**
 * A release version: major.minor.patch with an optional pre-release suffix. Floating tags
 * (latest, stable, main, 2, 2.1 ...) would make the deployed code change without the config
 * changing, and the migrations (run once per version) would never re-run on such an upgrade.
 */
const RELEASE_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/;
/** Same, but a user name without password is allowed (ssh://deploy@host). */
const NO_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#@:]*@)?[^/?#@]*([/?#]\S*)?$/;
const NO_CREDENTIALS_ERROR = noCredentialsError("secrets belong in the var file written by `npm run secrets`, never in the config");
/** Kubernetes resource quantity, e.g. 250m, 1, 1.5, 768Mi, 2Gi. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
/**
 * Five cron fields (minute hour day-of-month month day-of-week), each a list of `*`, values or
 * ranges with an optional step, with values in range. Written as one regular expression so the
 * Helm chart's values.schema.json enforces the same rule; cron-parser double-checks.
 */
const cronField = (value: string) => {
  const item = `(\\*|(${value})(-(${value}))?)(/[0-9]{1,2})?`;
  return `${item}(,${item})*`;
};
const CRON_5_FIELDS = new RegExp(
  `^${[
    "[0-5]?[0-9]", // minute
    "[01]?[0-9]|2[0-3]", // hour
    "0?[1-9]|[12][0-9]|3[01]", // day of month
    "0?[1-9]|1[0-2]|[A-Za-z]{3}", // month
    "[0-7]|[A-Za-z]{3}", // day of week
  ]
    .map(cronField)
    .join("\\s+")}$`,
);

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

/** An org/model id; a leading "chutes/" (as some clients write it) is stripped. */
export const modelIdSchema = z
  .string()
  .trim()
  .regex(MODEL_ID, {
    error:
      'must be an org/model id such as "deepseek-ai/DeepSeek-V3.2-TEE" ("auto" or an empty value would switch Kodus to cloud routing, not Fixed Mode)',
  })
  .transform((id) => id.replace(/^chutes\//, ""));

/** The provider's OpenAI-compatible base URL: https, or http only on a loopback host. */
export const baseUrlSchema = z
  .string()
  .trim()
  .regex(/^(https:\/\/[^/\s]+|http:\/\/(localhost|127(\.[0-9]{1,3}){3}|\[::1\])(:[0-9]+)?)(\/\S*)?$/, {
    error: "must be an https:// URL (http:// is allowed only for localhost/127.0.0.1/[::1])",
    abort: true,
  })
  .refine((v) => isUrl(v, ["https:"]) || (isUrl(v, ["http:"]) && LOOPBACK_HOST.test(new URL(v).hostname)), {
    error: "must be an https:// URL (http:// is allowed only for localhost/127.0.0.1/[::1])",
  })
  .regex(NO_USERINFO, { error: NO_CREDENTIALS_ERROR })
  // Kodus reads API_TRUST_JSON_SCHEMA_BASE_URLS (which lists this URL) as a comma-separated list:
  // a comma would cut it into two broader entries.
  .regex(/^[^,]*$/, { error: "must not contain a comma (Kodus reads the base URLs it trusts as a comma-separated list)" })
  // Kodus appends /chat/completions to the base URL itself.
  .refine((v) => !/\/(chat\/)?completions\/*$/.test(v), {
    error: 'must be the API base such as "https://llm.chutes.ai/v1", without /chat/completions (Kodus appends it)',
  })
  .transform((v) => v.replace(/\/+$/, ""));

const httpUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/\S+$/, { error: "must be an absolute http:// or https:// URL", abort: true })
  .refine((v) => isUrl(v, ["http:", "https:"]), { error: "must be an absolute http:// or https:// URL" })
  .regex(NO_USERINFO, { error: NO_CREDENTIALS_ERROR })
  .transform((v) => v.replace(/\/+$/, ""));

const positiveInt = (max: number) =>
  z
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int({ error: `must be a whole number from 1 to ${max}` })
    .min(1, { error: `must be a whole number from 1 to ${max}` })
    .max(max, { error: `must be a whole number from 1 to ${max}` });

const port = positiveInt(65535);

export const cronSchema = z
  .string()
  .regex(CRON_5_FIELDS, { error: 'must be a 5-field cron expression such as "*/15 * * * *"', abort: true })
  .refine(isValidCron, { error: 'must be a 5-field cron expression such as "*/15 * * * *" (a field is out of range)' });

function isValidCron(expr: string): boolean {
  // Loaded lazily: only a config that sets a schedule pays for the parser.
  const { CronExpressionParser } = require("cron-parser") as typeof import("cron-parser");
  try {
    CronExpressionParser.parse(expr, { strict: false });
    return true;
  } catch {
    return false;
  }
}

const quantity = z.string().regex(QUANTITY, { error: 'must be a Kubernetes quantity such as "250m", "1", "768Mi" or "2Gi"' });

const resourcesSchema = (requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }) =>
  z
    .strictObject({
      requests: z.strictObject({ cpu: quantity.default(requests.cpu), memory: quantity.default(requests.memory) }).prefault({}),
      limits: z.strictObject({ cpu: quantity.default(limits.cpu), memory: quantity.default(limits.memory) }).prefault({}),
    })
    .prefault({})
    .superRefine((r, ctx) => {
      // Kubernetes rejects a Pod whose request exceeds its limit, at apply time; say so now.
      for (const kind of ["cpu", "memory"] as const) {
        if (quantityValue(r.requests[kind]) > quantityValue(r.limits[kind])) {
          ctx.addIssue({
            code: "custom",
            path: ["requests", kind],
            input: r.requests[kind],
            message: `must not exceed limits.${kind} (${r.limits[kind]})`,
          });
        }
      }
    });

// --- sections shared with the Helm chart's values (same names, same meaning) ---

export const llmSchema = z
  .strictObject({
    model: modelIdSchema.default(DEFAULT_MODEL),
    baseUrl: baseUrlSchema.default(DEFAULT_BASE_URL),
    /** Where the health checks read the key's subscription usage and daily quota (no inference cost). */
    managementUrl: baseUrlSchema.default(DEFAULT_MANAGEMENT_URL),
    temperature: z
      .number({ error: "must be a number from 0 to 2" })
      .min(0, { error: "must be a number from 0 to 2" })
      .max(2, { error: "must be a number from 0 to 2" })
      .optional(),
    maxConcurrentReviews: positiveInt(1000).optional(),
    /**
     * Reviews ask the model for structured output (response_format json_schema): the deploy lists
     * llm.baseUrl in API_TRUST_JSON_SCHEMA_BASE_URLS, and the preflight requires the model's
     * listing to say it supports structured output. false: neither.
     */
    structuredOutput: z.boolean({ error: "must be true or false" }).default(true),
    /**
     * OPENAI_BASE_URL = baseUrl on every component holding the key: OpenAI SDK clients Kodus builds
     * without a base URL (learning-from-feedback embeddings) go to Chutes, not api.openai.com. It
     * also sends an organization's BYOK "OpenAI" provider (saved without a base URL) to Chutes:
     * false for deployments whose organizations use that provider (docs/configuration.md).
     */
    keepOpenAIClientsOnChutes: z.boolean({ error: "must be true or false" }).default(true),
  })
  .prefault({});

function optionalComponentSchema(component: OptionalComponent) {
  return z
    .strictObject({ enabled: z.boolean({ error: "must be true or false" }).default(KODUS_COMPONENTS[component].enabledByDefault) })
    .prefault({});
}

/** A proxy URL: http(s)://host:port, no credentials (they would be written into the synthesized output). */
const proxyUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/\S+$/, { error: "must be an http:// or https:// proxy URL such as http://proxy.example.com:3128", abort: true })
  .refine((v) => isUrl(v, ["http:", "https:"]), { error: "must be an http:// or https:// proxy URL such as http://proxy.example.com:3128" })
  .regex(NO_USERINFO, {
    error: noCredentialsError(
      "a proxy that needs them goes in kubernetes.pods.<component>.env from a Secret (valueFrom.secretKeyRef), not in the config",
    ),
  })
  .regex(/^[^,]*$/, { error: "must not contain a comma" });

/** Corporate HTTP(S) proxy of the Kodus containers (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). */
const proxySchema = z
  .strictObject({
    httpProxy: proxyUrl.optional(),
    httpsProxy: proxyUrl.optional(),
    // Added to localhost, 127.0.0.1 and the deployment's own hosts, which are always there.
    noProxy: z
      .array(
        z.string().regex(/^[A-Za-z0-9.*:_/[\]-]+$/, {
          error: "must be one host, domain (.example.com), IP address or CIDR per entry (no commas or spaces)",
        }),
      )
      .default([]),
  })
  .refine((p) => p.httpProxy !== undefined || p.httpsProxy !== undefined, {
    error: "needs httpProxy or httpsProxy (or both)",
  })
  .meta({ anyOf: [{ required: ["httpProxy"] }, { required: ["httpsProxy"] }] });

export const kodusSchema = z
  .strictObject({
    version: z
      .string({ error: 'must be a Kodus release version such as "2.1.28"' })
      .regex(IMAGE_TAG, { error: 'must be an image tag such as "2.1.28"', abort: true })
      .regex(RELEASE_VERSION, {
        error:
          'must be a release version such as "2.1.28": a floating tag (latest, stable, 2.1 ...) changes what runs without a config change, and migrations only re-run when the version changes',
      })
      .default(DEFAULT_KODUS_VERSION),
    // Unset: derived from the Ingress hosts on Kubernetes when an Ingress is enabled, else
    // localhost (DEFAULT_PUBLIC_URLS); see kodusUrls() in contract/kodus-env.ts.
    publicUrl: httpUrl.optional(),
    webhooksUrl: httpUrl.optional(),
    workerDrainTimeoutMs: positiveInt(600_000).default(25_000),
    /** KODUS_TELEMETRY_DISABLED: true stops the worker's daily anonymous heartbeat to Kodus. */
    telemetryDisabled: z.boolean({ error: "must be true or false" }).default(false),
    proxy: proxySchema.optional(),
    /**
     * E-mail of Kodus' notifications. Invitations and password resets always go through Resend
     * (secret input resend_api_key). Unset: Kodus' default (Resend).
     */
    email: z
      .strictObject({
        provider: z.enum(["resend", "smtp"], { error: 'must be "resend" or "smtp"' }),
        smtp: z
          .strictObject({
            host: z.string().regex(/^[A-Za-z0-9.-]+$/, { error: "must be a host name such as smtp.example.com" }),
            port: z.number().int().min(1).max(65535, { error: "must be a port from 1 to 65535" }).default(587),
            secure: z.boolean({ error: "must be true or false" }).default(false),
            user: z.string().min(1).optional(),
            from: z.email({ error: "must be an e-mail address" }).optional(),
          })
          .optional(),
      })
      .refine((e) => e.provider !== "smtp" || e.smtp !== undefined, { error: "smtp is required when provider is smtp", path: ["smtp"] })
      .optional(),
    /** The optional components (contract/components.ts): on or off, defaults as the official installer's. */
    components: z
      .strictObject({
        "mcp-manager": optionalComponentSchema("mcp-manager"),
        "worker-analytics": optionalComponentSchema("worker-analytics"),
      })
      .prefault({}),
  })
  .prefault({});

const percent = positiveInt(100);
/** The Chutes budget watch: subscription caps and the daily quota, read by the checks. */
export const budgetSchema = z
  .strictObject({
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    warnPercent: percent.default(80),
    criticalPercent: percent.default(95),
  })
  .prefault({})
  .refine((b) => b.warnPercent <= b.criticalPercent, { error: "warnPercent must not exceed criticalPercent", path: ["warnPercent"] });

export const healthcheckSchema = z
  .strictObject({
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    // Separate switches under the master switch: turning the preflight off for one deploy
    // (a Chutes outage) keeps the periodic check running and alerting.
    preflight: z.boolean({ error: "must be true or false" }).default(true),
    periodic: z.boolean({ error: "must be true or false" }).default(true),
    schedule: cronSchema.default(DEFAULT_SCHEDULE),
    timeoutSeconds: positiveInt(300).default(30),
    maxLatencyMs: positiveInt(600_000).default(20_000),
    budget: budgetSchema,
    /** Each check container's requests and limits (the probe is one small Node process). */
    resources: resourcesSchema({ cpu: "10m", memory: "64Mi" }, { cpu: "200m", memory: "128Mi" }),
    prometheusRule: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false),
        /** Extra labels, e.g. the one your Prometheus' ruleSelector matches (release: kube-prometheus-stack). */
        labels: z.record(z.string(), z.string()).default({}),
        /**
         * KodusChutesCheckStale fires when the CronJob's last success is older than this. Unset:
         * 3 x the longest gap between two runs of the schedule.
         */
        staleAfterMinutes: positiveInt(527_040).optional(),
      })
      .prefault({}),
  })
  .prefault({})
  .superRefine((h, ctx) => {
    const minutes = h.prometheusRule.staleAfterMinutes;
    if (minutes === undefined) return;
    // Loaded lazily, as in isValidCron.
    const { scheduleLongestGapSeconds } = require("./schedule") as typeof import("./schedule");
    const gap = scheduleLongestGapSeconds(h.schedule) / 60;
    if (minutes <= gap) {
      ctx.addIssue({
        code: "custom",
        path: ["prometheusRule", "staleAfterMinutes"],
        message: `must be more than the longest gap between two runs of healthcheck.schedule "${h.schedule}" (${gap} minutes), or the alert fires between healthy runs`,
      });
    }
  });

export const replicasSchema = z
  .strictObject({
    api: positiveInt(50).default(2),
    worker: positiveInt(50).default(2),
    webhooks: positiveInt(50).default(2),
    web: positiveInt(50).default(2),
    // One each, as the official chart runs them.
    "mcp-manager": positiveInt(50).default(1),
    "worker-analytics": positiveInt(50).default(1),
  })
  .prefault({});

/**
 * The most pods each back-end component may ever run: PostgreSQL's max_connections is sized
 * from these (contract postgresMaxConnections), not from the current replica counts or HPA
 * maxima, so scaling within them never changes PostgreSQL's arguments (a bundled PostgreSQL
 * restarts when they change). Replicas and HPA maxima may not exceed them. One key per component
 * that opens PostgreSQL connections (contract KODUS_PG_POOLS); an optional component switched
 * off is not counted.
 */
export const scaleLimitsSchema = z
  .strictObject({
    api: positiveInt(50).default(6),
    worker: positiveInt(50).default(6),
    webhooks: positiveInt(50).default(4),
    // One pod each by default: room for a second during a rolling update.
    "mcp-manager": positiveInt(50).default(2),
    "worker-analytics": positiveInt(50).default(2),
  })
  .prefault({});

export const componentResourcesSchema = z
  .strictObject({
    api: resourcesSchema({ cpu: "250m", memory: "768Mi" }, { cpu: "1", memory: "1536Mi" }),
    worker: resourcesSchema({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1536Mi" }),
    webhooks: resourcesSchema({ cpu: "100m", memory: "384Mi" }, { cpu: "500m", memory: "768Mi" }),
    web: resourcesSchema({ cpu: "100m", memory: "256Mi" }, { cpu: "500m", memory: "512Mi" }),
    // The official chart's.
    "mcp-manager": resourcesSchema({ cpu: "100m", memory: "256Mi" }, { cpu: "500m", memory: "512Mi" }),
    "worker-analytics": resourcesSchema({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
  })
  .prefault({});

export const secretsSchema = z
  .strictObject({
    mode: z.enum(["terraform", "existing"], { error: 'must be "terraform" or "existing"' }).default("terraform"),
    name: z.string().regex(DNS1123_LABEL, { error: "must be a DNS-1123 label (lowercase letters, digits, '-')" }).default("kodus-secrets"),
  })
  .prefault({});

/** An HPA's scale-down behavior: after the window, at most podsPerPeriod pods per periodSeconds (Kubernetes' limits). */
const scaleDownSchema = z.strictObject({
  stabilizationWindowSeconds: z
    .number({ error: "must be a whole number from 0 to 3600" })
    .int({ error: "must be a whole number from 0 to 3600" })
    .min(0, { error: "must be a whole number from 0 to 3600" })
    .max(3600, { error: "must be a whole number from 0 to 3600" }),
  podsPerPeriod: positiveInt(100),
  periodSeconds: positiveInt(1800),
});
/**
 * The worker's: a pod stopped mid-review drains for API_WORKER_DRAIN_TIMEOUT_MS and its review is
 * delivered again (LLM calls and all), so the worker shrinks by one pod per 10 minutes after
 * 15 minutes of lower load.
 */
export const WORKER_SCALE_DOWN = { stabilizationWindowSeconds: 900, podsPerPeriod: 1, periodSeconds: 600 } as const;

/**
 * fixedIds false leaves runAsUser, runAsGroup and fsGroup unset on every pod, so the platform
 * assigns them (OpenShift's restricted SCC allocates a UID range per namespace and rejects the
 * fixed 1000/999); runAsNonRoot, the seccomp profile and the container hardening stay.
 */
export const podSecuritySchema = z.strictObject({ fixedIds: z.boolean({ error: "must be true or false" }).default(true) }).prefault({});

const autoscaleSchema = (min: number, max: number, scaleDown?: z.input<typeof scaleDownSchema>) =>
  z
    .strictObject({
      enabled: z.boolean({ error: "must be true or false" }).default(false),
      minReplicas: positiveInt(100).default(min),
      maxReplicas: positiveInt(100).default(max),
      targetCpuPercent: positiveInt(100).default(70),
      scaleDown: scaleDown ? scaleDownSchema.default(scaleDown) : scaleDownSchema.optional(),
    })
    .prefault({})
    .refine((a) => a.minReplicas <= a.maxReplicas, { error: "minReplicas must not exceed maxReplicas", path: ["minReplicas"] });

const hostname = z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  error: "must be a DNS host name such as kodus.example.com",
});

/** Where an external data store listens; host unset = a Terraform variable asked for at deploy. */
const storeSchema = (defaultPort: number) => ({
  host: hostname.optional(),
  port: port.default(defaultPort),
  username: z.string().min(1).default("kodus"),
});

export const dataStoresSchema = z
  .strictObject({
    mode: z.enum(["external", "bundled"], { error: 'must be "external" or "bundled"' }).default("external"),
    postgres: z
      .strictObject({
        ...storeSchema(5432),
        database: z.string().min(1).default("kodus_db"),
        disableSsl: z.boolean({ error: "must be true or false" }).default(false),
      })
      .prefault({}),
    mongodb: z.strictObject({ ...storeSchema(27017), database: z.string().min(1).default("kodus_db") }).prefault({}),
    rabbitmq: z.strictObject(storeSchema(5672)).prefault({}),
    storageClass: z.string().min(1).optional(),
    storageSize: quantity.default("10Gi"),
    // Bundled mode: requests/limits of each store (the official Kodus chart's defaults). RabbitMQ
    // plans its memory and disk alarms with its memory limit.
    resources: z
      .strictObject({
        postgres: resourcesSchema({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
        mongodb: resourcesSchema({ cpu: "100m", memory: "512Mi" }, { cpu: "500m", memory: "1Gi" }),
        rabbitmq: resourcesSchema({ cpu: "100m", memory: "256Mi" }, { cpu: "500m", memory: "1Gi" }),
      })
      .prefault({}),
  })
  .prefault({});

export const ingressSchema = z
  .strictObject({
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    className: z.string().min(1).optional(),
    webHost: hostname.optional(),
    webhooksHost: hostname.optional(),
    tlsSecretName: z
      .string()
      .regex(DNS1123_LABEL, { error: "must be a Secret name: a DNS-1123 label (lowercase letters, digits, '-')" })
      .optional(),
    annotations: z.record(z.string(), z.string()).default({}),
  })
  .prefault({})
  .refine((i) => !i.enabled || (i.webHost !== undefined && i.webhooksHost !== undefined), {
    error: "webHost and webhooksHost are required when ingress is enabled",
    path: ["enabled"],
  });

// --- cluster placement, registries and network policy (shared with the Helm chart) ---

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const labelKey = z.string().regex(LABEL_KEY, { error: "must be a Kubernetes label key such as app.kubernetes.io/name or team" });
/** Kubernetes labels: qualified keys, values of at most 63 characters. */
const labelsSchema = z.record(
  labelKey,
  z.string().regex(LABEL_VALUE, { error: "must be a Kubernetes label value (at most 63 letters, digits, '-', '_', '.')" }),
);
/** Annotations: qualified keys, any string value. */
const annotationsSchema = z.record(labelKey, z.string());
const selectorRequirement = (operators: readonly [string, ...string[]]) =>
  z.strictObject({
    key: z.string().min(1),
    operator: z.enum(operators, { error: `must be one of ${operators.join(", ")}` }),
    values: z.array(z.string()).optional(),
  });
/** A Kubernetes LabelSelector (matchLabels and/or matchExpressions). */
export const labelSelectorSchema = z.strictObject({
  matchLabels: labelsSchema.optional(),
  matchExpressions: z.array(selectorRequirement(["In", "NotIn", "Exists", "DoesNotExist"])).optional(),
});
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(selectorRequirement(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"])).optional(),
  matchFields: z.array(selectorRequirement(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"])).optional(),
});
const weight = z
  .number()
  .int()
  .min(1, { error: "must be a whole number from 1 to 100" })
  .max(100, { error: "must be a whole number from 1 to 100" });
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelectorSchema.optional(),
  namespaceSelector: labelSelectorSchema.optional(),
  namespaces: z.array(z.string().regex(DNS1123_LABEL)).optional(),
  topologyKey: z.string().min(1),
});
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});
/**
 * The Kubernetes Affinity object, limited to the fields both the Kubernetes API and the
 * Terraform provider know (so the stack and the chart deploy the same thing); unknown keys are errors.
 */
export const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});
export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"], { error: 'must be "Exists" or "Equal"' }).optional(),
  value: z.string().optional(),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { error: 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute"' })
    .optional(),
  tolerationSeconds: z.number().int().min(0).optional(),
});
/**
 * A topology spread constraint without its labelSelector: each component gets its own pods'
 * selector filled in. Set, the list replaces the default (spread over nodes, ScheduleAnyway).
 */
export const topologySpreadSchema = z.strictObject({
  maxSkew: positiveInt(100),
  topologyKey: z.string().min(1),
  whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"], { error: 'must be "DoNotSchedule" or "ScheduleAnyway"' }),
  minDomains: positiveInt(1000).optional(),
  nodeAffinityPolicy: z.enum(["Honor", "Ignore"]).optional(),
  nodeTaintsPolicy: z.enum(["Honor", "Ignore"]).optional(),
  matchLabelKeys: z.array(z.string().min(1)).optional(),
});

/** Where every pod of the deployment may run (Kodus, migrations, checks, bundled stores). */
export const schedulingSchema = z
  .strictObject({
    nodeSelector: labelsSchema.default({}),
    tolerations: z.array(tolerationSchema).default([]),
    affinity: affinitySchema.optional(),
    topologySpreadConstraints: z.array(topologySpreadSchema).optional(),
    priorityClassName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a PriorityClass name (DNS-1123 subdomain)" })
      .optional(),
  })
  .prefault({});

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const digest = z.string().regex(DIGEST, { error: 'must be an image digest such as "sha256:" followed by 64 hex characters' }).optional();
/** Where images come from: a mirror registry, digests that pin the Kodus and bundled data-store images, pull secrets. */
export const imagesSchema = z
  .strictObject({
    registry: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([-a-z0-9._/]*[a-z0-9])?)?$/, {
        error: 'must be a registry host with an optional port and path, such as "registry.internal:5000" or "harbor.example.com/mirror"',
      })
      .optional(),
    // By image: the analytics worker runs the worker's image, so the worker's digest pins both.
    // The bundled stores' images too (their tags move: mongo:8.x, pg16 get rebuilt).
    digests: z
      .strictObject({
        api: digest,
        worker: digest,
        webhooks: digest,
        web: digest,
        "mcp-manager": digest,
        postgres: digest,
        mongodb: digest,
        rabbitmq: digest,
      })
      .prefault({}),
    pullSecrets: z.array(z.string().regex(DNS1123_SUBDOMAIN, { error: "must be a Secret name (DNS-1123 subdomain)" })).default([]),
  })
  .prefault({});

const ENV_NAME = "an environment variable name (letters, digits and _, not starting with a digit)";
/**
 * One extra variable of a component's container: a plain `value`, or `valueFrom.secretKeyRef` to a
 * key of a Secret you manage (never a secret literal; a Chutes key is refused anywhere anyway).
 */
const extraEnvEntry = z
  .strictObject({
    name: z.string({ error: `must be ${ENV_NAME}` }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: `must be ${ENV_NAME}` }),
    value: z.string({ error: "must be a string" }).optional(),
    valueFrom: z
      .strictObject({
        secretKeyRef: z.strictObject({
          name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a Secret name (DNS subdomain)" }),
          key: z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/, { error: "must be a Secret key (letters, digits, '-', '_', '.')" }),
          optional: z.boolean({ error: "must be true or false" }).optional(),
        }),
      })
      .optional(),
  })
  .refine((e) => (e.value === undefined) !== (e.valueFrom === undefined), {
    error: "needs exactly one of value (a plain value) or valueFrom.secretKeyRef (a key of a Secret you manage)",
  });
/** Per component: each field set replaces kubernetes.scheduling's for that component's pods. */
const componentScheduling = z.strictObject({
  nodeSelector: labelsSchema.optional(),
  tolerations: z.array(tolerationSchema).optional(),
  affinity: affinitySchema.optional(),
});
const podMetadata = z
  .strictObject({
    annotations: annotationsSchema.default({}),
    labels: labelsSchema.default({}),
    env: z.array(extraEnvEntry).default([]),
    scheduling: componentScheduling.optional(),
  })
  .prefault({});
/** Extra annotations and labels on each Kodus component's pods (service meshes, cost allocation, ...). */
export const podMetadataSchema = z
  .strictObject({
    api: podMetadata,
    worker: podMetadata,
    webhooks: podMetadata,
    web: podMetadata,
    "mcp-manager": podMetadata,
    "worker-analytics": podMetadata,
  })
  .prefault({})
  .superRefine((pods, ctx) => {
    // A name this deployment sets would be a duplicate (Helm 4 refuses it, Kubernetes keeps the last).
    for (const component of Object.keys(pods) as Component[]) {
      const own = new Set(envFor(component).map((v) => v.name));
      const seen = new Set<string>();
      pods[component].env.forEach((e, i) => {
        const why = own.has(e.name)
          ? `is set by this deployment for ${component} (contract/kodus-env.ts): change the setting behind it instead`
          : seen.has(e.name)
            ? "is listed twice"
            : undefined;
        if (why) ctx.addIssue({ code: "custom", path: [component, "env", i, "name"], message: why });
        seen.add(e.name);
      });
    }
  });

/** An IPv4 or IPv6 CIDR (a pattern, so the chart's JSON Schema checks it too). */
const cidr = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(3[0-2]|[12]?[0-9])$|^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/,
    {
      error: "must be a CIDR such as 0.0.0.0/0, 10.0.0.0/8 or ::/0",
    },
  );

const TCP_PORT = "must be a TCP port (an integer from 1 to 65535)";
const tcpPort = z.number({ error: TCP_PORT }).int({ error: TCP_PORT }).min(1, { error: TCP_PORT }).max(65535, { error: TCP_PORT });

/** Where the Kodus containers find a private CA bundle (PEM), mounted read-only; NODE_EXTRA_CA_CERTS points at it. */
export const CA_BUNDLE_PATH = "/etc/kodus-ca/ca.crt";
export const caBundleSchema = z.strictObject({
  configMapName: z.string().regex(DNS1123_SUBDOMAIN, { error: "must be a ConfigMap name (DNS-1123 subdomain)" }),
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]{1,253}$/, { error: "must be a ConfigMap key (letters, digits, '-', '_', '.')" })
    .refine((k) => k !== "." && k !== "..", { error: "must be a ConfigMap key (letters, digits, '-', '_', '.')" })
    .default("ca.crt"),
});

/**
 * NetworkPolicies: a default deny (ingress and egress) for every pod of the deployment, then
 * only what Kodus needs: DNS, HTTPS to Chutes (and git providers), the data stores, the
 * in-deployment paths, and web/webhooks from the ingress controller.
 */
export const networkPolicySchema = z
  .strictObject({
    // Opt-in: a default deny can break clusters whose DNS or egress differs from the defaults below.
    defaultDeny: z.boolean({ error: "must be true or false" }).default(false),
    ingressController: z
      .strictObject({
        // Unset: web and webhooks accept connections from anywhere (no controller known).
        namespace: z.string().regex(DNS1123_LABEL, { error: "must be a namespace name (DNS-1123 label)" }).optional(),
        // Only with namespace: pod labels alone would match pods of the release's own namespace only.
        podLabels: labelsSchema.optional(),
      })
      .prefault({})
      .refine((c) => c.podLabels === undefined || c.namespace !== undefined, {
        error: "is required with podLabels (the controller runs in its own namespace)",
        path: ["namespace"],
      })
      .meta({ dependentRequired: { podLabels: ["namespace"] } }),
    egress: z
      .strictObject({
        // CIDRs the pods may reach over HTTPS (Chutes, git providers); cluster-internal ranges are not excluded.
        httpsCidrs: z.array(cidr).default(["0.0.0.0/0", "::/0"]),
        // Where external data stores live (their ports are allowed only to these ranges).
        dataStoreCidrs: z.array(cidr).default(["0.0.0.0/0", "::/0"]),
        dnsNamespace: z.string().regex(DNS1123_LABEL).default("kube-system"),
        // More egress past the default deny: a git server or proxy on its own ports (TCP).
        extra: z
          .array(
            z.strictObject({
              cidr,
              ports: z.array(tcpPort).min(1, { error: "must list at least one TCP port (1-65535)" }),
            }),
          )
          .default([]),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    llm: llmSchema,
    kodus: kodusSchema,
    docker: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(true),
        host: z
          .string()
          .regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, {
            error: "must be a Docker host URL such as unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host",
            abort: true,
          })
          .regex(NO_PASSWORD, { error: "must not contain a password (user:password@): use an SSH key or TLS certificates" })
          .optional(),
        bindAddress: z.union([z.ipv4(), z.ipv6()], { error: "must be an IP address such as 0.0.0.0 or 127.0.0.1" }).default("0.0.0.0"),
        ports: z
          .strictObject({ api: port.default(3001), web: port.default(3000), webhooks: port.default(3332) })
          .prefault({})
          .refine((p) => new Set([p.api, p.web, p.webhooks]).size === 3, { error: "api, web and webhooks must be different ports" }),
        // Memory limit of the RabbitMQ container, also the memory RabbitMQ plans its alarms with.
        rabbitmqMemory: z
          .string()
          .regex(/^[0-9]+(Mi|Gi)$/, { error: 'must be a whole number of Mi or Gi such as "1Gi" or "1536Mi"' })
          .refine((q) => parseInt(q, 10) * (q.endsWith("Gi") ? 1024 : 1) >= 256, { error: "must be at least 256Mi" })
          .default("1Gi"),
        // A private CA's PEM bundle on the Docker host (which may be remote: ssh://), bind-mounted
        // read-only into the Kodus containers.
        caBundleHostPath: z
          .string()
          .regex(/^\/[^\0\s,:]+$/, { error: "must be an absolute path on the Docker host, without spaces, commas or colons" })
          .optional(),
      })
      .prefault({}),
    kubernetes: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(true),
        namespace: z
          .string()
          .regex(DNS1123_LABEL, { error: "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)" })
          .default("kodus"),
        createNamespace: z.boolean({ error: "must be true or false" }).default(true),
        kubeconfig: z.strictObject({ path: z.string().min(1).optional(), context: z.string().min(1).optional() }).prefault({}),
        replicas: replicasSchema,
        resources: componentResourcesSchema,
        secrets: secretsSchema,
        dataStores: dataStoresSchema,
        autoscaling: z.strictObject({ api: autoscaleSchema(2, 6), worker: autoscaleSchema(2, 6, WORKER_SCALE_DOWN) }).prefault({}),
        scaleLimits: scaleLimitsSchema,
        ingress: ingressSchema,
        rolloutTimeoutSeconds: positiveInt(3600).default(600),
        scheduling: schedulingSchema,
        images: imagesSchema,
        pods: podMetadataSchema,
        networkPolicy: networkPolicySchema,
        podSecurity: podSecuritySchema,
        // A private CA (a self-hosted GitLab or Bitbucket): an existing ConfigMap's key, mounted into every Kodus container.
        caBundle: caBundleSchema.optional(),
      })
      .prefault({}),
    healthcheck: healthcheckSchema,
    /** Names the environment: stacks become <stack>-<environment>, and so do their states. */
    environment: environmentSchema.optional(),
    /** Where Terraform keeps the state (config/state-backend.ts). Default: local files. */
    terraform: terraformSchema,
  })
  .superRefine((c, ctx) => checkStateLocations(c.terraform.backend, c.environment, ctx))
  .superRefine((c, ctx) => checkStateOutsideStack(c.terraform.backend, c.kubernetes, ctx))
  .superRefine((c, ctx) => {
    if (!c.kubernetes.enabled) return;
    for (const p of scaleLimitProblems(c.kubernetes)) ctx.addIssue({ code: "custom", path: ["kubernetes", ...p.path], message: p.message });
  })
  .superRefine((c, ctx) => {
    // kodus.proxy and kubernetes.caBundle set these on every Kodus container: the same name as extra env would be set twice.
    for (const [component, pod] of Object.entries(c.kubernetes.pods)) {
      pod.env.forEach((e, i) => {
        const by =
          c.kodus.proxy && (PROXY_ENV_NAMES as readonly string[]).includes(e.name)
            ? "kodus.proxy"
            : c.kubernetes.caBundle && e.name === "NODE_EXTRA_CA_CERTS"
              ? "kubernetes.caBundle"
              : undefined;
        if (by)
          ctx.addIssue({
            code: "custom",
            path: ["kubernetes", "pods", component, "env", i, "name"],
            message: `is set by ${by}: set it there, or remove ${by}`,
          });
      });
    }
  })
  .superRefine((c, ctx) => {
    if (!c.docker.enabled && !c.kubernetes.enabled) {
      ctx.addIssue({
        code: "custom",
        path: ["docker", "enabled"],
        message: "docker.enabled and kubernetes.enabled are both false: nothing would be deployed; enable at least one stack",
      });
    }
  })
  .superRefine((c, ctx) => {
    // With an Ingress, a localhost public URL is certainly wrong: logins and webhook
    // registration would point at localhost. Unset URLs are derived from the Ingress hosts.
    if (c.kubernetes.enabled && c.kubernetes.ingress.enabled) {
      for (const key of ["publicUrl", "webhooksUrl"] as const) {
        const url = c.kodus[key];
        const host = key === "publicUrl" ? c.kubernetes.ingress.webHost : c.kubernetes.ingress.webhooksHost;
        if (url === undefined && host?.startsWith("*.")) {
          ctx.addIssue({
            code: "custom",
            path: ["kodus", key],
            input: url,
            message: `is required when kubernetes.ingress.${key === "publicUrl" ? "webHost" : "webhooksHost"} is a wildcard (${host}): a public URL cannot be derived from it`,
          });
        }
        if (url !== undefined && LOOPBACK_HOST.test(new URL(url).hostname)) {
          ctx.addIssue({
            code: "custom",
            path: ["kodus", key],
            input: url,
            message: `is a localhost URL while kubernetes.ingress is enabled: set the public URL people and git providers use, or leave it unset to derive it from kubernetes.ingress.${key === "publicUrl" ? "webHost" : "webhooksHost"}`,
          });
        }
      }
    }
    const max = c.llm.maxConcurrentReviews;
    if (max === undefined) return;
    const workers = Math.max(c.docker.enabled ? 1 : 0, c.kubernetes.enabled ? maxWorkers(c.kubernetes) : 0);
    if (max < workers) {
      ctx.addIssue({
        code: "custom",
        path: ["llm", "maxConcurrentReviews"],
        input: max,
        message: `must be at least the largest worker count (${workers}): every worker holds at least one review`,
      });
    }
  });

/**
 * Rules about what the file says rather than what it means after defaults: a replica count
 * written next to an enabled autoscaler would be silently ignored (the HorizontalPodAutoscaler
 * owns the count), so it is rejected. Returns one problem per offending field.
 */
export function inputProblems(input: unknown): { path: string[]; message: string }[] {
  const at = (value: unknown, ...keys: string[]): unknown =>
    keys.reduce<unknown>(
      (v, k) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined),
      value,
    );
  const problems: { path: string[]; message: string }[] = [];
  for (const component of ["api", "worker"] as const) {
    if (
      at(input, "kubernetes", "autoscaling", component, "enabled") === true &&
      at(input, "kubernetes", "replicas", component) !== undefined
    ) {
      problems.push({
        path: ["kubernetes", "replicas", component],
        message: `must not be set while kubernetes.autoscaling.${component}.enabled is true: the autoscaler owns the count (set autoscaling.${component}.minReplicas/maxReplicas instead)`,
      });
    }
  }
  return problems;
}

/**
 * Replica counts and HPA maxima above `scaleLimits` (paths relative to the Kubernetes section
 * or the chart's values): each would need more PostgreSQL connections than max_connections has.
 */
export function scaleLimitProblems(k: {
  replicas: Readonly<Record<PgClientComponent, number>>;
  autoscaling: Readonly<Partial<Record<PgClientComponent, { enabled: boolean; maxReplicas: number }>>>;
  scaleLimits: Readonly<Record<PgClientComponent, number>>;
}): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const why = (c: string, limit: number) =>
    `must not exceed scaleLimits.${c} (${limit}): PostgreSQL's max_connections is sized for at most that many pods; raise scaleLimits.${c} too (that changes max_connections, which restarts a bundled PostgreSQL once)`;
  for (const c of PG_CLIENT_COMPONENTS) {
    const a = k.autoscaling[c];
    const limit = k.scaleLimits[c];
    if (a?.enabled) {
      if (a.maxReplicas > limit) problems.push({ path: ["autoscaling", c, "maxReplicas"], message: why(c, limit) });
    } else if (k.replicas[c] > limit) problems.push({ path: ["replicas", c], message: why(c, limit) });
  }
  return problems;
}

/** The highest number of code-review workers the Kubernetes stack may run. */
export function maxWorkers(k: {
  replicas: { worker: number };
  autoscaling: { worker: { enabled: boolean; maxReplicas: number } };
}): number {
  return k.autoscaling.worker.enabled ? k.autoscaling.worker.maxReplicas : k.replicas.worker;
}

/** What a config file may contain (all optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The parsed, defaulted, frozen configuration every stack receives. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
