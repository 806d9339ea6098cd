/**
 * Bundled data stores for evaluation clusters: PostgreSQL 16 with pgvector, MongoDB 8 and the
 * Kodus RabbitMQ image, one StatefulSet each with a persistent volume. Production clusters
 * should use external, managed data stores (the default data-store mode).
 */
import { basename } from "node:path";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { StatefulSetV1 } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { setAddress } from "../addresses";
import {
  BUNDLED_STORES,
  DATA_STORE_IMAGES,
  DATA_STORE_PORTS,
  POSTGRES_INIT_SQL,
  RABBITMQ_COMMAND,
  RABBITMQ_CONF_PATH,
  RABBITMQ_COOKIE_FIX,
  RABBITMQ_ENV,
  postgresArgs,
  quantityBytes,
  rabbitmqMemoryConf,
} from "../../contract/data-stores";
import { STORE_PASSWORD_KEYS } from "../../contract/secrets";
import { componentLabels, selectorLabels, type LabelProps } from "./labels";
import { hardenedPodSpec, literalEnv, type ContainerSpec, type EnvEntry, type PodSite, type WritablePath } from "./pod";
import { mirrored, pinned } from "./images";
import type { DataStore } from "../../contract/components";
import type { ComputeResources } from "./kodus-workload";

/** Secret key that holds the bundled RabbitMQ's password (besides API_RABBITMQ_URI). */
/** Service host names of the bundled stores, for the Kodus environment. */
export const BUNDLED_HOSTS = { postgres: "kodus-postgres", mongodb: "kodus-mongodb", rabbitmq: "kodus-rabbitmq" } as const;
/** The data-store images run as uid 999. */
const STORE_UID = 999;

type StoreKey = DataStore;

export interface BundledDataStoresProps {
  /** Namespace, labels, service account and placement of the stores' pods. */
  readonly site: PodSite;
  readonly secretName: string;
  readonly postgres: { readonly username: string; readonly database: string };
  readonly mongodb: { readonly username: string };
  readonly rabbitmq: { readonly username: string };
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
  readonly storageSize: string;
  /** Requests/limits per store; RabbitMQ plans its memory and disk alarms with its memory limit. */
  readonly resources: Readonly<Record<StoreKey, ComputeResources>>;
  /** PostgreSQL max_connections (room for every Kodus pool: contract postgresMaxConnections). */
  readonly postgresMaxConnections: number;
  /** Pod components (app.kubernetes.io/component) allowed to connect, per store. */
  readonly clients: Readonly<Record<StoreKey, readonly string[]>>;
  /** What must be in place first (the Secret holding the passwords). @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** Mirror registry for the store images. @default undefined (their own registries) */
  readonly registry?: string;
  /** Digests pinning the store images, by store. @default {} (tags only) */
  readonly digests?: Readonly<Partial<Record<StoreKey, string>>>;
}

interface StoreSpec {
  readonly key: StoreKey;
  readonly env: EnvEntry[];
  readonly dataPath: string;
  /** Container command/args (unset: the image's). */
  readonly command?: string[];
  readonly args?: string[];
  readonly readiness: string[];
  /**
   * How liveness and startup check the store: the readiness command for PostgreSQL
   * (pg_isready is a tiny binary); a TCP connect for MongoDB and RabbitMQ, whose diagnostic
   * tools start a whole runtime (mongosh, an Erlang VM) and can time out on a busy node, which
   * would restart a healthy store.
   */
  readonly alive: { readonly exec: string[] } | { readonly tcp: true };
  /** Startup budget: failureThreshold x 5 s (first start: initdb, WiredTiger recovery, Erlang + plugins + vhost). */
  readonly startupFailures: number;
  readonly writablePaths: readonly WritablePath[];
  readonly readOnlyRootFilesystem: boolean;
  readonly extraMounts?: ContainerSpec["volumeMount"];
}

/**
 * A store's labels carry its own image tag as version, not the Kodus version: a Kodus upgrade
 * must not restart the databases.
 */
