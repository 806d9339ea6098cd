/**
 * The Kodus environment contract: every variable the Kodus containers receive, where its value
 * comes from, which components get it, and whether it is secret. The Docker stack, the
 * Kubernetes stack and the Helm chart (through its generated files/contract.json, npm run
 * chart:contract) all read this one definition.
 *
 * Plain values are computed from {@link KodusEnvSettings}, which each stack fills from the
 * config and its own topology (host names differ between Docker and Kubernetes). Secret
 * variables carry no value here: each stack supplies them from its secret store under the
 * variable's own name (see contract/secrets.ts).
 */

import type { Config } from "../config/schema";

import { BACKEND, KODUS_COMPONENTS, KODUS_PORTS, type Component } from "./components";
import { CHUTES_KEY_ENV } from "./secrets";

export { COMPONENTS, type Component } from "./components";

/**
 * Components that call the LLM and therefore need Fixed Mode and the Chutes key: the API and the
 * worker load Kodus' LLM module. The webhooks service does not (its module imports no LLM module;
 * nothing it loads reads the key or the model), so the internet-facing container never holds the key.
 */
export const LLM_COMPONENTS: readonly Component[] = ["api", "worker", "worker-analytics"];
/**
 * Components that sign or verify Kodus' JWTs: the API (logins, refresh) and the worker (it signs
 * the tokens it sends to the MCP manager; the analytics worker is the same program). The
 * webhooks service registers no JWT strategy: its routes are public and it never reads
 * API_JWT_SECRET or API_JWT_REFRESH_SECRET.
 */
const JWT_COMPONENTS: readonly Component[] = ["api", "worker", "worker-analytics"];
/** The worker image's two roles. */
const WORKERS: readonly Component[] = ["worker", "worker-analytics"];
/** Everything that connects to PostgreSQL: the Kodus back end and the MCP manager (its own schema). */
const POSTGRES_CLIENTS: readonly Component[] = [...BACKEND, "mcp-manager"];
/** Who calls the MCP manager (and the MCP server the API serves). */
const MCP_CALLERS: readonly Component[] = ["api", "worker"];
const WEB: readonly Component[] = ["web"];

/** The role the code-review worker must be given; the worker refuses to boot without one. */
export const WORKER_ROLE = KODUS_COMPONENTS.worker.ownEnv.WORKER_ROLE;

/** Set on the one component (or Job) that migrates and seeds the database; everyone else gets "false". */
export const MIGRATOR_ENV = { RUN_MIGRATIONS: "true", RUN_SEEDS: "true" } as const;

/** Git providers' webhook variables and the path the webhooks server mounts each one at (after kodus.webhooksUrl). */
export const WEBHOOK_PATHS = {
  API_GITHUB_CODE_MANAGEMENT_WEBHOOK: "/github/webhook",
  API_GITLAB_CODE_MANAGEMENT_WEBHOOK: "/gitlab/webhook",
  GLOBAL_BITBUCKET_CODE_MANAGEMENT_WEBHOOK: "/bitbucket/webhook",
  GLOBAL_AZURE_REPOS_CODE_MANAGEMENT_WEBHOOK: "/azure-repos/webhook",
  API_FORGEJO_CODE_MANAGEMENT_WEBHOOK: "/forgejo/webhook",
} as const;

/** Where the API serves its MCP tools, and the web page the MCP manager's OAuth set-up returns to. */
export const MCP_PATHS = { server: "/mcp", oauthRedirect: "/setup/mcp/oauth" } as const;

/**
 * Lifetimes of the API's access and refresh tokens. Releases before kodus-ai 03de692d
 * (2026-05-18) break login when they are unset; later ones default to 1d / 7d. The official
 * installer sets 365d / 7d; a one-year access token stays valid for a year if it leaks, and the
 * web renews its access token with the refresh token, so Kodus' own 1 day costs users nothing.
 */
export const JWT_LIFETIMES = { API_JWT_EXPIRES_IN: "1d", API_JWT_REFRESH_EXPIRES_IN: "7d" } as const;

