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
} from "../contract/components";
import { OPTIONAL_SECRET_ENV_NAMES, kodusEnvSettings, kodusUrls, secretEnvFor } from "../contract/kodus-env";
import { pgClientPods, pgPoolsSummary, postgresMaxConnections } from "../contract/data-stores";
import { secretEnvValues, secretInputsFor } from "../contract/secrets";
import { SecretVariables } from "../constructs/secret-variables";
import { SecretsRevision } from "../constructs/secrets-revision";
import { BundledDataStores, RABBITMQ_PASSWORD_KEY } from "../constructs/kubernetes/bundled-data-stores";
import { ChutesHealthChecks, PREFLIGHT_COMPONENT } from "../constructs/kubernetes/chutes-health-checks";
import { ChutesAlerts } from "../constructs/kubernetes/chutes-alerts";
import { DataStoreEndpoints } from "../constructs/kubernetes/data-store-endpoints";
import { KodusEnvConfigMaps } from "../constructs/kubernetes/kodus-env-config-maps";
import { KodusIngress } from "../constructs/kubernetes/kodus-ingress";
import { KodusMigration, MIGRATE_COMPONENT } from "../constructs/kubernetes/kodus-migration";
import { KodusWorkload, type IngressPeers } from "../constructs/kubernetes/kodus-workload";
import { componentLabels, type LabelProps } from "../constructs/kubernetes/labels";
import { secretEnv, type PodPlacement } from "../constructs/kubernetes/pod";
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

export class KubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: KubernetesStackProps) {
    super(scope, id);
    const { config } = props;
    const k8s = config.kubernetes;
    addStateBackend(this, config.terraform.backend, id); // id = the stack name, environment included
    // Write-only Secret data needs Terraform 1.11.
    this.addOverride("terraform.required_version", ">= 1.11.0");
    new KubernetesProvider(this, "kubernetes", { configPath: k8s.kubeconfig.path, configContext: k8s.kubeconfig.context });

    const revision = new SecretsRevision(this, "secrets-revision", {
      description:
        "Bump after changing chutes_api_key or another Kodus secret, or a RabbitMQ host/port/user (API_RABBITMQ_URI is secret): rewrites the write-only Secrets (Terraform cannot see a write-only change otherwise), re-runs the Chutes preflight and rolls every pod that reads the Secret. Data-store passwords are read by the stores only at first initialization: changing them needs a password change inside the store first.",
    });

