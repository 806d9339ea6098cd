/**
 * The Kodus components, one row each: what every deployment target (the Docker stack, the
 * Kubernetes stack and, through its generated helm/kodus-chutes/files/contract.json, the Helm
 * chart) must know about a component's image to run it. The environment each component reads
 * is the other half of the contract (contract/kodus-env.ts).
 */

export const COMPONENTS = ["api", "worker", "webhooks", "web", "mcp-manager", "worker-analytics"] as const;
export type Component = (typeof COMPONENTS)[number];

/** The components that can be switched off (kodus.components.<name>.enabled); the others always run. */
export const OPTIONAL_COMPONENTS = ["mcp-manager", "worker-analytics"] as const satisfies readonly Component[];
export type OptionalComponent = (typeof OPTIONAL_COMPONENTS)[number];

/** The Kodus back-end processes built from the kodus-ai Nest apps: they share Kodus' API settings. */
export const BACKEND: readonly Component[] = ["api", "worker", "webhooks", "worker-analytics"];

/** The data stores a component connects to (a NetworkPolicy on the bundled stores lets it in). */
export type DataStore = "postgres" | "mongodb" | "rabbitmq";

/** Who may open connections to a component's port (a NetworkPolicy on Kubernetes). */
export type ComponentPeers =
  /** Nobody: the component only makes outbound connections (the kubelet still probes it). */
  | { readonly kind: "none" }
  /** The cluster's ingress controller (any pod when none is named): the component is public. */
  | { readonly kind: "ingress-controller" }
  /** Pods of these components only. */
  | { readonly kind: "components"; readonly components: readonly Component[] };

/** How long a component may take to stop after SIGTERM. */
export type StopBudget =
  /** A fixed number of seconds. */
  | { readonly kind: "fixed"; readonly seconds: number }
  /** The worker's drain time (kodus.workerDrainTimeoutMs, rounded up to seconds) plus a margin. */
  | { readonly kind: "drain"; readonly marginSeconds: number };

export interface KodusComponentSpec {
  /** Image repository; the tag is kodus.version. */
  readonly image: string;
  /** The port the image listens on. */
  readonly port: number;
  /** HTTP health paths: liveness is shallow (also the startup probe), readiness may be deep. */
  readonly health: { readonly liveness: string; readonly readiness: string };
  /** Seconds the process may take to start listening before liveness applies (Kubernetes startup probe). */
  readonly startupSeconds: number;
  /** Start period of the Docker healthcheck: failures before it do not count. */
  readonly dockerStartPeriodSeconds: number;
  /** Kubernetes termination grace period, and Docker's stop timeout. */
  readonly stopBudget: StopBudget;
  /** Reached by other components or users: a Service on Kubernetes, a published port on Docker. */
  readonly service: boolean;
  /** Writable paths besides /tmp (the root filesystem is read-only). */
  readonly writablePaths: readonly { readonly name: string; readonly mountPath: string }[];
  /** Who may connect. */
  readonly peers: ComponentPeers;
  /** The data stores it connects to. */
  readonly dataStores: readonly DataStore[];
  /** Variables only this component gets, with constant values (e.g. the worker's role). */
  readonly ownEnv: Readonly<Record<string, string>>;
  /** Optional components: on or off when the config does not say (the official installer's default). */
  readonly enabledByDefault?: boolean;
}