/** Everything the plain variables are computed from. */
export interface KodusEnvSettings {
  readonly llm: {
    readonly model: string;
    readonly baseUrl: string;
    readonly temperature?: number;
    /** Reviews one worker takes at once (WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH); unset keeps Kodus' default of 20. */
    readonly codeReviewPrefetch?: number;
    /** List baseUrl in API_TRUST_JSON_SCHEMA_BASE_URLS (llm.structuredOutput). @default true */
    readonly structuredOutput?: boolean;
    /** OPENAI_BASE_URL = baseUrl (llm.keepOpenAIClientsOnChutes). @default true */
    readonly keepOpenAIClientsOnChutes?: boolean;
  };
  /** Public URL of the web UI. */
  readonly publicUrl: string;
  /** KODUS_TELEMETRY_DISABLED (the worker's daily anonymous heartbeat). @default false */
  readonly telemetryDisabled?: boolean;
  /** Public base URL that git providers call (the webhooks service). */
  readonly webhooksUrl: string;
  /** Host name the web container uses to reach the API server-side. */
  readonly apiHost: string;
  readonly workerDrainTimeoutMs: number;
  readonly postgres: {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly username: string;
    readonly disableSsl: boolean;
  };
  readonly mongodb: { readonly host: string; readonly port: number; readonly database: string; readonly username: string };
  /** Host name of the MCP manager; unset when it is off (the MCP variables are then left out). */
  readonly mcpManagerHost?: string;
  /** E-mail of notifications (kodus.email); unset: Kodus' default (Resend, when RESEND_API_KEY is given). */
  readonly email?: {
    readonly provider: "resend" | "smtp";
    readonly smtp?: {
      readonly host: string;
      readonly port: number;
      readonly secure: boolean;
      readonly user?: string;
      readonly from?: string;
    };
  };
}

interface EnvVarBase {
  readonly name: string;
  readonly components: readonly Component[];
  readonly description: string;
}
export interface PlainEnvVar extends EnvVarBase {
  readonly secret: false;
  /** The value when it never depends on the settings (the chart reads it from files/contract.json). */
  readonly constant?: string;
  /** The value, or undefined to leave the variable unset. */
  readonly value: (s: KodusEnvSettings) => string | undefined;
  /** Unset when its setting is (value gives undefined): the chart may leave it out too. */
  readonly optional?: boolean;
}
export interface SecretEnvVar extends EnvVarBase {
  readonly secret: true;
  /** Optional: empty when its input is not given (Kodus then ignores it); a Secret you manage may leave the key out. */
  readonly optional?: boolean;
}
export type EnvVarSpec = PlainEnvVar | SecretEnvVar;

const plain = (name: string, components: readonly Component[], description: string, value: PlainEnvVar["value"]): PlainEnvVar => ({
  name,
  components,
  description,
  secret: false,
  value,
});
/** A plain variable some settings leave unset (a feature off, a setting not given). */
const unsetWhenOff = (v: PlainEnvVar): PlainEnvVar => ({ ...v, optional: true });
const constant = (name: string, components: readonly Component[], value: string, description = "constant"): PlainEnvVar => ({
  ...plain(name, components, description, () => value),
  constant: value,
});
const secret = (name: string, components: readonly Component[], description: string, optional?: true): SecretEnvVar => ({
  name,
  components,
  description,
  secret: true,
  ...(optional ? { optional } : {}),
});

