/**
 * Kubernetes stack: production-grade Kodus in Fixed Mode with Chutes.
 * Secrets never reach Terraform state (write-only Secret data, or a Secret managed elsewhere);
 * rotation is one deploy that rolls every pod reading the Secret, without downtime.
 */
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { TerraformOutput, TerraformStack, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "./state-backend";
import { CA_BUNDLE_PATH, maxWorkers, type Config } from "../config/schema";
import { staleAfterSeconds } from "../config/schedule";
import {
  KODUS_COMPONENTS,
  KODUS_PORTS,
  enabledComponents,
  imageOwner,
  stopSeconds,
  storeClients,
  type Component,
  type ComponentPeers,
  type DataStore,
} from "../contract/components";
import { OPTIONAL_SECRET_ENV_NAMES, kodusEnvSettings, kodusUrls, secretEnvFor } from "../contract/kodus-env";
import { pgClientPods, pgPoolsSummary, postgresMaxConnections } from "../contract/data-stores";
import { CHUTES_KEY_ENV, STORE_PASSWORD_KEYS, secretEnvValues, secretInputsFor } from "../contract/secrets";
import { SecretVariables } from "../constructs/secret-variables";
import { SecretsRevision } from "../constructs/secrets-revision";
import { BundledDataStores } from "../constructs/kubernetes/bundled-data-stores";
import { ChutesHealthChecks, PREFLIGHT_COMPONENT } from "../constructs/kubernetes/chutes-health-checks";
import { ChutesAlerts } from "../constructs/kubernetes/chutes-alerts";
import { DataStoreEndpoints } from "../constructs/kubernetes/data-store-endpoints";
import { KodusEnvConfigMaps } from "../constructs/kubernetes/kodus-env-config-maps";
import { KodusIngress } from "../constructs/kubernetes/kodus-ingress";
import { KodusMigration, MIGRATE_COMPONENT } from "../constructs/kubernetes/kodus-migration";
import { KodusWorkload, type IngressPeers, type WorkloadPod } from "../constructs/kubernetes/kodus-workload";
import { componentLabels, type LabelProps } from "../constructs/kubernetes/labels";
import { secretEnv, type PodPlacement, type PodSite } from "../constructs/kubernetes/pod";
import { imageRef } from "../constructs/kubernetes/images";
import { proxyEnv } from "../config/proxy";
import { DefaultDenyNetworkPolicy, KodusEgressNetworkPolicy, httpsPorts } from "../constructs/kubernetes/network-policies";
import { WriteOnlySecret } from "../constructs/kubernetes/write-only-secret";
import { probeSettingsFor } from "../probe/probe-program";

export interface KubernetesStackProps {
  readonly config: Config;
}

/** Pod-template annotation carrying the secrets revision: bumping it rolls every pod. */
export const SECRETS_REVISION_ANNOTATION = "kodus.io/secrets-revision";
/** Pod-template annotation carrying a digest of the component's ConfigMap. */
export const CONFIG_HASH_ANNOTATION = "kodus.io/config-hash";
const INSTANCE = "kodus";

/**
 * PostgreSQL connections Kodus may open on Kubernetes: every pool of each deployed component
 * full at its configured maximum of pods (scaleLimits, which replicas and HPA maxima may not
 * exceed) plus the migration Job. Current replica counts play no part: scaling never restarts
 * PostgreSQL; switching an optional component on or off does.
 */
export function kubernetesPostgresMaxConnections(config: Pick<Config, "kodus" | "kubernetes">): number {
  const deployed = enabledComponents(config.kodus.components);
  return postgresMaxConnections({ ...pgClientPods(config.kubernetes.scaleLimits, deployed), migrators: 1 });
}

/** What every part of the deployment shares: set up once, at the top of the stack. */
interface Cluster {
  readonly config: Config;
  readonly k8s: Config["kubernetes"];
  /**
   * What every pod of the deployment (Kodus, migrations, checks, bundled stores) shares: the
   * namespace (a reference when the stack creates it), labels, service account and placement.
   */
  readonly site: PodSite;
  readonly components: readonly Component[];
  readonly endpoints: DataStoreEndpoints;
  readonly revision: SecretsRevision;
}

export class KubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: KubernetesStackProps) {
    super(scope, id);
    const { config } = props;
    addStateBackend(this, config.terraform.backend, id); // id = the stack name, environment included
    // Write-only Secret data needs Terraform 1.11.
    this.addOverride("terraform.required_version", ">= 1.11.0");
    const k8s = config.kubernetes;
    new KubernetesProvider(this, "kubernetes", { configPath: k8s.kubeconfig.path, configContext: k8s.kubeconfig.context });
    const cluster = foundation(this, config);

