/**
 * What Kodus needs from its data stores, as the official installer (compose file and chart) and
 * Kodus' own source establish it: the images, how the Kodus RabbitMQ image must be started, the
 * PostgreSQL connections Kodus' pools may open, and how RabbitMQ learns its memory budget.
 */

import { COMPONENTS, type Component } from "./components";

/**
 * PostgreSQL 16 with pgvector, MongoDB and Kodus' RabbitMQ (with the delayed-message-exchange
 * plugin). MongoDB is pinned to an exact release: `mongo:8` floats (it pointed at 8.3.11 when
 * this was pinned), and a floating tag upgrades the database on a node's next pull. Never pin
 * it lower than a volume has already run: mongod refuses data files written by a newer
 * featureCompatibilityVersion.
 */
export const DATA_STORE_IMAGES = {
  postgres: "pgvector/pgvector:pg16",
  mongodb: "mongo:8.3.11",
  rabbitmq: "ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus",
} as const;

export const DATA_STORE_PORTS = { postgres: 5432, mongodb: 27017, rabbitmq: 5672 } as const;

/**
 * How each bundled store runs, as the stack's StatefulSets and the chart's (through
 * files/contract.json) both deploy it: where its data lives, its command where the image's
 * default is not enough, its readiness check, how liveness and startup check it, its startup
 * budget and what it writes besides its data. `alive: "readiness"` reuses the readiness command
 * (pg_isready is a tiny binary); `"tcp"` connects to the port instead, for MongoDB and RabbitMQ,
 * whose diagnostic tools start a whole runtime (mongosh, an Erlang VM) and can time out on a busy
 * node, which would restart a healthy store. PostgreSQL's readiness takes its user and database
 * (`pg_isready -U <user> -d <database>`), filled in by each target. `credentialsEnv` names the
 * image's own variables that create the Kodus user (and database) at the first start.
 */
export const BUNDLED_STORES = {
  postgres: {
    dataPath: "/var/lib/postgresql/data",
    credentialsEnv: { user: "POSTGRES_USER", password: "POSTGRES_PASSWORD", database: "POSTGRES_DB" },
    /** SQL files the image runs once, at the first start (POSTGRES_INIT_SQL is one). */
    initDir: "/docker-entrypoint-initdb.d",
    initFile: "10-vector.sql",
    /** The database files in a subfolder: the volume's root may hold lost+found, which initdb refuses. */
    constantEnv: { PGDATA: "/var/lib/postgresql/data/pgdata" },
    readiness: ["pg_isready"],
    alive: "readiness",
    /** failureThreshold x 5 s: first start runs initdb. */
    startupFailures: 30,
    writablePaths: [{ name: "run", mountPath: "/var/run/postgresql" }],
    readOnlyRootFilesystem: true,
  },
  mongodb: {
    dataPath: "/data/db",
    /** The database variable only names the database init scripts run in; Kodus creates its own. */
    credentialsEnv: { user: "MONGO_INITDB_ROOT_USERNAME", password: "MONGO_INITDB_ROOT_PASSWORD", database: "MONGO_INITDB_DATABASE" },
    constantEnv: {},
    readiness: ["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"],
    alive: "tcp",
    /** WiredTiger recovery after an unclean stop. */
    startupFailures: 30,
    writablePaths: [{ name: "configdb", mountPath: "/data/configdb" }],
    readOnlyRootFilesystem: true,
  },
  rabbitmq: {
    dataPath: "/var/lib/rabbitmq",
    credentialsEnv: { user: "RABBITMQ_DEFAULT_USER", password: "RABBITMQ_DEFAULT_PASS" },
    constantEnv: {},
    readiness: ["rabbitmq-diagnostics", "-q", "check_running"],
    alive: "tcp",
    /** An Erlang VM, its plugins and the vhost script. */
    startupFailures: 40,
    writablePaths: [],
    /** Its entrypoint writes its generated configuration under /etc/rabbitmq. */
    readOnlyRootFilesystem: false,
  },
} as const;

/**
 * The Kodus Secret's key for the bundled RabbitMQ's password on Kubernetes: Kodus itself gets that
 * password only inside API_RABBITMQ_URI, so the broker reads it from a key of its own, named as
 * its image's variable.
 */
