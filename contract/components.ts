/**
 * The Kodus components, one row each: what every deployment target (the Docker stack, the
 * Kubernetes stack and, through its generated helm/kodus-chutes/files/contract.json, the Helm
 * chart) must know about a component's image to run it. The environment each component reads
 * is the other half of the contract (contract/kodus-env.ts).
 */

export const COMPONENTS = ["api", "worker", "webhooks", "web"] as const;
export type Component = (typeof COMPONENTS)[number];

/** The back-end components: they share Kodus' API settings and all of them call the LLM. */
export const BACKEND: readonly Component[] = ["api", "worker", "webhooks"];

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
    // The web proxies to the API server-side.
    peers: { kind: "components", components: ["web"] },
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
  },
} as const satisfies Record<Component, KodusComponentSpec>;

/** Seconds a component may take to stop (Kubernetes grace period, Docker stop timeout). */
export function stopSeconds(component: Component, workerDrainTimeoutMs: number): number {
  const budget: StopBudget = KODUS_COMPONENTS[component].stopBudget;
  return budget.kind === "fixed" ? budget.seconds : Math.ceil(workerDrainTimeoutMs / 1000) + budget.marginSeconds;
}

/** Container ports of the Kodus images (a view of the table). */
export const KODUS_PORTS = Object.fromEntries(COMPONENTS.map((c) => [c, KODUS_COMPONENTS[c].port])) as {
  readonly [C in Component]: (typeof KODUS_COMPONENTS)[C]["port"];
};