    // Order: candidate key Secret -> preflight Job -> Kodus Secret -> migrations -> Deployments,
    // so a key Chutes rejects never reaches the Kodus Secret or any pod.
    const values = k8s.secrets.mode === "terraform" ? kodusSecretValues(this, cluster) : undefined;
    const checks = addHealthChecks(this, cluster, values);
    const secret = addKodusSecret(this, cluster, values, checks);
    const env = addEnvConfigMaps(this, cluster);
    const stores = cluster.endpoints.bundled ? addBundledStores(this, cluster, secret).statefulSets : [];
    const migration = new KodusMigration(this, "migrate", {
      site: cluster.site,
      image: kodusImage(config, "api"),
      configMap: env.of("api"),
      secretName: secret.name,
      secretEnvNames: secretEnvFor("api"),
      resources: k8s.resources.api,
      dependsOn: [...secret.deps, ...stores],
    });
    if (k8s.networkPolicy.defaultDeny) addDefaultDeny(this, cluster);
    const gates: ITerraformDependable[] = checks?.preflight ? [migration.job, checks.preflight] : [migration.job];
    const workloads = addKodusComponents(this, cluster, { env, secretName: secret.name, gates });
    if (k8s.ingress.enabled) addIngress(this, cluster, workloads);
    addOutputs(this, cluster, checks);
  }
}

/** Namespace (created or given), the pods' service account, the secrets revision, where the stores are. */
function foundation(stack: KubernetesStack, config: Config): Cluster {
  const k8s = config.kubernetes;
  const revision = new SecretsRevision(stack, "secrets-revision", {
    description:
      "Bump after changing chutes_api_key or another Kodus secret, or a RabbitMQ host/port/user (API_RABBITMQ_URI is secret): rewrites the write-only Secrets (Terraform cannot see a write-only change otherwise), re-runs the Chutes preflight and rolls every pod that reads the Secret. Data-store passwords are read by the stores only at first initialization: changing them needs a password change inside the store first.",
  });
  const labels: LabelProps = { instance: INSTANCE, version: config.kodus.version };
  const namespace = k8s.createNamespace
    ? new NamespaceV1(stack, "namespace", {
        metadata: {
          name: k8s.namespace,
          labels: { ...componentLabels(labels, "namespace"), "pod-security.kubernetes.io/enforce": "restricted" },
        },
      }).metadata.name
    : k8s.namespace;
  const serviceAccount = new ServiceAccountV1(stack, "service-account", {
    metadata: { name: "kodus", namespace, labels: componentLabels(labels, "service-account") },
    automountServiceAccountToken: false,
  }).metadata.name;
  const stores = k8s.dataStores;
  const endpoints = new DataStoreEndpoints(stack, "data-stores", {
    mode: stores.mode,
    external: {
      postgres: { host: stores.postgres.host, port: stores.postgres.port },
      mongodb: { host: stores.mongodb.host, port: stores.mongodb.port },
      rabbitmq: { host: stores.rabbitmq.host, port: stores.rabbitmq.port },
    },
  });
  const placement: PodPlacement = { ...k8s.scheduling, imagePullSecrets: k8s.images.pullSecrets, fixedIds: k8s.podSecurity.fixedIds };
  const components = enabledComponents(config.kodus.components);
  const site: PodSite = { namespace, labels, serviceAccountName: serviceAccount, placement };
  return { config, k8s, site, components, endpoints, revision };
}

/** A Kodus component's image: kodus.version from the registry (and digest) configured. */
function kodusImage(config: Config, component: Component): string {
  return imageRef(KODUS_COMPONENTS[component].image, config.kodus.version, config.kubernetes.images, imageOwner(component));
}

/**
 * The Chutes preflight Job and periodic CronJob (with their alert rules), as configured. In
 * terraform mode the preflight reads the key being deployed from a Secret of its own.
 */
