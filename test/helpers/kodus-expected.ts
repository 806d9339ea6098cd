/**
 * What Kodus needs, written out by hand for the tests, independently of contract/ (a test that
 * reads its expectation back from the code under test cannot fail when that code is wrong).
 * When Kodus' needs really change, change this file and the contract together.
 */

/** The secret environment variables each component must receive, and only these. */
export const EXPECTED_SECRET_ENV = {
  // API, worker and webhooks: Fixed Mode key, JWT, crypto, code-management secrets, data-store credentials.
  api: [
    "API_OPEN_AI_API_KEY",
    "API_JWT_SECRET",
    "API_JWT_REFRESH_SECRET",
    "API_CRYPTO_KEY",
    "CODE_MANAGEMENT_SECRET",
    "CODE_MANAGEMENT_WEBHOOK_TOKEN",
    "API_PG_DB_PASSWORD",
    "API_MG_DB_PASSWORD",
    "API_RABBITMQ_URI",
  ],
  worker: [
    "API_OPEN_AI_API_KEY",
    "API_JWT_SECRET",
    "API_JWT_REFRESH_SECRET",
    "API_CRYPTO_KEY",
    "CODE_MANAGEMENT_SECRET",
    "CODE_MANAGEMENT_WEBHOOK_TOKEN",
    "API_PG_DB_PASSWORD",
    "API_MG_DB_PASSWORD",
    "API_RABBITMQ_URI",
  ],
  webhooks: [
    "API_OPEN_AI_API_KEY",
    "API_JWT_SECRET",
    "API_JWT_REFRESH_SECRET",
    "API_CRYPTO_KEY",
    "CODE_MANAGEMENT_SECRET",
    "CODE_MANAGEMENT_WEBHOOK_TOKEN",
    "API_PG_DB_PASSWORD",
    "API_MG_DB_PASSWORD",
    "API_RABBITMQ_URI",
  ],
  // The web: its session secrets only; never the LLM key, the crypto key or data-store
  // credentials, and not the API's JWT secrets (apps/web never reads them).
  web: ["NEXTAUTH_SECRET", "WEB_NEXTAUTH_SECRET"],
} as const;

/** The Terraform variable each secret env var is built from (NEXTAUTH_SECRET and WEB_NEXTAUTH_SECRET share one value). */
export const EXPECTED_SECRET_VARIABLE: Record<string, string> = {
  API_OPEN_AI_API_KEY: "chutes_api_key",
  API_JWT_SECRET: "api_jwt_secret",
  API_JWT_REFRESH_SECRET: "api_jwt_refresh_secret",
  API_CRYPTO_KEY: "api_crypto_key",
  CODE_MANAGEMENT_SECRET: "code_management_secret",
  CODE_MANAGEMENT_WEBHOOK_TOKEN: "code_management_webhook_token",
  API_PG_DB_PASSWORD: "postgres_password",
  API_MG_DB_PASSWORD: "mongodb_password",
  NEXTAUTH_SECRET: "nextauth_secret",
  WEB_NEXTAUTH_SECRET: "nextauth_secret",
};

/** Every sensitive input variable of a stack that manages the secrets. */
export const EXPECTED_SECRET_INPUTS = [
  "chutes_api_key",
  "api_jwt_secret",
  "api_jwt_refresh_secret",
  "nextauth_secret",
  "api_crypto_key",
  "code_management_secret",
  "code_management_webhook_token",
  "postgres_password",
  "mongodb_password",
  "rabbitmq_password",
] as const;

/**
 * What each Kodus image needs to run, read from Kodus' own source and charts (the ports its
 * servers listen on, their health routes), stated here independently of contract/components.ts.
 */