export const RABBITMQ_PASSWORD_KEY = BUNDLED_STORES.rabbitmq.credentialsEnv.password;

/** Run once at first start of PostgreSQL: Kodus stores embeddings with pgvector. */
export const POSTGRES_INIT_SQL = "CREATE EXTENSION IF NOT EXISTS vector;\n";

// --- RabbitMQ ---

/**
 * The Kodus RabbitMQ image keeps `rabbitmq-server` as its default command; only this script
 * (server in the background, `rabbitmqctl add_vhost kodus-ai`, permissions for
 * $RABBITMQ_DEFAULT_USER, then wait) creates the vhost every Kodus URI ends in. The official
 * compose file and chart both run it.
 */
export const RABBITMQ_COMMAND = ["/usr/local/bin/init-definitions.sh"] as const;

/**
 * How long RabbitMQ lets a consumer hold an unacknowledged message before it closes the channel
 * and redelivers it: 2 hours. Kodus' job router gives a code review 105 minutes and says that
 * timeout "MUST be strictly less than the broker's consumer_timeout (7200000 in prod)"; the
 * code-review queue sets no `x-consumer-timeout` of its own, and RabbitMQ's default is 30
 * minutes, so a longer review would lose its channel and run again.
 */
export const RABBITMQ_CONSUMER_TIMEOUT_MS = 7_200_000;

/**
 * The bundled broker's Erlang arguments: the official compose file's AMQP heartbeat of 60 s and
 * the consumer timeout above (as Kodus' newer official chart sets them).
 */
export const RABBITMQ_ENV = {
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `-rabbit heartbeat 60 -rabbit consumer_timeout ${RABBITMQ_CONSUMER_TIMEOUT_MS}`,
} as const;

/** Open files RabbitMQ may hold (the official compose file's `nofile` ulimit, soft and hard). */
export const RABBITMQ_NOFILE = 65536;

/**
 * Where the memory override goes: a conf.d file loads after the image's rabbitmq.conf, next
 * to its 10-defaults.conf, so it wins.
 */
export const RABBITMQ_CONF_PATH = "/etc/rabbitmq/conf.d/20-kodus.conf";

/**
 * The erlang cookie lives in the data volume. With a pod `fsGroup` the kubelet makes every file
 * of the volume group-readable at each mount, and Erlang refuses to start with a cookie that
 * is not owner-only: this init step (run after the kubelet, as the RabbitMQ user) restores
 * 0600. On a first start there is no cookie yet and it does nothing.
 */
export const RABBITMQ_COOKIE_FIX = ["sh", "-c", 'c=/var/lib/rabbitmq/.erlang.cookie; if [ -f "$c" ]; then chmod 600 "$c"; fi'] as const;

const QUANTITY_UNITS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** The number a Kubernetes quantity stands for ("250m" 0.25, "1536Mi" 1610612736), NaN if it is not one. */
export function quantityValue(quantity: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  return m ? Number(m[1]) * QUANTITY_UNITS[m[2] ?? ""] : NaN;
}

/** Bytes in a Kubernetes memory quantity ("1Gi", "1536Mi", "2G", "1073741824"), rounded down. */
export function quantityBytes(quantity: string): number {
  const value = quantityValue(quantity);
  if (Number.isNaN(value)) throw new Error(`not a memory quantity: ${quantity}`);
  return Math.floor(value);
}

/**
 * The conf.d file that pins the memory RabbitMQ plans with. The image sets
 * `disk_free_limit.relative = 1.20` and a relative memory watermark against the memory RabbitMQ
 * detects, which in a container is the whole node's RAM: on a large node the disk alarm never
 * clears and blocks every publisher. Giving it the container's memory limit fixes both.
 */
export function rabbitmqMemoryConf(memoryLimitBytes: number | string): string {
  return `total_memory_available_override_value = ${memoryLimitBytes}\n`;
}

// --- PostgreSQL connections ---