export const KODUS_ENV: readonly EnvVarSpec[] = [
  // --- Fixed Mode: one global provider (Chutes) ---
  plain("API_LLM_PROVIDER_MODEL", LLM_COMPONENTS, "llm.model (Fixed Mode)", (s) => s.llm.model),
  plain(
    "API_OPENAI_FORCE_BASE_URL",
    LLM_COMPONENTS,
    "llm.baseUrl (Fixed Mode; any non-Anthropic URL selects the OpenAI-compatible client)",
    (s) => s.llm.baseUrl,
  ),
  secret(CHUTES_KEY_ENV, LLM_COMPONENTS, "the Chutes API key (Fixed Mode)"),
  // Every component that holds the key: OpenAI SDK clients Kodus builds without a base URL read
  // OPENAI_BASE_URL (openai 6.38.0 src/client.ts constructor; @ai-sdk/openai 3.0.64 createOpenAI).
  // Kodus' learning-from-feedback embeddings (langchainCommon/document.ts: OpenAIEmbeddings,
  // text-embedding-3-small, API_OPEN_AI_API_KEY, no base URL) would otherwise send the Chutes key
  // to api.openai.com. Also reaches an organization's BYOK "OpenAI" provider saved without a base
  // URL (docs/configuration.md); llm.keepOpenAIClientsOnChutes: false leaves it unset.
  unsetWhenOff(
    plain(
      "OPENAI_BASE_URL",
      LLM_COMPONENTS,
      "llm.baseUrl unless llm.keepOpenAIClientsOnChutes is false: OpenAI SDK clients built without a base URL stay on Chutes",
      (s) => (s.llm.keepOpenAIClientsOnChutes === false ? undefined : s.llm.baseUrl),
    ),
  ),
  // Kodus splits it on ",", trims, and trusts a provider base URL that contains an entry
  // (String.includes; byok-to-vercel.ts shouldEnableJsonSchema): llm.baseUrl has no comma.
  unsetWhenOff(
    plain(
      "API_TRUST_JSON_SCHEMA_BASE_URLS",
      LLM_COMPONENTS,
      "llm.baseUrl when llm.structuredOutput: base URLs trusted with json_schema structured output",
      (s) => (s.llm.structuredOutput === false ? undefined : s.llm.baseUrl),
    ),
  ),
  // Kodus reads it only on its LangChain path (llmModelProvider.service.ts): the agent review
  // engine self-hosted Kodus uses by default builds its env-mode model without a temperature,
  // and a BYOK provider ignores it. It does not change the temperature of code reviews.
  unsetWhenOff(
    plain(
      "API_LLM_TEMPERATURE_OVERRIDE",
      LLM_COMPONENTS,
      "llm.temperature (LangChain path only; not the default agent review engine)",
      (s) => (s.llm.temperature === undefined ? undefined : String(s.llm.temperature)),
    ),
  ),
  unsetWhenOff(
    plain("WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH", ["worker"], "reviews in flight per worker, from llm.maxConcurrentReviews", (s) =>
      s.llm.codeReviewPrefetch === undefined ? undefined : String(s.llm.codeReviewPrefetch),
    ),
  ),

  // --- Runtime ---
  constant("NODE_ENV", [...BACKEND, "mcp-manager"], "production"),
  constant("API_NODE_ENV", BACKEND, "production"),
  // Informational only: Kodus fixes cloud mode when the image is built (environment.template.ts)
  // and the entrypoint merely prints this value. Set as the official chart does; changing it
  // changes nothing.
  constant("API_CLOUD_MODE", BACKEND, "false", "fixed at image build time; the entrypoint only prints it"),
  constant("API_HOST", BACKEND, "0.0.0.0"),
  constant("API_PORT", BACKEND, String(KODUS_PORTS.api)),
  constant("API_WEBHOOKS_PORT", BACKEND, String(KODUS_PORTS.webhooks)),
  constant("API_DATABASE_ENV", BACKEND, "production"),
  constant("RUN_MIGRATIONS", BACKEND, "false", "only the migrator runs migrations (MIGRATOR_ENV)"),
  constant("RUN_SEEDS", BACKEND, "false", "only the migrator seeds (MIGRATOR_ENV)"),
  // WORKER_ROLE is each worker's own (contract/components.ts, ownEnv).
  plain("API_WORKER_DRAIN_TIMEOUT_MS", WORKERS, "kodus.workerDrainTimeoutMs", (s) => String(s.workerDrainTimeoutMs)),
  plain("API_FRONTEND_URL", BACKEND, "kodus.publicUrl", (s) => s.publicUrl),
  // Dashboard links in PR comments and e-mails (invites, password resets); unset, they point at
  // Kodus' cloud app.
  plain("API_USER_INVITE_BASE_URL", BACKEND, "kodus.publicUrl (links in PR comments and e-mails)", (s) => s.publicUrl),
  plain("KODUS_TELEMETRY_DISABLED", BACKEND, "kodus.telemetryDisabled (the worker's daily anonymous heartbeat)", (s) =>
    String(s.telemetryDisabled ?? false),
  ),
  ...Object.entries(WEBHOOK_PATHS).map(([name, path]) =>
    plain(name, BACKEND, `kodus.webhooksUrl + ${path}`, (s) => `${s.webhooksUrl}${path}`),
  ),

  // --- Kodus internal secrets ---
  // The web never reads the JWT secrets (it signs its own session with NEXTAUTH_SECRET), nor do the webhooks.
  secret("API_JWT_SECRET", JWT_COMPONENTS, "32 random bytes, base64"),
  secret("API_JWT_REFRESH_SECRET", JWT_COMPONENTS, "32 random bytes, base64"),
  ...Object.entries(JWT_LIFETIMES).map(([name, value]) => constant(name, JWT_COMPONENTS, value, "token lifetime (JWT_LIFETIMES)")),
  secret("API_CRYPTO_KEY", BACKEND, "32 bytes as 64 hex characters"),
  secret("CODE_MANAGEMENT_SECRET", BACKEND, "32 bytes as 64 hex characters"),
  secret("CODE_MANAGEMENT_WEBHOOK_TOKEN", BACKEND, "32 random bytes, base64url"),

  // --- Data stores ---
  plain("API_PG_DB_HOST", POSTGRES_CLIENTS, "PostgreSQL host", (s) => s.postgres.host),
  plain("API_PG_DB_PORT", POSTGRES_CLIENTS, "PostgreSQL port", (s) => String(s.postgres.port)),
  plain("API_PG_DB_USERNAME", POSTGRES_CLIENTS, "PostgreSQL user", (s) => s.postgres.username),
  plain("API_PG_DB_DATABASE", POSTGRES_CLIENTS, "PostgreSQL database", (s) => s.postgres.database),
  plain("API_DATABASE_DISABLE_SSL", POSTGRES_CLIENTS, "true when PostgreSQL has no TLS", (s) => String(s.postgres.disableSsl)),
  secret("API_PG_DB_PASSWORD", POSTGRES_CLIENTS, "PostgreSQL password"),
  plain("API_MG_DB_HOST", BACKEND, "MongoDB host", (s) => s.mongodb.host),
  plain("API_MG_DB_PORT", BACKEND, "MongoDB port", (s) => String(s.mongodb.port)),
  plain("API_MG_DB_USERNAME", BACKEND, "MongoDB user", (s) => s.mongodb.username),
  plain("API_MG_DB_DATABASE", BACKEND, "MongoDB database", (s) => s.mongodb.database),
  secret("API_MG_DB_PASSWORD", BACKEND, "MongoDB password"),
  // A whole connection string (mongodb+srv://, tls=true, authSource ...): Kodus then ignores API_MG_DB_*.
  secret("MONGODB_URI", BACKEND, "MongoDB connection string (secret input mongodb_uri); empty: built from API_MG_DB_*", true),
  secret("API_RABBITMQ_URI", BACKEND, "amqp://user:password@host:5672/kodus-ai (holds the RabbitMQ password)"),
  constant("API_RABBITMQ_ENABLED", BACKEND, "true"),
  constant("API_RABBITMQ_WAIT", BACKEND, "true"),

  // --- E-mail (libs/notifications, libs/common/email) ---
  // Invitations, password resets and e-mail confirmations always go through Resend; notifications
  // through API_NOTIFICATION_EMAIL_PROVIDER (resend by default, or smtp).
  secret("RESEND_API_KEY", BACKEND, "Resend API key (secret input resend_api_key); empty: Kodus sends no e-mail through Resend", true),
  unsetWhenOff(plain("API_NOTIFICATION_EMAIL_PROVIDER", BACKEND, "kodus.email.provider", (s) => s.email?.provider)),
  unsetWhenOff(plain("API_SMTP_HOST", BACKEND, "kodus.email.smtp.host", (s) => s.email?.smtp?.host)),
  unsetWhenOff(plain("API_SMTP_PORT", BACKEND, "kodus.email.smtp.port", (s) => (s.email?.smtp ? String(s.email.smtp.port) : undefined))),
  unsetWhenOff(
    plain("API_SMTP_SECURE", BACKEND, "kodus.email.smtp.secure (TLS from the first byte, port 465)", (s) =>
      s.email?.smtp ? String(s.email.smtp.secure) : undefined,
    ),
  ),
  unsetWhenOff(plain("API_SMTP_USER", BACKEND, "kodus.email.smtp.user", (s) => s.email?.smtp?.user)),
  unsetWhenOff(plain("API_SMTP_FROM", BACKEND, "kodus.email.smtp.from", (s) => s.email?.smtp?.from)),
  secret("API_SMTP_PASS", BACKEND, "SMTP password (secret input smtp_password)", true),

  // --- MCP (only with the MCP manager on, as the official chart sets them) ---
  unsetWhenOff(
    plain("API_MCP_SERVER_ENABLED", ["api"], "true with the MCP manager: the API serves the MCP tools it lists under /mcp", (s) =>
      s.mcpManagerHost === undefined ? undefined : "true",
    ),
  ),
  unsetWhenOff(
    plain("API_KODUS_SERVICE_MCP_MANAGER", MCP_CALLERS, "the MCP manager's internal URL", (s) =>
      s.mcpManagerHost === undefined ? undefined : `http://${s.mcpManagerHost}:${KODUS_PORTS["mcp-manager"]}`,
    ),
  ),
  unsetWhenOff(
    plain("API_KODUS_MCP_SERVER_URL", [...MCP_CALLERS, "mcp-manager"], "the API's MCP server (internal URL)", (s) =>
      s.mcpManagerHost === undefined ? undefined : `http://${s.apiHost}:${KODUS_PORTS.api}${MCP_PATHS.server}`,
    ),
  ),
  unsetWhenOff(
    plain("WEB_HOSTNAME_MCP_MANAGER", ["web"], "the MCP manager's host (the web proxies to it server-side)", (s) => s.mcpManagerHost),
  ),
  unsetWhenOff(
    plain("WEB_PORT_MCP_MANAGER", ["web"], "the MCP manager's port", (s) =>
      s.mcpManagerHost === undefined ? undefined : String(KODUS_PORTS["mcp-manager"]),
    ),
  ),
  // The MCP manager's own settings (apps/mcp-manager/src).
  constant("API_MCP_MANAGER_PORT", ["mcp-manager"], String(KODUS_PORTS["mcp-manager"])),
  // production: TLS to PostgreSQL unless API_DATABASE_DISABLE_SSL=true, quieter logs.
  constant("API_MCP_MANAGER_NODE_ENV", ["mcp-manager"], "production"),
  constant("API_MCP_MANAGER_DATABASE_ENV", ["mcp-manager"], "production"),
  constant("API_MCP_MANAGER_MCP_PROVIDERS", ["mcp-manager"], "kodusmcp,custom"),
  plain(
    "API_MCP_MANAGER_REDIRECT_URI",
    ["mcp-manager"],
    `kodus.publicUrl + ${MCP_PATHS.oauthRedirect} (OAuth set-up in the browser)`,
    (s) => `${s.publicUrl}${MCP_PATHS.oauthRedirect}`,
  ),
  plain(
    "API_MCP_MANAGER_CORS_ORIGINS",
    ["mcp-manager"],
    "the origin of kodus.publicUrl (the official chart's default)",
    (s) => new URL(s.publicUrl).origin,
  ),
  secret("API_MCP_MANAGER_ENCRYPTION_SECRET", ["mcp-manager"], "32 random bytes, base64 (encrypts the MCP credentials it stores)"),

  // --- Web ---
  constant("WEB_NODE_ENV", WEB, "self-hosted"),
  plain("WEB_HOSTNAME_API", WEB, "the API's internal host name (the web proxies to it server-side)", (s) => s.apiHost),
  constant("WEB_PORT_API", WEB, String(KODUS_PORTS.api)),
  // No WEB_PORT: the web never reads it; its image listens on PORT=3000.
  // Next.js' standalone server listens on $HOSTNAME, which Docker sets to the container id.
  constant("HOSTNAME", WEB, "0.0.0.0", "listen on every interface (healthchecks use 127.0.0.1)"),
  plain("NEXTAUTH_URL", WEB, "kodus.publicUrl", (s) => s.publicUrl),
  secret("NEXTAUTH_SECRET", WEB, "32 random bytes, base64 (same value as WEB_NEXTAUTH_SECRET)"),
  secret("WEB_NEXTAUTH_SECRET", WEB, "32 random bytes, base64 (same value as NEXTAUTH_SECRET)"),
];