export const EXPECTED_COMPONENTS = {
  api: { image: "ghcr.io/kodustech/kodus-ai-api", port: 3001, liveness: "/health/simple", readiness: "/health", startupSeconds: 150 },
  worker: { image: "ghcr.io/kodustech/kodus-ai-worker", port: 3334, liveness: "/health", readiness: "/health", startupSeconds: 180 },
  webhooks: {
    image: "ghcr.io/kodustech/kodus-ai-webhook",
    port: 3332,
    liveness: "/health/live",
    readiness: "/health/ready",
    startupSeconds: 150,
  },
  web: { image: "ghcr.io/kodustech/kodus-ai-web", port: 3000, liveness: "/api/health", readiness: "/api/health", startupSeconds: 150 },
} as const;

/**
 * PostgreSQL connections one process opens, per component, as Kodus' source sets them (read in
 * a-nasstrom/kodus-ai at commit a1051fafbd4ca63e3020c36f8b87c76a3b75653e, 2026-06-24):
 * - apps/api/src/api.module.ts: `SharedPostgresModule.forRoot({ poolSize: 25 })` and
 *   `AnalyticsWarehouseModule.forRoot()`, whose data source has `ANALYTICS_PG_POOL_MAX ?? '5'`
 *   (libs/ee/analytics-warehouse/infrastructure/typeORM.factory.ts): 25 + 5;
 * - apps/worker/src/worker.module.ts, code-review role: `poolSize: 12`;
 * - apps/webhooks/src/modules/webhook-handler.module.ts: `poolSize: 8`.
 * libs/shared/database/shared-postgres.module.ts overrides the TypeORM factory's `max` (30/60/30,
 * the figures an earlier audit took) with poolSize.
 */
export const EXPECTED_PG_CONNECTIONS_PER_POD = { api: 25 + 5, worker: 12, webhooks: 8 } as const;
/** Free connections beyond the pools (superuser slots, probes, an operator's psql). */
export const EXPECTED_PG_HEADROOM = 20;
/** PostgreSQL's default max_connections (postgresql.conf.sample): never configure less. */
export const EXPECTED_PG_DEFAULT_MAX_CONNECTIONS = 100;
/** The chart's and the Kubernetes stack's default scaleLimits (the most pods of each). */
export const EXPECTED_DEFAULT_SCALE_LIMITS = { api: 6, worker: 6, webhooks: 4 } as const;
/**
 * Kodus' LLM clients, read in kodus-ai a1051fafbd4ca63e3020c36f8b87c76a3b75653e (2026-06-24, the
 * newest 2026 code readable; the variable exists since 3a24391c4, 2026-05-19):
 * - API_TRUST_JSON_SCHEMA_BASE_URLS (libs/code-review/infrastructure/agents/llm/byok-to-vercel.ts,
 *   shouldEnableJsonSchema): `allowList.split(',').map((s) => s.trim()).filter(Boolean)`, then a
 *   provider's base URL is trusted when `baseURL.includes(needle)` for some entry.
 * - OPENAI_BASE_URL: every component holding API_OPEN_AI_API_KEY; OpenAI SDK clients built
 *   without a base URL read it (libs/common/utils/langchainCommon/document.ts builds the
 *   learning-from-feedback OpenAIEmbeddings that way; openai 6.38.0 client.js constructor
 *   `baseURL = readEnv('OPENAI_BASE_URL')`, @langchain/openai 1.4.5 embeddings.js drops an unset
 *   baseURL before `new OpenAI(params)`, versions from that commit's pnpm-lock.yaml).
 * Per component, the two variables and the value each must have (the LLM base URL), or none.
 */
export const EXPECTED_LLM_CLIENT_ENV = {
  api: ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"],
  worker: ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"],
  webhooks: ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"],
  web: [],
} as const;

/** Kodus' own reading of API_TRUST_JSON_SCHEMA_BASE_URLS (byok-to-vercel.ts above), restated for the tests. */
export function kodusTrustsJsonSchema(allowList: string | undefined, baseURL: string): boolean {
  if (!allowList) return false;
  const needles = allowList
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return needles.some((needle) => baseURL.includes(needle));
}
