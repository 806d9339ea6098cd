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
  // The webhooks service (internet-facing): no Chutes key, no JWT secrets. Read in Kodus' source
  // (a-nasstrom/kodus-ai a1051fafb) by following every import from apps/webhooks/src/main.ts:
  // webhook-handler.module.ts loads no LLM module; of the files it reaches, only
  // libs/common/utils/langchainCommon/document.ts names API_OPEN_AI_API_KEY, and the webhooks
  // import just its estimateTokenCount (no key); JwtAuthGuard is global but no JWT strategy is
  // registered (the webhook routes are public), so the JWT secrets are never read. It does read:
  // API_CRYPTO_KEY (libs/common/utils/crypto.ts reads it when loaded, and crashes without it),
  // CODE_MANAGEMENT_SECRET and CODE_MANAGEMENT_WEBHOOK_TOKEN (azureRepos.controller.ts through
  // webhookTokenCrypto.ts), PostgreSQL (webhook-handler.module.ts), MongoDB
  // (ObservabilityService.init('webhooks') in apps/webhooks/src/main.ts) and RabbitMQ.
  webhooks: [
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
  // The MCP manager (apps/mcp-manager/src, a-nasstrom/kodus-ai a1051fafb) reads only
  // API_PG_DB_* of the data stores (config/typeorm.config.ts throws without them) and its
  // encryption key (common/utils/encryption.ts throws "Missing encryption configuration"
  // without it). It reads API_MCP_MANAGER_JWT_SECRET into JwtModule but its AuthGuard only
  // decodes tokens (common/guards/auth.guard.ts: jwtService.decode, never verify): the secret
  // changes nothing, so it is not given.
  "mcp-manager": ["API_PG_DB_PASSWORD", "API_MCP_MANAGER_ENCRYPTION_SECRET"],
  // The analytics worker is the worker program (same image, apps/worker/src/worker.module.ts
  // picks modules by WORKER_ROLE): it loads the LLM module too (a pull-request classifier) and
  // uses PostgreSQL, MongoDB and RabbitMQ (one idle connection).
  "worker-analytics": [
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
  API_MCP_MANAGER_ENCRYPTION_SECRET: "mcp_manager_encryption_secret",
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
  // Declared only while the MCP manager is enabled (it is by default).
  "mcp_manager_encryption_secret",
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
  // kodustech/kodus-installer 5480db5: docker-compose.yml (service kodus-mcp-manager, image
  // ghcr.io/kodustech/kodus-mcp-manager:${IMAGE_TAG}, port ${API_MCP_MANAGER_PORT:-3101}) and
  // charts/kodus/values.yaml (services.mcp-manager: port 3101, probes.path /health). In
  // kodus-ai a1051fafb: apps/mcp-manager/src/main.ts listens on API_MCP_MANAGER_PORT || 3101 on
  // 0.0.0.0; health/health.controller.ts serves GET /health.
  "mcp-manager": {
    image: "ghcr.io/kodustech/kodus-mcp-manager",
    port: 3101,
    liveness: "/health",
    readiness: "/health",
    startupSeconds: 150,
  },
  // The worker image again (compose service worker-analytics, chart services.worker-analytics,
  // both WORKER_ROLE=analytics): apps/worker/src/health-probe.ts on WORKER_HEALTH_PORT 3334,
  // /health; main.ts does not require AMQP for this role.
  "worker-analytics": {
    image: "ghcr.io/kodustech/kodus-ai-worker",
    port: 3334,
    liveness: "/health",
    readiness: "/health",
    startupSeconds: 180,
  },
} as const;

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
 * The webhooks service holds no key (it does not load Kodus' LLM module), so it gets neither.
 */
export const EXPECTED_LLM_CLIENT_ENV = {
  api: ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"],
  worker: ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"],
  webhooks: [],
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

/**
 * The two components the official installer adds, as its compose file, its chart and Kodus'
 * source describe them (sources as above; docker/Dockerfile and docker/prod-entrypoint-
 * mcp-manager.sh in kodus-ai a1051fafb). `enabledByDefault`: the official default this project
 * follows (compose runs the MCP manager always and the analytics worker only under the opt-in
 * `analytics` profile; the chart turns both on).
 */
export const EXPECTED_OPTIONAL_COMPONENTS = {
  "mcp-manager": {
    enabledByDefault: true,
    // ENTRYPOINT prod-entrypoint-mcp-manager: ensure-schema + migrations (advisory lock) on
    // every start, then CMD node dist/apps/mcp-manager/main.js; user 1000.
    migratesItself: true,
    dataStores: ["postgres"],
    // The API and the worker call it (libs/core/infrastructure/config/axios/microservices/
    // mcpManager.axios.ts, API_KODUS_SERVICE_MCP_MANAGER); the web proxies to it server-side
    // (apps/web/src/app/api/proxy/mcp/[...path]/route.ts, WEB_HOSTNAME_MCP_MANAGER).
    calledBy: ["api", "worker", "web"],
    env: {
      API_MCP_MANAGER_PORT: "3101",
      API_MCP_MANAGER_NODE_ENV: "production",
      API_MCP_MANAGER_DATABASE_ENV: "production",
      API_MCP_MANAGER_MCP_PROVIDERS: "kodusmcp,custom",
    },
  },
  "worker-analytics": {
    enabledByDefault: false,
    migratesItself: false,
    dataStores: ["postgres", "mongodb", "rabbitmq"],
    calledBy: [],
    env: { WORKER_ROLE: "analytics", RUN_MIGRATIONS: "false" },
  },
} as const;

/**
 * The bundled RabbitMQ, from Kodus' source (a-nasstrom/kodus-ai, a fork at kodustech/kodus-ai
 * main of 2026-06-24, commit a1051fafbd4ca63e3020c36f8b87c76a3b75653e):
 * - libs/core/workflow/infrastructure/job-processor-router.service.ts gives a code review
 *   105 minutes and says app timeouts "MUST be strictly less than the broker's consumer_timeout
 *   (7200000ms / 2h in prod)"; workflow-job-consumer.service.ts sets `x-consumer-timeout` only on
 *   the two AST-graph queues, none on the code-review queue, and RabbitMQ's default is 30 minutes.
 * - kodustech/kodus-installer docker-compose.yml (5480db5) sets `-rabbit heartbeat 60`.
 * - docker/rabbitMQ/init-definitions.sh creates the vhosts kodus-ai and kodus-ast; nothing in
 *   apps/ or libs/ names kodus-ast (only the separate kodus-service-ast uses it, which the
 *   installer does not deploy): Kodus itself needs kodus-ai only, the vhost of API_RABBITMQ_URI.
 */
export const EXPECTED_RABBITMQ = {
  codeReviewTimeoutMs: 105 * 60 * 1000,
  consumerTimeoutMs: 7_200_000,
  erlArgs: "-rabbit heartbeat 60 -rabbit consumer_timeout 7200000",
  vhostsKodusUses: ["kodus-ai"],
} as const;

/**
 * Settings the official installer sets and Kodus reads, with the values this project gives.
 * - JWT lifetimes: libs/core/infrastructure/config/loaders/jwt.config.loader.ts reads
 *   API_JWT_EXPIRES_IN / API_JWT_REFRESH_EXPIRES_IN; before kodus-ai 03de692d (2026-05-18)
 *   an unset one made jwt.sign throw and login fail; since then they default to 1d / 7d. The
 *   installer's .env.example (kodustech/kodus-installer 5480db5) sets 365d / 7d. We set Kodus'
 *   own 1d / 7d explicitly: login works on every release, and a leaked access token is valid a
 *   day, not a year (the web renews it with the refresh token: apps/web/src/core/config/auth.ts).
 *   Read by the API and the worker only.
 * - Forgejo: apps/webhooks/src/controllers/forgejo.controller.ts serves POST /forgejo/webhook;
 *   the installer's .env.example has API_FORGEJO_CODE_MANAGEMENT_WEBHOOK.
 */
export const EXPECTED_SETTINGS = {
  jwt: { API_JWT_EXPIRES_IN: "1d", API_JWT_REFRESH_EXPIRES_IN: "7d", components: ["api", "worker"] },
  webhookPaths: {
    API_GITHUB_CODE_MANAGEMENT_WEBHOOK: "/github/webhook",
    API_GITLAB_CODE_MANAGEMENT_WEBHOOK: "/gitlab/webhook",
    GLOBAL_BITBUCKET_CODE_MANAGEMENT_WEBHOOK: "/bitbucket/webhook",
    GLOBAL_AZURE_REPOS_CODE_MANAGEMENT_WEBHOOK: "/azure-repos/webhook",
    API_FORGEJO_CODE_MANAGEMENT_WEBHOOK: "/forgejo/webhook",
  },
} as const;

/**
 * Optional secret variables: empty unless their input is given (Kodus then ignores them), and a
 * Kubernetes Secret you manage may leave them out (secretKeyRef optional). From Kodus' source
 * (a-nasstrom/kodus-ai a1051fafb):
 * - MONGODB_URI: libs/core/infrastructure/config/loaders/mongodb.config.loader.ts takes
 *   MONGODB_URI (then API_MG_DB_URI) instead of API_MG_DB_HOST/PORT/USERNAME/PASSWORD when it is
 *   not empty; mongoose.factory.ts and observability.service.ts both connect with it, so
 *   mongodb+srv://, tls=true and authSource work. Only where external stores exist (Kubernetes).
 * - RESEND_API_KEY: libs/common/email/services/email.service.ts sends invitations, password
 *   resets and e-mail confirmations through Resend only (resend.client.ts); empty: none sent.
 * - API_SMTP_PASS: libs/notifications/.../smtp-email.provider.ts, with API_SMTP_HOST/PORT/
 *   SECURE/USER/FROM when API_NOTIFICATION_EMAIL_PROVIDER=smtp (notification.module.ts;
 *   default resend).
 * Read by every component that loads the e-mail and MongoDB modules: api, worker, webhooks and
 * the analytics worker.
 */
const MONGO_AND_EMAIL = ["api", "worker", "webhooks", "worker-analytics"] as const;
export const EXPECTED_OPTIONAL_SECRET_ENV = {
  MONGODB_URI: { variable: "mongodb_uri", components: MONGO_AND_EMAIL, targets: ["kubernetes"] },
  RESEND_API_KEY: { variable: "resend_api_key", components: MONGO_AND_EMAIL, targets: ["docker", "kubernetes"] },
  API_SMTP_PASS: { variable: "smtp_password", components: MONGO_AND_EMAIL, targets: ["docker", "kubernetes"] },
} as const;

/** Every secret variable a component gets on a target: the required ones and the optional ones. */
export function expectedSecretEnv(component: keyof typeof EXPECTED_SECRET_ENV, target: "docker" | "kubernetes"): string[] {
  const optional = Object.entries(EXPECTED_OPTIONAL_SECRET_ENV)
    .filter(([, o]) => (o.components as readonly string[]).includes(component) && (o.targets as readonly string[]).includes(target))
    .map(([name]) => name);
  return [...EXPECTED_SECRET_ENV[component], ...optional];
}

/** The optional secret inputs (Terraform variables defaulting to ""), by target. */
export const EXPECTED_OPTIONAL_SECRET_INPUTS = {
  docker: ["resend_api_key", "smtp_password"],
  kubernetes: ["mongodb_uri", "rabbitmq_uri", "resend_api_key", "smtp_password"],
} as const;

/**
 * PostgreSQL connections one process opens, per component, as Kodus' source sets them (read in
 * a-nasstrom/kodus-ai at commit a1051fafbd4ca63e3020c36f8b87c76a3b75653e, 2026-06-24):
 * - apps/api/src/api.module.ts: `SharedPostgresModule.forRoot({ poolSize: 25 })` and
 *   `AnalyticsWarehouseModule.forRoot()`, whose data source has `ANALYTICS_PG_POOL_MAX ?? '5'`
 *   (libs/ee/analytics-warehouse/infrastructure/typeORM.factory.ts): 25 + 5;
 * - apps/worker/src/worker.module.ts, code-review role: `poolSize: 12`;
 * - apps/webhooks/src/modules/webhook-handler.module.ts: `poolSize: 8`;
 * - apps/mcp-manager/src/config/typeorm.config.ts line 60: `max: isProduction ? 20 : 10`, and
 *   the deployment runs it with API_MCP_MANAGER_NODE_ENV=production: 20 (its entrypoint
 *   migrates with that data source, in the same pod, before the server starts);
 * - apps/worker/src/worker.module.ts, analytics role: `SharedPostgresModule.forRoot({ poolSize: 4 })`
 *   and `AnalyticsWarehouseModule.forRoot()` (5, as for the API): 4 + 5.
 * libs/shared/database/shared-postgres.module.ts overrides the TypeORM factory's `max` (30/60/30,
 * the figures an earlier audit took) with poolSize.
 */
export const EXPECTED_PG_CONNECTIONS_PER_POD = {
  api: 25 + 5,
  worker: 12,
  webhooks: 8,
  "mcp-manager": 20,
  "worker-analytics": 4 + 5,
} as const;
/** Free connections beyond the pools (superuser slots, probes, an operator's psql). */
export const EXPECTED_PG_HEADROOM = 20;
/** PostgreSQL's default max_connections (postgresql.conf.sample): never configure less. */
export const EXPECTED_PG_DEFAULT_MAX_CONNECTIONS = 100;
/**
 * The chart's and the Kubernetes stack's default scaleLimits (the most pods of each). The MCP
 * manager and the analytics worker run one pod each by default; their limit of 2 leaves room for
 * a rolling update's extra pod.
 */
export const EXPECTED_DEFAULT_SCALE_LIMITS = { api: 6, worker: 6, webhooks: 4, "mcp-manager": 2, "worker-analytics": 2 } as const;
/** Of pods per component, those of the components deployed by default (optional ones switched off left out). */
export function deployedByDefault(
  pods: Readonly<Record<keyof typeof EXPECTED_PG_CONNECTIONS_PER_POD, number>>,
): Partial<Record<keyof typeof EXPECTED_PG_CONNECTIONS_PER_POD, number>> {
  return Object.fromEntries(
    Object.entries(pods).filter(
      ([c]) => EXPECTED_OPTIONAL_COMPONENTS[c as keyof typeof EXPECTED_OPTIONAL_COMPONENTS]?.enabledByDefault !== false,
    ),
  );
}

/**
 * The max_connections Kodus needs, restated for the tests: every pool full at `pods` of each
 * component (leave out a component that is not deployed), `migrators` API pools for separate
 * migration pods, 20 headroom, never below PostgreSQL's default.
 */
export function expectedMaxConnections(
  pods: Partial<Record<keyof typeof EXPECTED_PG_CONNECTIONS_PER_POD, number>>,
  migrators: number,
): number {
  const pools = Object.entries(pods).reduce(
    (sum, [c, n]) => sum + n * EXPECTED_PG_CONNECTIONS_PER_POD[c as keyof typeof EXPECTED_PG_CONNECTIONS_PER_POD],
    0,
  );
  return Math.max(EXPECTED_PG_DEFAULT_MAX_CONNECTIONS, pools + migrators * EXPECTED_PG_CONNECTIONS_PER_POD.api + EXPECTED_PG_HEADROOM);
}

/** Every secret variable some component gets on some target: the names a Kodus Secret holds. */
export const EXPECTED_ALL_SECRET_ENV: readonly string[] = [
  ...new Set([...Object.values(EXPECTED_SECRET_ENV).flat(), ...Object.keys(EXPECTED_OPTIONAL_SECRET_ENV)]),
].sort();

/** The components Kodus gives the Chutes key: the ones that call the model. */
export const EXPECTED_LLM_COMPONENTS: readonly string[] = Object.entries(EXPECTED_SECRET_ENV)
  .filter(([, env]) => (env as readonly string[]).includes("API_OPEN_AI_API_KEY"))
  .map(([component]) => component);
