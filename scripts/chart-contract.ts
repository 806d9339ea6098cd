/**
 * npm run chart:contract [-- --check]
 *
 * Writes helm/kodus-chutes/files/contract.json: the Kodus contract (contract/components.ts and
 * contract/kodus-env.ts) as the chart's templates read it (`.Files.Get`), so the chart never
 * restates an image, a port, a health path, a budget, a peer or an env name by hand. Per
 * component: image, port, health paths, startup budget, stop budget, Service or not, writable
 * paths, who may connect, and the names of its secret and plain variables in contract order;
 * and the bundled RabbitMQ's environment (contract/data-stores.ts).
 * Plain values that never depend on the settings are in it (env.constants); the chart computes
 * the others from its values (kodus.plainValues in _helpers.tpl) and fails the render when the
 * contract names one it has no value for.
 *
 * It also carries the shape of a Chutes key, which the chart refuses in its values, the
 * name of the variable (and Secret key) holding the key, and the Chutes probe's facts
 * (probe/probe-program.ts): its mount directory, file, command, the variable it reads the key
 * from and the names of its settings' variables.
 *
 * Deterministic: same contract, same bytes. --check: exit 1 if the committed file differs from
 * the generated one (nothing is written).
 */
import { resolve } from "node:path";
import { writeOrCheckGenerated } from "./generated-file";
import { COMPONENTS, KODUS_COMPONENTS, OPTIONAL_COMPONENTS, imageOwner, type KodusComponentSpec } from "../contract/components";
import { DEFAULT_PUBLIC_URLS, MCP_PATHS, MIGRATOR_ENV, WEBHOOK_PATHS, envFor } from "../contract/kodus-env";
import {
  KODUS_PG_POOLS,
  PG_DEFAULT_MAX_CONNECTIONS,
  PG_HEADROOM,
  PG_MIGRATOR_COMPONENT,
  pgConnectionsPerPod,
  type PgClientComponent,
  RABBITMQ_ENV,
  BUNDLED_STORES,
  DATA_STORE_IMAGES,
  DATA_STORE_PORTS,
  RABBITMQ_COMMAND,
  RABBITMQ_COOKIE_FIX,
  POSTGRES_INIT_SQL,
  RABBITMQ_CONF_PATH,
  postgresArgs,
  rabbitmqMemoryConf,
} from "../contract/data-stores";
import {
  CHUTES_KEY_ENV,
  CHUTES_KEY_SEARCH_SOURCE,
  RABBITMQ_VHOST,
  STORE_PASSWORD_KEYS,
  SECRET_INPUTS,
  secretEnvValues,
  type SecretInput,
} from "../contract/secrets";
import {
  PROBE_COMMAND,
  PROBE_DIR,
  PROBE_ENV,
  PROBE_FILE,
  PROBE_KEY_ENV,
  PROBE_OPTIONAL_ENV,
  PROBE_REQUIRE,
  type ProbeEnvSetting,
} from "../probe/probe-program";
import { POSTGRES_CHECK_SCRIPT } from "../contract/postgres-check";

export const CHART_CONTRACT_FILE = resolve(__dirname, "..", "helm", "kodus-chutes", "files", "contract.json");

/** The marker at the top of the file (its `generated` field). */
export const GENERATED_MARKER =
  "by npm run chart:contract (scripts/chart-contract.ts) from contract/ and probe/probe-program.ts; do not edit";

/**
 * The secret inputs the chart takes (secrets.values; none is Docker-only) with the variables each
 * fills, read off secretEnvValues: an input's reference is "<input>", and the variable that is the
 * input when given and else a URI built around the RabbitMQ password reads "<input>|built".
 */
function chartSecretInputs() {
  const values = Object.entries(
    secretEnvValues(
      (input) => `<${input}>`,
      (expr) => expr,
      { host: "", port: 0, username: "" },
      undefined,
      (value) => `${value}|built`,
    ),
  );
  const filled = (input: string) => values.filter(([, expr]) => expr.startsWith(`<${input}>`)).map(([name]) => name);
  const builtUri = values.find(([, expr]) => expr.endsWith("|built"));
  if (!builtUri) throw new Error("chart-contract: secretEnvValues builds no URI around the RabbitMQ password");
  return {
    inputs: (SECRET_INPUTS as readonly SecretInput[])
      .filter((i) => i.target !== "docker")
      .map((i) => ({
        variable: i.variable,
        format: i.format,
        ...(i.component ? { component: i.component } : {}),
        ...(i.optional ? { optional: true } : {}),
        ...(i.store ? { store: i.store } : {}),
        env: filled(i.variable),
      })),
    // The variable that is the given URI, or amqp://<user>:<password>@<host>:<port>/<vhost>.
    rabbitmqUri: { env: builtUri[0], vhost: RABBITMQ_VHOST },
    // The Secret key each bundled store reads its password from.
    storePasswordKeys: { ...STORE_PASSWORD_KEYS },
  };
}