/**
 * The most PostgreSQL connections one process of each component opens: the pool size each Kodus
 * app gives its shared PostgreSQL module, plus the analytics-warehouse pool (5) of the apps that
 * load it (the API and the analytics worker). The MCP manager has a data source of its own (20
 * in production mode, which it runs in) and migrates with it in the same pod before it serves.
 * The web does not use PostgreSQL. Where each figure was read in Kodus' source:
 * docs/what-gets-deployed.md#where-the-kodus-facts-come-from. The one table every target reads (the chart through
 * files/contract.json): a new component that opens PostgreSQL connections is a new row, and
 * needs a `scaleLimits` key of the same name (config/schema.ts, the chart's values).
 */
export const KODUS_PG_POOLS = {
  api: { poolSize: 25, analyticsPoolSize: 5 },
  worker: { poolSize: 12, analyticsPoolSize: 0 },
  webhooks: { poolSize: 8, analyticsPoolSize: 0 },
  "mcp-manager": { poolSize: 20, analyticsPoolSize: 0 },
  "worker-analytics": { poolSize: 4, analyticsPoolSize: 5 },
} as const satisfies Partial<Record<Component, { readonly poolSize: number; readonly analyticsPoolSize: number }>>;

export type PgClientComponent = keyof typeof KODUS_PG_POOLS;

/** The components that open PostgreSQL connections, in contract order. */
export const PG_CLIENT_COMPONENTS: readonly PgClientComponent[] = COMPONENTS.filter((c): c is PgClientComponent => c in KODUS_PG_POOLS);

/** Connections one process of a component may hold: its pool plus its analytics pool. */
export function pgConnectionsPerPod(component: PgClientComponent): number {
  const p = KODUS_PG_POOLS[component];
  return p.poolSize + p.analyticsPoolSize;
}

/** The pools as people read them ("api 25 + 5 analytics, worker 12, ..."), for output descriptions and notes. */
export function pgPoolsSummary(): string {
  return PG_CLIENT_COMPONENTS.map((c) => {
    const p = KODUS_PG_POOLS[c];
    return `${c} ${p.poolSize}${p.analyticsPoolSize ? ` + ${p.analyticsPoolSize} analytics` : ""}`;
  }).join(", ");
}

/**
 * Pods of each PostgreSQL client the formula counts: the configured maximum of each deployed
 * component, none of an optional component that is switched off.
 */
export function pgClientPods(
  maxima: Readonly<Record<PgClientComponent, number>>,
  deployed: readonly Component[],
): Record<PgClientComponent, number> {
  return Object.fromEntries(PG_CLIENT_COMPONENTS.map((c) => [c, deployed.includes(c) ? maxima[c] : 0])) as Record<
    PgClientComponent,
    number
  >;
}

/**
 * Connections kept free beyond the pools: PostgreSQL's 3 superuser-reserved slots, the
 * data-store probes and an operator's psql.
 */
export const PG_HEADROOM = 20;

/** PostgreSQL's own default max_connections: never configure less. */
export const PG_DEFAULT_MAX_CONNECTIONS = 100;

/** The component whose image (and pool) a separate migrator runs. */
export const PG_MIGRATOR_COMPONENT: PgClientComponent = "api";

/**
 * The most pods of each component there may ever be (the configured maxima: on Kubernetes
 * `scaleLimits`, on Docker one of each; 0 for a component switched off: pgClientPods), plus
 * separate migrator pods.
 */
export type PgClients = Readonly<Record<PgClientComponent, number>> & {
  /** Pods that migrate besides the components (a migration Job runs the API image: one API pool each). */
  readonly migrators: number;
};

/**
 * `max_connections` Kodus needs: every pool full at the configured maximum of pods, the
 * migrator, and headroom, and never below PostgreSQL's default. Computed from configured
 * maxima, never from current replica counts, so scaling within the maxima does not change
 * PostgreSQL's arguments (which would restart it).
 */
export function postgresMaxConnections(c: PgClients): number {
  const pools = PG_CLIENT_COMPONENTS.reduce((sum, k) => sum + c[k] * pgConnectionsPerPod(k), 0);
  return Math.max(PG_DEFAULT_MAX_CONNECTIONS, pools + c.migrators * pgConnectionsPerPod(PG_MIGRATOR_COMPONENT) + PG_HEADROOM);
}

/** The server arguments that set it (the postgres image's entrypoint passes them on). */
export function postgresArgs(maxConnections: number | string): string[] {
  return ["-c", `max_connections=${maxConnections}`];
}