/** The variables one component receives, in contract order, then its own (contract/components.ts ownEnv). */
export function envFor(component: Component): readonly EnvVarSpec[] {
  const own = Object.entries(KODUS_COMPONENTS[component].ownEnv as Readonly<Record<string, string>>).map(([name, value]) =>
    constant(name, [component], value, `${component}'s own`),
  );
  return [...KODUS_ENV.filter((v) => v.components.includes(component)), ...own];
}

/** Plain name → value pairs for one component (unset optional values left out). */
export function plainEnvFor(component: Component, settings: KodusEnvSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of envFor(component)) {
    if (v.secret) continue;
    const value = v.value(settings);
    if (value !== undefined) out[v.name] = value;
  }
  return out;
}

/** Names of the secret variables one component receives. */
export function secretEnvFor(component: Component): string[] {
  return envFor(component)
    .filter((v) => v.secret)
    .map((v) => v.name);
}

/** The optional secret variables (a Secret you manage may leave them out). */
export const OPTIONAL_SECRET_ENV_NAMES: readonly string[] = KODUS_ENV.filter((v) => v.secret && v.optional).map((v) => v.name);

/** Every secret variable name in the contract (the keys of the Kodus Secret). */
export const SECRET_ENV_NAMES: readonly string[] = KODUS_ENV.filter((v) => v.secret).map((v) => v.name);