function storeLabels(labels: LabelProps, store: keyof typeof DATA_STORE_IMAGES): Record<string, string> {
  const image = DATA_STORE_IMAGES[store];
  return componentLabels({ ...labels, version: image.slice(image.lastIndexOf(":") + 1) }, store);
}

export class BundledDataStores extends Construct {
  /** The StatefulSets; Kodus waits for them. */
  readonly statefulSets: StatefulSetV1[] = [];

  constructor(scope: Construct, id: string, props: BundledDataStoresProps) {
    super(scope, id);
    const volumes = this.configMaps(props);
    for (const store of storeSpecs(props)) {
      const port = DATA_STORE_PORTS[store.key];
      const selector = selectorLabels(props.site.labels.instance, store.key);
      const metadata = {
        name: BUNDLED_HOSTS[store.key],
        namespace: props.site.namespace,
        labels: storeLabels(props.site.labels, store.key),
      };
      setAddress(
        new ServiceV1(this, `${store.key}-service`, {
          metadata,
          spec: { clusterIp: "None", selector, port: [{ name: store.key, port, targetPort: String(port) }] },
        }),
        store.key,
      );
      const statefulSet = new StatefulSetV1(this, store.key, {
        metadata,
        waitForRollout: true,
        dependsOn: props.dependsOn,
        spec: {
          serviceName: metadata.name,
          replicas: "1",
          selector: { matchLabels: selector },
          template: { metadata: { labels: metadata.labels }, spec: storePodSpec(store, props, volumes[store.key]) },
          volumeClaimTemplate: [
            {
              metadata: { name: "data" },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: props.storageClass,
                resources: { requests: { storage: props.storageSize } },
              },
            },
          ],
        },
      });
      setAddress(statefulSet, store.key);
      this.statefulSets.push(statefulSet);
      setAddress(
        new NetworkPolicyV1(this, `${store.key}-network-policy`, { metadata, spec: storeIngress(store.key, selector, props) }),
        store.key,
      );
    }
  }

  /** PostgreSQL's init SQL and RabbitMQ's conf.d file, as the volumes each store mounts. */
  private configMaps(props: BundledDataStoresProps): Record<StoreKey, PodVolumes> {
    const initSql = new ConfigMapV1(this, "postgres-init", {
      metadata: { name: "kodus-postgres-init", namespace: props.site.namespace, labels: storeLabels(props.site.labels, "postgres") },
      data: { [BUNDLED_STORES.postgres.initFile]: POSTGRES_INIT_SQL },
    });
    setAddress(initSql, "postgres-init");
    const rabbitmqConf = new ConfigMapV1(this, "rabbitmq-conf", {
      metadata: { name: "kodus-rabbitmq-conf", namespace: props.site.namespace, labels: storeLabels(props.site.labels, "rabbitmq") },
      data: { [basename(RABBITMQ_CONF_PATH)]: rabbitmqMemoryConf(quantityBytes(props.resources.rabbitmq.limits.memory)) },
    });
    setAddress(rabbitmqConf, "rabbitmq-conf");
    return {
      postgres: [{ name: "init", configMap: { name: initSql.metadata.name } }],
      mongodb: [],
      rabbitmq: [{ name: "conf", configMap: { name: rabbitmqConf.metadata.name } }],
    };
  }
}

type PodVolumes = NonNullable<Parameters<typeof hardenedPodSpec>[0]["volumes"]>;