function addHealthChecks(stack: KubernetesStack, cluster: Cluster, values: Record<string, string> | undefined) {
  const { config, k8s, site } = cluster;
  const { namespace, labels } = site;
  const runPreflight = config.healthcheck.enabled && config.healthcheck.preflight;
  const runPeriodic = config.healthcheck.enabled && config.healthcheck.periodic;
  if (!runPreflight && !runPeriodic) return undefined;
  const candidate =
    values && runPreflight
      ? new WriteOnlySecret(stack, "preflight-key", {
          namespace,
          name: "kodus-chutes-preflight",
          labels,
          component: PREFLIGHT_COMPONENT,
          data: { [CHUTES_KEY_ENV]: values[CHUTES_KEY_ENV] },
          revision: cluster.revision.value,
        })
      : undefined;
  const checks = new ChutesHealthChecks(stack, "chutes", {
    site,
    image: kodusImage(config, "api"),
    secretName: k8s.secrets.name,
    preflightSecretName: candidate?.name,
    preflightDependsOn: candidate ? [candidate.secret] : [],
    secretKey: CHUTES_KEY_ENV,
    probe: probeSettingsFor(config),
    schedule: config.healthcheck.schedule,
    resources: config.healthcheck.resources,
    revision: cluster.revision.ref,
    preflight: runPreflight,
    periodic: runPeriodic,
  });
  // Optional: needs the Prometheus Operator's CRD (and the cluster) when Terraform plans it.
  if (checks.cronJob && config.healthcheck.prometheusRule.enabled) {
    new ChutesAlerts(stack, "chutes-alerts", {
      namespace: k8s.namespace,
      labels,
      cronJobName: checks.cronJobName,
      budget: config.healthcheck.budget.enabled,
      staleAfterSeconds: staleAfterSeconds(config.healthcheck),
      extraLabels: config.healthcheck.prometheusRule.labels,
      dependsOn: [checks.cronJob],
    });
  }
  return checks;
}

/** The Kodus Secret pods read: its name, and what must exist before a pod reads it. */
interface KodusSecret {
  readonly name: string;
  readonly deps: ITerraformDependable[];
}

/** The Kodus Secret: written by Terraform once the preflight passed, or the one you manage. */
function addKodusSecret(
  stack: KubernetesStack,
  cluster: Cluster,
  values: Record<string, string> | undefined,
  checks: ChutesHealthChecks | undefined,
): KodusSecret {
  if (!values) return { name: cluster.k8s.secrets.name, deps: [] };
  const secret = new WriteOnlySecret(stack, "secret", {
    namespace: cluster.site.namespace,
    name: cluster.k8s.secrets.name,
    labels: cluster.site.labels,
    component: "secrets",
    data: values,
    revision: cluster.revision.value,
    dependsOn: checks?.preflight ? [checks.preflight] : undefined,
  });
  // The periodic check reads the Kodus Secret: create it first.
  checks?.addPeriodicDependency(secret.secret);
  return { name: secret.name, deps: [secret.secret] };
}

/** One ConfigMap of plain Kodus settings per deployed component. */
function addEnvConfigMaps(stack: KubernetesStack, cluster: Cluster): KodusEnvConfigMaps {
  const { config, k8s, endpoints } = cluster;
  const stores = k8s.dataStores;
  return new KodusEnvConfigMaps(stack, "env", {
    namespace: cluster.site.namespace,
    labels: cluster.site.labels,
    components: cluster.components,
    settings: kodusEnvSettings(config, {
      target: "kubernetes",
      workers: maxWorkers(k8s),
      apiHost: "kodus-api",
      mcpManagerHost: "kodus-mcp-manager",
      postgres: {
        ...endpoints.postgres,
        database: stores.postgres.database,
        username: stores.postgres.username,
        disableSsl: endpoints.bundled || stores.postgres.disableSsl,
      },
      mongodb: { ...endpoints.mongodb, database: stores.mongodb.database, username: stores.mongodb.username },
    }),
  });
}