    const labels: LabelProps = { instance: INSTANCE, version: config.kodus.version };
    const namespace = k8s.createNamespace
      ? new NamespaceV1(this, "namespace", {
          metadata: {
            name: k8s.namespace,
            labels: { ...componentLabels(labels, "namespace"), "pod-security.kubernetes.io/enforce": "restricted" },
          },
        }).metadata.name
      : k8s.namespace;
    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: "kodus", namespace, labels: componentLabels(labels, "service-account") },
      automountServiceAccountToken: false,
    }).metadata.name;

    const stores = k8s.dataStores;
    const endpoints = new DataStoreEndpoints(this, "data-stores", {
      mode: stores.mode,
      external: {
        postgres: { host: stores.postgres.host, port: stores.postgres.port },
        mongodb: { host: stores.mongodb.host, port: stores.mongodb.port },
        rabbitmq: { host: stores.rabbitmq.host, port: stores.rabbitmq.port },
      },
    });
    const image = (component: Component) =>
      imageRef(KODUS_COMPONENTS[component].image, config.kodus.version, k8s.images, imageOwner(component));
    const components = enabledComponents(config.kodus.components);
    // Every pod of the deployment: Kodus, migrations, checks and bundled stores.
    const placement: PodPlacement = { ...k8s.scheduling, imagePullSecrets: k8s.images.pullSecrets, fixedIds: k8s.podSecurity.fixedIds };

    // --- secrets and the Chutes preflight ---
    // Order: candidate key Secret -> preflight Job -> Kodus Secret -> migrations -> Deployments,
    // so a key Chutes rejects never reaches the Kodus Secret or any pod.
    const values = k8s.secrets.mode === "terraform" ? kodusSecretValues(this, endpoints, stores.rabbitmq.username, components) : undefined;
    const runPreflight = config.healthcheck.enabled && config.healthcheck.preflight;
    const runPeriodic = config.healthcheck.enabled && config.healthcheck.periodic;
    let checks: ChutesHealthChecks | undefined;
    if (runPreflight || runPeriodic) {
      // In terraform mode the preflight reads the key being deployed from a Secret of its own.
      const candidate =
        values && runPreflight
          ? new WriteOnlySecret(this, "preflight-key", {
              namespace,
              name: "kodus-chutes-preflight",
              labels,
              component: PREFLIGHT_COMPONENT,
              data: { API_OPEN_AI_API_KEY: values.API_OPEN_AI_API_KEY },
              revision: revision.value,
            })
          : undefined;
      checks = new ChutesHealthChecks(this, "chutes", {
        namespace,
        labels,
        image: image("api"),
        serviceAccountName: serviceAccount,
        secretName: k8s.secrets.name,
        preflightSecretName: candidate?.name,
        preflightDependsOn: candidate ? [candidate.secret] : [],
        secretKey: "API_OPEN_AI_API_KEY",
        probe: probeSettingsFor(config),
        schedule: config.healthcheck.schedule,
        resources: config.healthcheck.resources,
        revision: revision.ref,
        preflight: runPreflight,
        periodic: runPeriodic,
        placement,
      });
      // Optional: needs the Prometheus Operator's CRD (and the cluster) when Terraform plans it.
      if (checks.cronJob && config.healthcheck.prometheusRule.enabled) {
        new ChutesAlerts(this, "chutes-alerts", {
          namespace: k8s.namespace,
          labels,
          cronJobName: checks.cronJobName,
          budget: config.healthcheck.budget.enabled,
          staleAfterSeconds: staleAfterSeconds(config.healthcheck),
          extraLabels: config.healthcheck.prometheusRule.labels,
          dependsOn: [checks.cronJob],
        });
      }
    }

    // The Kodus Secret: written by Terraform (after the preflight passed), or one you manage.
    const kodusSecret = values
      ? new WriteOnlySecret(this, "secret", {
          namespace,
          name: k8s.secrets.name,
          labels,
          component: "secrets",
          data: values,
          revision: revision.value,
          dependsOn: checks?.preflight ? [checks.preflight] : undefined,
        })
      : undefined;
    // The periodic check reads the Kodus Secret: create it first.
    if (kodusSecret) checks?.addPeriodicDependency(kodusSecret.secret);
    const secretName = kodusSecret?.name ?? k8s.secrets.name;
    const secretDeps: ITerraformDependable[] = kodusSecret ? [kodusSecret.secret] : [];

    const env = new KodusEnvConfigMaps(this, "env", {
      namespace,
      labels,
      components,
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

    // --- bundled data stores (evaluation clusters) ---
    const storeDeps: ITerraformDependable[] = [];
    if (endpoints.bundled) {
      const data = new BundledDataStores(this, "bundled-data-stores", {
        namespace,
        labels,
        serviceAccountName: serviceAccount,
        secretName,
        postgres: { username: stores.postgres.username, database: stores.postgres.database },
        mongodb: { username: stores.mongodb.username },
        rabbitmq: { username: stores.rabbitmq.username },
        storageClass: stores.storageClass,
        storageSize: stores.storageSize,
        resources: stores.resources,
        postgresMaxConnections: kubernetesPostgresMaxConnections(config),
        // Per store: the enabled components that use it (contract dataStores), and the migration Job.
        clients: {
          postgres: [...storeClients(components, "postgres"), MIGRATE_COMPONENT],
          mongodb: [...storeClients(components, "mongodb"), MIGRATE_COMPONENT],
          rabbitmq: [...storeClients(components, "rabbitmq"), MIGRATE_COMPONENT],
        },
        dependsOn: secretDeps,
        placement,
        registry: k8s.images.registry,
        digests: { postgres: k8s.images.digests.postgres, mongodb: k8s.images.digests.mongodb, rabbitmq: k8s.images.digests.rabbitmq },
      });
      storeDeps.push(...data.statefulSets);
    }

    const migration = new KodusMigration(this, "migrate", {
      namespace,
      labels,
      image: image("api"),
      configMap: env.of("api"),
      secretName,
      secretEnvNames: secretEnvFor("api"),
      resources: k8s.resources.api,
      serviceAccountName: serviceAccount,
      placement,
      dependsOn: [...secretDeps, ...storeDeps],
    });
    const gates: ITerraformDependable[] = checks?.preflight ? [migration.job, checks.preflight] : [migration.job];

    // --- network policies: web and webhooks from the ingress controller; an optional default deny ---
    const controller = k8s.networkPolicy.ingressController;
    const fromIngressController: IngressPeers = controller.namespace
      ? { kind: "namespace", namespace: controller.namespace, podLabels: controller.podLabels }
      : { kind: "any" };
    if (k8s.networkPolicy.defaultDeny) {
      const egress = k8s.networkPolicy.egress;
      new DefaultDenyNetworkPolicy(this, "default-deny", { namespace, labels });
      new KodusEgressNetworkPolicy(this, "egress", {
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

    // --- Kodus components ---
    // kodus.proxy: HTTP(S)_PROXY and NO_PROXY (with the hosts Kodus calls inside the cluster) on every Kodus container.
    const proxy = proxyEnv(config.kodus.proxy, [".svc", ".cluster.local", "kodus-api", "kodus-mcp-manager"]);
    const peers = (p: ComponentPeers): IngressPeers => (p.kind === "ingress-controller" ? fromIngressController : p);
    const workloads = {} as Record<Component, KodusWorkload>;
    for (const component of components) {
      const spec = KODUS_COMPONENTS[component];
      const autoscale = component === "api" || component === "worker" ? k8s.autoscaling[component] : undefined;
      workloads[component] = new KodusWorkload(this, component, {
        component,
        namespace,
        labels,
        image: image(component),
        replicas: k8s.replicas[component],
        resources: k8s.resources[component],
        configMapName: env.of(component).name,
        // pods.<component>.env: your plain values and secretKeyRefs, after Kodus' own.
        env: [
          ...secretEnv(secretName, secretEnvFor(component), OPTIONAL_SECRET_ENV_NAMES),
          ...proxy,
          ...(k8s.caBundle ? [{ name: "NODE_EXTRA_CA_CERTS", value: CA_BUNDLE_PATH }] : []),
          ...k8s.pods[component].env.map((e) => structuredClone(e)),
        ],
        serviceAccountName: serviceAccount,
        podAnnotations: {
          ...k8s.pods[component].annotations,
          [SECRETS_REVISION_ANNOTATION]: revision.ref,
          [CONFIG_HASH_ANNOTATION]: env.of(component).hash,
        },
        podLabels: { ...k8s.pods[component].labels },
        // pods.<component>.scheduling: each field set replaces the global one (as the chart's kodus.podPlacement).
        placement: {
          ...placement,
          ...Object.fromEntries(Object.entries(k8s.pods[component].scheduling ?? {}).filter(([, v]) => v !== undefined)),
        },
        spread: k8s.scheduling.topologySpreadConstraints,
        probes: { port: spec.port, ...spec.health, startupSeconds: spec.startupSeconds },
        service: spec.service,
        ingressFrom: peers(spec.peers),
        terminationGracePeriodSeconds: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
        writablePaths: spec.writablePaths,
        caBundle: k8s.caBundle ? { ...k8s.caBundle, path: CA_BUNDLE_PATH } : undefined,
        autoscaling: autoscale?.enabled ? autoscale : undefined,
        rolloutTimeoutSeconds: k8s.rolloutTimeoutSeconds,
        dependsOn: gates,
      });
    }

    if (k8s.ingress.enabled) {
      const ing = k8s.ingress;
      new KodusIngress(this, "ingress", {
        namespace,
        labels,
        className: ing.className,
        annotations: ing.annotations,
        tlsSecretName: ing.tlsSecretName,
        web: { host: ing.webHost, serviceName: workloads.web.name, port: KODUS_PORTS.web },
        webhooks: { host: ing.webhooksHost, serviceName: workloads.webhooks.name, port: KODUS_PORTS.webhooks },
      });
    }

    new TerraformOutput(this, "secrets-revision-output", {
      value: revision.value,
      description: "Secrets revision deployed (npm run secrets -- rotate NAME bumps it)",
    }).overrideLogicalId("secrets_revision");
    new TerraformOutput(this, "namespace_name", { value: namespace, description: "Namespace Kodus runs in" });
    const urls = kodusUrls(config, "kubernetes");
    new TerraformOutput(this, "web_url", { value: urls.publicUrl, description: "Kodus web UI" });
    new TerraformOutput(this, "webhooks_url", { value: urls.webhooksUrl, description: "Base URL git providers call" });
    new TerraformOutput(this, "postgres_max_connections", {
      value: kubernetesPostgresMaxConnections(config),
      description: endpoints.bundled
        ? "max_connections of the bundled PostgreSQL (Kodus pools at the most pods, the migration Job, headroom)"
        : `max_connections your PostgreSQL needs at least: Kodus' pools (${pgPoolsSummary()}) at scaleLimits pods of each component deployed, + the migration Job + headroom`,
    });
    new TerraformOutput(this, "api_service", {
      value: `kodus-api.${k8s.namespace}.svc:${KODUS_PORTS.api}`,
      description: "In-cluster API address",
    });
    const preflightName = checks?.preflight?.metadata.name;
    if (preflightName !== undefined) {
      new TerraformOutput(this, "preflight_logs", {
        value: `kubectl -n ${k8s.namespace} logs job/${preflightName}`,
        description: `Read the Chutes ${PREFLIGHT_COMPONENT} result`,
      });
    }
  }
}

/**
 * The Kodus Secret's values in terraform mode: references to ephemeral variables (used only in
 * write-only data, so no value reaches plan or state), the RabbitMQ URI built from them, and the
 * bundled RabbitMQ's own password.
 */
function kodusSecretValues(
  scope: Construct,
  endpoints: DataStoreEndpoints,
  rabbitmqUser: string,
  components: readonly Component[],
): Record<string, string> {
  const inputs = new SecretVariables(scope, "secrets", { ephemeral: true, inputs: secretInputsFor(components, "kubernetes") });
  const values = secretEnvValues(
    (name) => inputs.ref(name),
    SecretVariables.urlEncode,
    { ...endpoints.rabbitmq, username: rabbitmqUser },
    inputs.names,
    SecretVariables.orElse,
  );
  if (endpoints.bundled) values[RABBITMQ_PASSWORD_KEY] = inputs.ref("rabbitmq_password");
  return values;
}