/** Reviews per worker so that all workers together never hold more than `maxConcurrentReviews`. */
export function codeReviewPrefetch(maxConcurrentReviews: number | undefined, workers: number): number | undefined {
  return maxConcurrentReviews === undefined ? undefined : Math.max(1, Math.floor(maxConcurrentReviews / workers));
}

/** Public URLs when the config leaves them unset and no Ingress provides a host. */
export const DEFAULT_PUBLIC_URLS = { publicUrl: "http://localhost:3000", webhooksUrl: "http://localhost:3332" } as const;

/**
 * The public URLs of one target: the config's when set; on Kubernetes with an Ingress, its
 * hosts (https when the Ingress has a TLS secret); else localhost.
 */
export function kodusUrls(config: Config, target: "docker" | "kubernetes"): { readonly publicUrl: string; readonly webhooksUrl: string } {
  const ingress = config.kubernetes.ingress;
  const fromIngress = target === "kubernetes" && ingress.enabled;
  const scheme = ingress.tlsSecretName ? "https" : "http";
  return {
    publicUrl: config.kodus.publicUrl ?? (fromIngress ? `${scheme}://${ingress.webHost}` : DEFAULT_PUBLIC_URLS.publicUrl),
    webhooksUrl: config.kodus.webhooksUrl ?? (fromIngress ? `${scheme}://${ingress.webhooksHost}` : DEFAULT_PUBLIC_URLS.webhooksUrl),
  };
}