export const KODUS_COMPONENTS = {
  api: {
    image: "ghcr.io/kodustech/kodus-ai-api",
    port: 3001,
    health: { liveness: "/health/simple", readiness: "/health" },
    startupSeconds: 150,
    dockerStartPeriodSeconds: 30,
    stopBudget: { kind: "fixed", seconds: 30 },
    service: true,
    writablePaths: [],
    // The web proxies to the API server-side; with the MCP manager on, it and the worker reach
    // the MCP server the API serves under /mcp (API_KODUS_MCP_SERVER_URL).
    peers: { kind: "components", components: ["web", "worker", "mcp-manager"] },
    dataStores: ["postgres", "mongodb", "rabbitmq"],
    ownEnv: {},
  },
  worker: {
    image: "ghcr.io/kodustech/kodus-ai-worker",
    port: 3334,
    health: { liveness: "/health", readiness: "/health" },
    // Its health server answers only after a 60 s grace of its own.
    startupSeconds: 180,
    dockerStartPeriodSeconds: 60,
    // In-flight reviews finish during the drain; cutting it loses them.
    stopBudget: { kind: "drain", marginSeconds: 15 },
    service: false,
    writablePaths: [],
    // It consumes RabbitMQ; only the kubelet probes it.
    peers: { kind: "none" },
    dataStores: ["postgres", "mongodb", "rabbitmq"],
    // The worker refuses to boot without a role.
    ownEnv: { WORKER_ROLE: "code-review" },
  },
  webhooks: {
    image: "ghcr.io/kodustech/kodus-ai-webhook",
    port: 3332,
    health: { liveness: "/health/live", readiness: "/health/ready" },
    startupSeconds: 150,
    dockerStartPeriodSeconds: 30,
    stopBudget: { kind: "fixed", seconds: 30 },
    service: true,
    writablePaths: [],
    // Git providers call it.
    peers: { kind: "ingress-controller" },
    // MongoDB for its traces (ObservabilityService), PostgreSQL and RabbitMQ for the job outbox.
    dataStores: ["postgres", "mongodb", "rabbitmq"],
    ownEnv: {},
  },
  web: {
    image: "ghcr.io/kodustech/kodus-ai-web",
    port: 3000,
    health: { liveness: "/api/health", readiness: "/api/health" },
    startupSeconds: 150,
    dockerStartPeriodSeconds: 30,
    stopBudget: { kind: "fixed", seconds: 30 },
    service: true,
    // Next.js writes its image and ISR caches inside its build tree.
    writablePaths: [{ name: "next-cache", mountPath: "/usr/src/app/apps/web/.next/cache" }],
    // The UI, through the ingress controller.
    peers: { kind: "ingress-controller" },
    dataStores: [],
    ownEnv: {},
  },
  // Kodus' MCP manager (apps/mcp-manager): the MCP pages of the web and the MCP tools reviews
  // use. Its entrypoint (prod-entrypoint-mcp-manager) creates its own "mcp-manager" schema in
  // Kodus' PostgreSQL and migrates it on every start (under an advisory lock), then runs
  // `node dist/apps/mcp-manager/main.js`. On by default, as in the official compose file and chart.
  "mcp-manager": {
    image: "ghcr.io/kodustech/kodus-mcp-manager",
    port: 3101,
    health: { liveness: "/health", readiness: "/health" },
    startupSeconds: 150,
    dockerStartPeriodSeconds: 30,
    stopBudget: { kind: "fixed", seconds: 30 },
    service: true,
    writablePaths: [],
    // The API and the worker call it (API_KODUS_SERVICE_MCP_MANAGER), the web proxies the
    // browser's MCP pages to it server-side. Nobody else may: its guard decodes the caller's
    // token without verifying it, so whoever reaches the port can act as any organization.
    peers: { kind: "components", components: ["api", "worker", "web"] },
    dataStores: ["postgres"],
    // Its entrypoint runs npm (schema and migrations); the root filesystem is read-only, /tmp is not.
    ownEnv: { NPM_CONFIG_CACHE: "/tmp/.npm", NPM_CONFIG_UPDATE_NOTIFIER: "false" },
    enabledByDefault: true,
  },
  // The worker image run a second time with WORKER_ROLE=analytics: Kodus' Cockpit ingestion and
  // report crons and an LLM classifier of pull requests (every 30 minutes: it spends Chutes
  // quota). Off by default, as in the official compose file (an opt-in profile there; the
  // official chart turns it on).
  "worker-analytics": {
    image: "ghcr.io/kodustech/kodus-ai-worker",
    port: 3334,
    // The same health server as the worker; this role has no queue consumers, so it does not
    // require AMQP.
    health: { liveness: "/health", readiness: "/health" },
    startupSeconds: 180,
    dockerStartPeriodSeconds: 60,
    stopBudget: { kind: "drain", marginSeconds: 15 },
    service: false,
    writablePaths: [],
    // Crons only: nobody calls it; only the kubelet probes it.
    peers: { kind: "none" },
    // MongoDB (pull requests), PostgreSQL (its "analytics" schema) and one idle AMQP connection.
    dataStores: ["postgres", "mongodb", "rabbitmq"],
    ownEnv: { WORKER_ROLE: "analytics" },
    enabledByDefault: false,
  },
} as const satisfies Record<Component, KodusComponentSpec>;

/** The component whose image digest pins this one's image (the first one running the same image). */
export function imageOwner(component: Component): Component {
  return COMPONENTS.find((c) => KODUS_COMPONENTS[c].image === KODUS_COMPONENTS[component].image)!;
}

/** Of these components, the ones that connect to `store`. */
export function storeClients(components: readonly Component[], store: DataStore): Component[] {
  return components.filter((c) => (KODUS_COMPONENTS[c].dataStores as readonly DataStore[]).includes(store));
}

/** The components a deployment runs: every required one, and each optional one the config enables. */
export function enabledComponents(enabled: Readonly<Record<OptionalComponent, { readonly enabled: boolean }>>): Component[] {
  return COMPONENTS.filter((c) => !(OPTIONAL_COMPONENTS as readonly Component[]).includes(c) || enabled[c as OptionalComponent].enabled);
}

/** Seconds a component may take to stop (Kubernetes grace period, Docker stop timeout). */
export function stopSeconds(component: Component, workerDrainTimeoutMs: number): number {
  const budget: StopBudget = KODUS_COMPONENTS[component].stopBudget;
  return budget.kind === "fixed" ? budget.seconds : Math.ceil(workerDrainTimeoutMs / 1000) + budget.marginSeconds;
}

/** Container ports of the Kodus images (a view of the table). */
export const KODUS_PORTS = Object.fromEntries(COMPONENTS.map((c) => [c, KODUS_COMPONENTS[c].port])) as {
  readonly [C in Component]: (typeof KODUS_COMPONENTS)[C]["port"];
};