/** PostgreSQL, MongoDB and RabbitMQ in the cluster (evaluation clusters). */
function addBundledStores(stack: KubernetesStack, cluster: Cluster, secret: KodusSecret): BundledDataStores {
  const { config, k8s, components } = cluster;
  const stores = k8s.dataStores;
  // Per store: the enabled components that use it (contract dataStores), and the migration Job.
  const clientsOf = (store: DataStore) => [...storeClients(components, store), MIGRATE_COMPONENT];
  return new BundledDataStores(stack, "bundled-data-stores", {
    site: cluster.site,
    secretName: secret.name,
    postgres: { username: stores.postgres.username, database: stores.postgres.database },
    mongodb: { username: stores.mongodb.username },
    rabbitmq: { username: stores.rabbitmq.username },
    storageClass: stores.storageClass,
    storageSize: stores.storageSize,
    resources: stores.resources,
    postgresMaxConnections: kubernetesPostgresMaxConnections(config),
    clients: { postgres: clientsOf("postgres"), mongodb: clientsOf("mongodb"), rabbitmq: clientsOf("rabbitmq") },
    dependsOn: secret.deps,
    registry: k8s.images.registry,
    digests: { postgres: k8s.images.digests.postgres, mongodb: k8s.images.digests.mongodb, rabbitmq: k8s.images.digests.rabbitmq },
  });
}

/** networkPolicy.defaultDeny: nothing in or out of the namespace but what each policy allows. */
function addDefaultDeny(stack: KubernetesStack, cluster: Cluster): void {
  const { config, k8s, endpoints } = cluster;
  const { namespace, labels } = cluster.site;
  const egress = k8s.networkPolicy.egress;
  const stores = k8s.dataStores;
  new DefaultDenyNetworkPolicy(stack, "default-deny", { namespace, labels });
  new KodusEgressNetworkPolicy(stack, "egress", {
    namespace,
    labels,
    dnsNamespace: egress.dnsNamespace,
    httpsCidrs: egress.httpsCidrs,
    httpsPorts: httpsPorts(config.llm.baseUrl),
    dataStores: endpoints.bundled
      ? undefined
      : { cidrs: egress.dataStoreCidrs, ports: [stores.postgres.port, stores.mongodb.port, stores.rabbitmq.port] },
    extra: egress.extra,
  });
}

/** What each Kodus component's pods get besides their contract row. */
interface ComponentInputs {
  readonly env: KodusEnvConfigMaps;
  readonly secretName: string;
  /** Deployments wait for these (the migration Job, the preflight). */
  readonly gates: ITerraformDependable[];
}

/** A Deployment (and Service, PDB, HPA, NetworkPolicy) per deployed Kodus component. */
function addKodusComponents(stack: KubernetesStack, cluster: Cluster, inputs: ComponentInputs): Record<Component, KodusWorkload> {
  const { k8s } = cluster;
  const workloads = {} as Record<Component, KodusWorkload>;
  for (const component of cluster.components) {
    const row = KODUS_COMPONENTS[component];
    const autoscale = component === "api" || component === "worker" ? k8s.autoscaling[component] : undefined;
    workloads[component] = new KodusWorkload(stack, component, {
      component,
      row,
      pod: kodusPod(cluster, component, inputs),
      replicas: k8s.replicas[component],
      autoscaling: autoscale?.enabled ? autoscale : undefined,
      ingressFrom: ingressPeers(k8s, row.peers),
      rolloutTimeoutSeconds: k8s.rolloutTimeoutSeconds,
      dependsOn: inputs.gates,
    });
  }
  return workloads;
}

/** One Kodus component's pods: the contract's env, your pods.<component> settings, the cluster's placement. */
function kodusPod(cluster: Cluster, component: Component, inputs: ComponentInputs): WorkloadPod {
  const { config, k8s } = cluster;
  const pod = k8s.pods[component];
  // kodus.proxy: HTTP(S)_PROXY and NO_PROXY (with the hosts Kodus calls inside the cluster) on every Kodus container.
  const proxy = proxyEnv(config.kodus.proxy, [".svc", ".cluster.local", "kodus-api", "kodus-mcp-manager"]);
  return {
    ...cluster.site,
    image: kodusImage(config, component),
    resources: k8s.resources[component],
    configMapName: inputs.env.of(component).name,
    // pods.<component>.env: your plain values and secretKeyRefs, after Kodus' own.
    env: [
      ...secretEnv(inputs.secretName, secretEnvFor(component), OPTIONAL_SECRET_ENV_NAMES),
      ...proxy,
      ...(k8s.caBundle ? [{ name: "NODE_EXTRA_CA_CERTS", value: CA_BUNDLE_PATH }] : []),
      ...pod.env.map((e) => structuredClone(e)),
    ],
    annotations: {
      ...pod.annotations,
      [SECRETS_REVISION_ANNOTATION]: cluster.revision.ref,
      [CONFIG_HASH_ANNOTATION]: inputs.env.of(component).hash,
    },
    extraLabels: { ...pod.labels },
    // pods.<component>.scheduling: each field set replaces the global one (as the chart's kodus.podPlacement).
    placement: {
      ...cluster.site.placement,
      ...Object.fromEntries(Object.entries(pod.scheduling ?? {}).filter(([, v]) => v !== undefined)),
    },
    spread: k8s.scheduling.topologySpreadConstraints,
    terminationGracePeriodSeconds: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
    caBundle: k8s.caBundle ? { ...k8s.caBundle, path: CA_BUNDLE_PATH } : undefined,
  };
}