/** What differs between deployment targets: where things run and how many workers there are. */
export interface KodusTopology {
  /** Which stack: decides whether Ingress hosts give the public URLs. */
  readonly target: "docker" | "kubernetes";
  /** The most code-review workers that can run at once (for the prefetch bound). */
  readonly workers: number;
  readonly apiHost: string;
  readonly postgres: KodusEnvSettings["postgres"];
  readonly mongodb: KodusEnvSettings["mongodb"];
  /** The MCP manager's host name on this target (used only when it is enabled). */
  readonly mcpManagerHost: string;
}

/** The settings of the plain variables: the config's, placed on one target's topology. */
export function kodusEnvSettings(config: Config, topology: KodusTopology): KodusEnvSettings {
  return {
    llm: {
      model: config.llm.model,
      baseUrl: config.llm.baseUrl,
      temperature: config.llm.temperature,
      codeReviewPrefetch: codeReviewPrefetch(config.llm.maxConcurrentReviews, topology.workers),
      structuredOutput: config.llm.structuredOutput,
      keepOpenAIClientsOnChutes: config.llm.keepOpenAIClientsOnChutes,
    },
    ...kodusUrls(config, topology.target),
    telemetryDisabled: config.kodus.telemetryDisabled,
    apiHost: topology.apiHost,
    workerDrainTimeoutMs: config.kodus.workerDrainTimeoutMs,
    postgres: topology.postgres,
    mongodb: topology.mongodb,
    mcpManagerHost: config.kodus.components["mcp-manager"].enabled ? topology.mcpManagerHost : undefined,
    email: config.kodus.email,
  };
}