/** What differs between the three stores: environment, data path, command, checks, writable paths. */
function storeSpecs(props: BundledDataStoresProps): StoreSpec[] {
  const fromSecret = (name: string, key: string): EnvEntry => ({ name, valueFrom: { secretKeyRef: { name: props.secretName, key } } });
  const [pg, mongo, rabbit] = [
    BUNDLED_STORES.postgres.credentialsEnv,
    BUNDLED_STORES.mongodb.credentialsEnv,
    BUNDLED_STORES.rabbitmq.credentialsEnv,
  ];
  /** The store's row of the contract table; `readiness` as this deployment runs it. */
  const table = (key: StoreKey, readiness: string[] = [...BUNDLED_STORES[key].readiness]) => {
    const s = BUNDLED_STORES[key];
    return {
      key,
      dataPath: s.dataPath,
      readiness,
      alive: s.alive === "tcp" ? ({ tcp: true } as const) : { exec: readiness },
      startupFailures: s.startupFailures,
      writablePaths: s.writablePaths,
      readOnlyRootFilesystem: s.readOnlyRootFilesystem,
    };
  };
  return [
    {
      ...table("postgres", [...BUNDLED_STORES.postgres.readiness, "-U", props.postgres.username, "-d", props.postgres.database]),
      env: [
        ...literalEnv({
          [pg.user]: props.postgres.username,
          [pg.database]: props.postgres.database,
          ...BUNDLED_STORES.postgres.constantEnv,
        }),
        fromSecret(pg.password, STORE_PASSWORD_KEYS.postgres),
      ],
      // PostgreSQL's default of 100 connections is too few for Kodus' pools.
      args: postgresArgs(props.postgresMaxConnections),
      extraMounts: [{ name: "init", mountPath: BUNDLED_STORES.postgres.initDir, readOnly: true }],
    },
    {
      ...table("mongodb"),
      // Without the database variable: it only names the database init scripts run in.
      env: [...literalEnv({ [mongo.user]: props.mongodb.username }), fromSecret(mongo.password, STORE_PASSWORD_KEYS.mongodb)],
    },
    {
      ...table("rabbitmq"),
      env: [
        ...literalEnv({ [rabbit.user]: props.rabbitmq.username }),
        fromSecret(rabbit.password, STORE_PASSWORD_KEYS.rabbitmq),
        ...literalEnv(RABBITMQ_ENV),
      ],
      // Creates the kodus-ai vhost Kodus connects to (the image's default command does not).
      command: [...RABBITMQ_COMMAND],
      extraMounts: [{ name: "conf", mountPath: RABBITMQ_CONF_PATH, subPath: "20-kodus.conf", readOnly: true }],
    },
  ];
}

/** A store's hardened pod: its container with probes and resources (and RabbitMQ's cookie fix). */
function storePodSpec(store: StoreSpec, props: BundledDataStoresProps, volumes: PodVolumes) {
  const port = DATA_STORE_PORTS[store.key];
  const image = pinned(mirrored(DATA_STORE_IMAGES[store.key], props.registry), props.digests?.[store.key]);
  return hardenedPodSpec({
    serviceAccountName: props.site.serviceAccountName,
    placement: props.site.placement,
    runAsUser: STORE_UID,
    readOnlyRootFilesystem: store.readOnlyRootFilesystem,
    writablePaths: store.writablePaths,
    volumes,
    initContainers:
      store.key === "rabbitmq"
        ? [
            {
              name: "fix-cookie-mode",
              image,
              command: [...RABBITMQ_COOKIE_FIX],
              volumeMount: [{ name: "data", mountPath: store.dataPath }],
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            },
          ]
        : undefined,
    containers: [
      {
        name: store.key,
        image,
        command: store.command,
        args: store.args,
        port: [{ name: store.key, containerPort: port }],
        env: store.env,
        volumeMount: [{ name: "data", mountPath: store.dataPath }, ...(store.extraMounts ?? [])],
        startupProbe: { ...aliveCheck(store, port), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: store.startupFailures },
        livenessProbe: { ...aliveCheck(store, port), periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
        readinessProbe: { exec: { command: store.readiness }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        resources: { requests: { ...props.resources[store.key].requests }, limits: { ...props.resources[store.key].limits } },
      },
    ],
  });
}

/** Only the components that use a store may reach its port. */
function storeIngress(key: StoreKey, selector: Record<string, string>, props: BundledDataStoresProps) {
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ["Ingress"],
    ingress: [
      {
        ports: [{ port: String(DATA_STORE_PORTS[key]), protocol: "TCP" }],
        from: props.clients[key].map((c) => ({ podSelector: { matchLabels: selectorLabels(props.site.labels.instance, c) } })),
      },
    ],
  };
}

/** The liveness/startup check of a store: its exec command, or a TCP connect to its port. */
function aliveCheck(store: StoreSpec, port: number) {
  return "exec" in store.alive ? { exec: { command: store.alive.exec } } : { tcpSocket: [{ port: String(port) }] };
}