/** Who may connect to a component: the contract's peers, with the configured ingress controller. */
function ingressPeers(k8s: Config["kubernetes"], peers: ComponentPeers): IngressPeers {
  if (peers.kind !== "ingress-controller") return peers;
  const controller = k8s.networkPolicy.ingressController;
  return controller.namespace ? { kind: "namespace", namespace: controller.namespace, podLabels: controller.podLabels } : { kind: "any" };
}

/** The Ingress: web and webhooks on their hosts. */
function addIngress(stack: KubernetesStack, cluster: Cluster, workloads: Record<Component, KodusWorkload>): void {
  const ing = cluster.k8s.ingress;
  new KodusIngress(stack, "ingress", {
    namespace: cluster.site.namespace,
    labels: cluster.site.labels,
    className: ing.className,
    annotations: ing.annotations,
    tlsSecretName: ing.tlsSecretName,
    web: { host: ing.webHost, serviceName: workloads.web.name, port: KODUS_PORTS.web },
    webhooks: { host: ing.webhooksHost, serviceName: workloads.webhooks.name, port: KODUS_PORTS.webhooks },
  });
}

/** Outputs an operator reads after a deploy: revision, URLs, PostgreSQL sizing, where the preflight logs are. */
function addOutputs(stack: KubernetesStack, cluster: Cluster, checks: ChutesHealthChecks | undefined): void {
  const { config, k8s } = cluster;
  cluster.revision.addOutput(stack);
  new TerraformOutput(stack, "namespace_name", { value: cluster.site.namespace, description: "Namespace Kodus runs in" });
  const urls = kodusUrls(config, "kubernetes");
  new TerraformOutput(stack, "web_url", { value: urls.publicUrl, description: "Kodus web UI" });
  new TerraformOutput(stack, "webhooks_url", { value: urls.webhooksUrl, description: "Base URL git providers call" });
  new TerraformOutput(stack, "postgres_max_connections", {
    value: kubernetesPostgresMaxConnections(config),
    description: cluster.endpoints.bundled
      ? "max_connections of the bundled PostgreSQL (Kodus pools at the most pods, the migration Job, headroom)"
      : `max_connections your PostgreSQL needs at least: Kodus' pools (${pgPoolsSummary()}) at scaleLimits pods of each component deployed, + the migration Job + headroom`,
  });
  new TerraformOutput(stack, "api_service", {
    value: `kodus-api.${k8s.namespace}.svc:${KODUS_PORTS.api}`,
    description: "In-cluster API address",
  });
  const preflightName = checks?.preflight?.metadata.name;
  if (preflightName !== undefined) {
    new TerraformOutput(stack, "preflight_logs", {
      value: `kubectl -n ${k8s.namespace} logs job/${preflightName}`,
      description: `Read the Chutes ${PREFLIGHT_COMPONENT} result`,
    });
  }
}

/**
 * The Kodus Secret's values in terraform mode: references to ephemeral variables (used only in
 * write-only data, so no value reaches plan or state), the RabbitMQ URI built from them, and the
 * bundled RabbitMQ's own password.
 */
function kodusSecretValues(scope: Construct, cluster: Cluster): Record<string, string> {
  const { endpoints } = cluster;
  const inputs = new SecretVariables(scope, "secrets", { ephemeral: true, inputs: secretInputsFor(cluster.components, "kubernetes") });
  const values = secretEnvValues(
    (name) => inputs.ref(name),
    SecretVariables.urlEncode,
    { ...endpoints.rabbitmq, username: cluster.k8s.dataStores.rabbitmq.username },
    inputs.names,
    SecretVariables.orElse,
  );
  if (endpoints.bundled) values[STORE_PASSWORD_KEYS.rabbitmq] = inputs.ref("rabbitmq_password");
  return values;
}