/** The contract as the chart reads it (plain JSON data: no functions, components in contract order). */
export function chartContract() {
  return {
    generated: GENERATED_MARKER,
    // Helm ranges over a map in key order; the templates range over this list instead, so objects render in contract order.
    order: [...COMPONENTS],
    // PostgreSQL's max_connections (contract postgresMaxConnections): connections per pod of each
    // component, the migrator's, headroom and the floor; the chart multiplies by scaleLimits.
    postgres: {
      connectionsPerPod: Object.fromEntries((Object.keys(KODUS_PG_POOLS) as PgClientComponent[]).map((c) => [c, pgConnectionsPerPod(c)])),
      migratorConnections: pgConnectionsPerPod(PG_MIGRATOR_COMPONENT),
      headroom: PG_HEADROOM,
      minimum: PG_DEFAULT_MAX_CONNECTIONS,
    },
    // The shape of a Chutes key (contract/secrets.ts): the chart refuses it anywhere in its values
    // but secrets.values.chutes_api_key (kodus.noChutesKeys in templates/_helpers.tpl).
    chutesKeySearch: CHUTES_KEY_SEARCH_SOURCE,
    // The Kodus variable that carries the Chutes key, and so the Kodus Secret's key holding it.
    chutesKeyEnv: CHUTES_KEY_ENV,
    // What the chart-mode Secret is made of (contract/secrets.ts): each input's format (how the
    // chart generates it), its component or data store, and the Secret keys it fills.
    secrets: chartSecretInputs(),
    // The Chutes probe (probe/probe-program.ts): where its file is mounted, how it runs, the
    // variable it reads the key from (filled from the Kodus Secret's chutesKeyEnv key), and the
    // variables of its settings in the order they are set (optional: set only when the setting is).
    probe: {
      dir: PROBE_DIR,
      file: PROBE_FILE,
      command: [...PROBE_COMMAND],
      keyEnv: PROBE_KEY_ENV,
      // PROBE_REQUIRE's values: tools, or tools and structured output where Kodus trusts json_schema.
      require: PROBE_REQUIRE,
      env: (Object.entries(PROBE_ENV) as [ProbeEnvSetting, string][]).map(([setting, name]) => ({
        setting,
        name,
        ...(PROBE_OPTIONAL_ENV.includes(setting) ? { optional: true } : {}),
      })),
    },
    // Public URLs when the values set none and no Ingress gives a host (contract kodusUrls).
    defaultUrls: DEFAULT_PUBLIC_URLS,
    // Each git provider's webhook variable: its path after the webhooks URL.
    webhookPaths: WEBHOOK_PATHS,
    // The API's MCP server path and the MCP manager's OAuth redirect page (after the public URL).
    mcpPaths: MCP_PATHS,
    // What the migration Job sets on top of the API's environment: it alone migrates and seeds.
    migratorEnv: Object.entries(MIGRATOR_ENV).map(([name, value]) => ({ name, value })),
    components: Object.fromEntries(
      COMPONENTS.map((c) => {
        const spec: KodusComponentSpec = KODUS_COMPONENTS[c];
        const env = envFor(c);
        return [
          c,
          {
            image: spec.image,
            port: spec.port,
            health: { liveness: spec.health.liveness, readiness: spec.health.readiness },
            startupSeconds: spec.startupSeconds,
            stopBudget: spec.stopBudget,
            service: spec.service,
            writablePaths: spec.writablePaths,
            peers: spec.peers,
            // Optional: deployed only when kodus.components.<name>.enabled (default: the contract's).
            optional: (OPTIONAL_COMPONENTS as readonly string[]).includes(c),
            // The images.digests key that pins its image (components running one image share it).
            digestKey: imageOwner(c),
            dataStores: spec.dataStores,
            env: {
              secret: env.filter((v) => v.secret).map((v) => v.name),
              // Secret variables a Secret you manage may leave out (secretKeyRef optional).
              optionalSecret: env.filter((v) => v.secret && v.optional).map((v) => v.name),
              plain: env.filter((v) => !v.secret).map((v) => v.name),
              // Plain variables unset by design when their setting is (a feature off, a setting not given).
              optionalPlain: env.filter((v) => !v.secret && v.optional).map((v) => v.name),
              // Values that never depend on the settings: the chart takes them from here.
              constants: Object.fromEntries(env.flatMap((v) => (!v.secret && v.constant !== undefined ? [[v.name, v.constant]] : []))),
            },
          },
        ];
      }),
    ),
    // The bundled RabbitMQ's own environment (heartbeat and consumer timeout), besides its credentials.
    rabbitmq: { env: Object.entries(RABBITMQ_ENV).map(([name, value]) => ({ name, value })) },
    // How each bundled store runs (contract BUNDLED_STORES): image, port, command, checks, paths.
    bundledStores: Object.fromEntries(
      (Object.keys(BUNDLED_STORES) as (keyof typeof BUNDLED_STORES)[]).map((key) => [
        key,
        {
          ...BUNDLED_STORES[key],
          image: DATA_STORE_IMAGES[key],
          port: DATA_STORE_PORTS[key],
          // {maxConnections} and {memoryBytes}: the chart fills in what it computes from its values.
          ...(key === "postgres" ? { initSql: POSTGRES_INIT_SQL, args: postgresArgs("{maxConnections}") } : {}),
          ...(key === "rabbitmq"
            ? {
                command: [...RABBITMQ_COMMAND],
                cookieFix: [...RABBITMQ_COOKIE_FIX],
                confPath: RABBITMQ_CONF_PATH,
                memoryConf: rabbitmqMemoryConf("{memoryBytes}"),
              }
            : {}),
        },
      ]),
    ),
    // The migration's first step: PostgreSQL has the extensions Kodus needs (contract/postgres-check.ts).
    postgresCheck: { script: POSTGRES_CHECK_SCRIPT },
  };
}

/** The contract.json text (stable: same input, same bytes). */
export function buildChartContract(): string {
  return `${JSON.stringify(chartContract(), null, 2)}\n`;
}

if (require.main === module) writeOrCheckGenerated(CHART_CONTRACT_FILE, buildChartContract(), "chart:contract");
