/**
 * Kubernetes stack: production-grade Kodus in Fixed Mode with Chutes.
 * Secrets never reach Terraform state (write-only Secret data, or a Secret managed elsewhere);
 * rotation is one deploy that rolls every pod reading the Secret, without downtime.
 */
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Fn, dependable, TerraformOutput, TerraformStack, TerraformVariable, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "./state-backend";
import { maxWorkers, type Config } from "../config/schema";
import {
  BACKEND,
  COMPONENTS,
  KODUS_COMPONENTS,
  KODUS_PORTS,
  stopSeconds,
  type Component,
  type ComponentPeers,
} from "../contract/components";
import { MIGRATOR_ENV, kodusEnvSettings, kodusUrls, plainEnvFor, secretEnvFor } from "../contract/kodus-env";
import { DATA_STORE_PORTS, postgresMaxConnections } from "../contract/data-stores";
import { secretEnvValues } from "../contract/secrets";
import { SecretVariables } from "../constructs/secret-variables";
import { BUNDLED_HOSTS, BundledDataStores, RABBITMQ_PASSWORD_KEY } from "../constructs/kubernetes/bundled-data-stores";
import { ChutesHealthChecks, PREFLIGHT_COMPONENT } from "../constructs/kubernetes/chutes-health-checks";
import { ChutesAlerts } from "../constructs/kubernetes/chutes-alerts";
import { probeSettingsFor } from "../probe/probe-program";
import { KodusWorkload, type IngressPeers } from "../constructs/kubernetes/kodus-workload";
import { componentLabels, type LabelProps } from "../constructs/kubernetes/labels";
import { hardenedPodSpec, literalEnv, secretEnv, type PodPlacement } from "../constructs/kubernetes/pod";
import { imageRef } from "../constructs/kubernetes/images";
import { DefaultDenyNetworkPolicy, httpsPorts } from "../constructs/kubernetes/network-policies";

export interface KubernetesStackProps {
  readonly config: Config;
}

/** Pod-template annotation carrying the secrets revision: bumping it rolls every pod. */
export const SECRETS_REVISION_ANNOTATION = "kodus.io/secrets-revision";
/** Pod-template annotation carrying a digest of the component's ConfigMap. */
export const CONFIG_HASH_ANNOTATION = "kodus.io/config-hash";
export const MIGRATE_COMPONENT = "migrate";
const INSTANCE = "kodus";

/**
 * PostgreSQL connections Kodus may open on Kubernetes: every pool full at the most pods each
 * component can run (the HPA maximum where one is enabled) plus the migration Job.
 */
export function kubernetesPostgresMaxConnections(k: Config["kubernetes"]): number {
  const most = (c: "api" | "worker") => (k.autoscaling[c].enabled ? k.autoscaling[c].maxReplicas : k.replicas[c]);
  return postgresMaxConnections({ api: most("api"), worker: most("worker"), webhooks: k.replicas.webhooks, migrators: 1 });
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

    const revision = new TerraformVariable(this, "secrets_revision", {
      type: "number",
      default: 1,
      nullable: false,
      description:
        "Bump after changing chutes_api_key or another Kodus secret, or a RabbitMQ host/port/user (API_RABBITMQ_URI is secret): rewrites the write-only Secrets (Terraform cannot see a write-only change otherwise), re-runs the Chutes preflight and rolls every pod that reads the Secret. Data-store passwords are read by the stores only at first initialization: changing them needs a password change inside the store first.",
      validation: [
        {
          condition: "${var.secrets_revision >= 1 && floor(var.secrets_revision) == var.secrets_revision}",
          errorMessage: "secrets_revision must be a whole number >= 1.",
        },
      ],
    });
    const revisionRef = `\${var.secrets_revision}`;

    const labelProps: LabelProps = { instance: INSTANCE, version: config.kodus.version };
    const namespace = k8s.createNamespace
      ? new NamespaceV1(this, "namespace", {
          metadata: {
            name: k8s.namespace,
            labels: { ...componentLabels(labelProps, "namespace"), "pod-security.kubernetes.io/enforce": "restricted" },
          },
        }).metadata.name
      : k8s.namespace;

    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: "kodus", namespace, labels: componentLabels(labelProps, "service-account") },
      automountServiceAccountToken: false,
    }).metadata.name;

    // --- data-store endpoints ---
    const bundled = k8s.dataStores.mode === "bundled";
    const stores = k8s.dataStores;
    const hostVar = (store: "postgres" | "mongodb" | "rabbitmq") =>
      new TerraformVariable(this, `${store}_host`, {
        type: "string",
        nullable: false,
        default: stores[store].host,
        description: `Host of the external ${store} (kubernetes.dataStores.${store}.host in the config).`,
      }).stringValue;
    const hosts = bundled ? BUNDLED_HOSTS : { postgres: hostVar("postgres"), mongodb: hostVar("mongodb"), rabbitmq: hostVar("rabbitmq") };

    const image = (component: Component) => imageRef(KODUS_COMPONENTS[component].image, config.kodus.version, k8s.images, component);
    // Every pod of the deployment: Kodus, migrations, checks and bundled stores.
    const placement: PodPlacement = { ...k8s.scheduling, imagePullSecrets: k8s.images.pullSecrets };

    // --- secrets and the Chutes preflight ---
    // Order: candidate key Secret -> preflight Job -> Kodus Secret -> migrations -> Deployments,
    // so a key Chutes rejects never reaches the Kodus Secret or any pod.
    const terraformSecrets = k8s.secrets.mode === "terraform";
    // Ephemeral variables: used only in write-only data, so no value reaches plan or state.
    const secretInputs = terraformSecrets ? new SecretVariables(this, "secrets", { ephemeral: true }) : undefined;
    const values = secretInputs
      ? secretEnvValues((name) => secretInputs.ref(name), SecretVariables.urlEncode, {
          host: hosts.rabbitmq,
          port: bundled ? DATA_STORE_PORTS.rabbitmq : stores.rabbitmq.port,
          username: stores.rabbitmq.username,
        })
      : undefined;
    if (values && bundled) values[RABBITMQ_PASSWORD_KEY] = secretInputs!.ref("rabbitmq_password");

    let checks: ChutesHealthChecks | undefined;
    const runPreflight = config.healthcheck.enabled && config.healthcheck.preflight;
    const runPeriodic = config.healthcheck.enabled && config.healthcheck.periodic;
    if (runPreflight || runPeriodic) {
      // In terraform mode the preflight reads the key being deployed from a Secret of its own.
      const candidate =
        values && runPreflight
          ? new SecretV1(this, "preflight-key", {
              metadata: { name: "kodus-chutes-preflight", namespace, labels: componentLabels(labelProps, PREFLIGHT_COMPONENT) },
              type: "Opaque",
              dataWo: { API_OPEN_AI_API_KEY: values.API_OPEN_AI_API_KEY },
              dataWoRevision: revision.numberValue,
            })
          : undefined;
      checks = new ChutesHealthChecks(this, "chutes-health", {
        namespace,
        labels: labelProps,
        image: image("api"),
        serviceAccountName: serviceAccount,
        secretName: k8s.secrets.name,
        preflightSecretName: candidate?.metadata.name,
        preflightDependsOn: candidate ? [candidate] : [],
        secretKey: "API_OPEN_AI_API_KEY",
        probe: probeSettingsFor(config),
        schedule: config.healthcheck.schedule,
        revision: revisionRef,
        preflight: runPreflight,
        periodic: runPeriodic,
        placement,
      });
      // Optional: needs the Prometheus Operator's CRD (and the cluster) when Terraform plans it.
      if (checks.cronJob && config.healthcheck.prometheusRule.enabled) {
        new ChutesAlerts(this, "chutes-alerts", {
          namespace: k8s.namespace,
          labels: labelProps,
          cronJobName: "kodus-chutes-healthcheck",
          budget: config.healthcheck.budget.enabled,
          extraLabels: config.healthcheck.prometheusRule.labels,
          dependsOn: [checks.cronJob],
        });
      }
    }

    let secretName: string = k8s.secrets.name;
    const secretDeps: ITerraformDependable[] = [];
    if (values) {
      const secret = new SecretV1(this, "secret", {
        metadata: { name: k8s.secrets.name, namespace, labels: componentLabels(labelProps, "secrets") },
        type: "Opaque",
        dataWo: values,
        dataWoRevision: revision.numberValue,
        dependsOn: checks?.preflight ? [checks.preflight] : undefined,
      });
      secretName = secret.metadata.name;
      secretDeps.push(secret);
      // The periodic check reads the Kodus Secret: create it first.
      if (checks?.cronJob) checks.cronJob.dependsOn = [dependable(secret)];
    }

    // --- plain settings, one ConfigMap per component ---
    const settings = kodusEnvSettings(config, {
      target: "kubernetes",
      workers: maxWorkers(k8s),
      apiHost: "kodus-api",
      postgres: {
        host: hosts.postgres,
        port: bundled ? DATA_STORE_PORTS.postgres : stores.postgres.port,
        database: stores.postgres.database,
        username: stores.postgres.username,
        disableSsl: bundled || stores.postgres.disableSsl,
      },
      mongodb: {
        host: hosts.mongodb,
        port: bundled ? DATA_STORE_PORTS.mongodb : stores.mongodb.port,
        database: stores.mongodb.database,
        username: stores.mongodb.username,
      },
    });
    const configMaps = Object.fromEntries(
      COMPONENTS.map((component) => {
        const data = plainEnvFor(component, settings);
        const map = new ConfigMapV1(this, `env-${component}`, {
          metadata: { name: `kodus-${component}-env`, namespace, labels: componentLabels(labelProps, component) },
          data,
        });
        // Hashed by Terraform, so a changed host variable rolls the pods too.
        return [component, { name: map.metadata.name, hash: Fn.sha256(Fn.jsonencode(map.data)) }];
      }),
    ) as Record<Component, { name: string; hash: string }>;

    // --- bundled data stores (evaluation clusters) ---
    const storeDeps: ITerraformDependable[] = [];
    if (bundled) {
      const data = new BundledDataStores(this, "data-stores", {
        namespace,
        labels: labelProps,
        serviceAccountName: serviceAccount,
        secretName,
        postgres: { username: stores.postgres.username, database: stores.postgres.database },
        mongodb: { username: stores.mongodb.username },
        rabbitmq: { username: stores.rabbitmq.username },
        storageClass: stores.storageClass,
        storageSize: stores.storageSize,
        resources: stores.resources,
        postgresMaxConnections: kubernetesPostgresMaxConnections(k8s),
        clients: [...BACKEND, MIGRATE_COMPONENT],
        dependsOn: secretDeps,
        placement,
        registry: k8s.images.registry,
      });
      storeDeps.push(...data.statefulSets);
    }

    // --- the only migrator: a Job named from what it runs (the image and the API's settings,
    // hashed by Terraform so a changed host variable counts), so a new version or database
    // setting is a new Job, hence a new run; an unchanged deploy keeps the completed one.
    const migrateLabels = componentLabels(labelProps, MIGRATE_COMPONENT);
    const migrateHash = Fn.substr(Fn.sha256(Fn.join(" ", [image("api"), configMaps.api.hash])), 0, 10);
    const migrate = new JobV1(this, "migrate", {
      metadata: { name: `kodus-migrate-${migrateHash}`, namespace, labels: migrateLabels },
      waitForCompletion: true,
      timeouts: { create: "15m", update: "15m" },
      dependsOn: [...secretDeps, ...storeDeps],
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 840,
        // Finished Jobs expire; a later deploy with the same settings re-creates it (migrations are idempotent).
        ttlSecondsAfterFinished: "604800",
        template: {
          metadata: { labels: migrateLabels },
          spec: hardenedPodSpec({
            serviceAccountName: serviceAccount,
            placement,
            restartPolicy: "Never",
            containers: [
              {
                name: MIGRATE_COMPONENT,
                image: image("api"),
                // The image's entrypoint migrates and seeds, then execs this instead of the server.
                args: ["node", "-e", "console.log('kodus: migrations and seeds complete')"],
                envFrom: [{ configMapRef: { name: configMaps.api.name } }],
                env: [...secretEnv(secretName, secretEnvFor("api")), ...literalEnv(MIGRATOR_ENV)],
                resources: { requests: { ...k8s.resources.api.requests }, limits: { ...k8s.resources.api.limits } },
              },
            ],
          }),
        },
      },
    });

    const gates: ITerraformDependable[] = checks?.preflight ? [migrate, checks.preflight] : [migrate];
    const preflightName = checks?.preflight?.metadata.name;

    // --- network policies: web and webhooks from the ingress controller; an optional default deny ---
    const controller = k8s.networkPolicy.ingressController;
    const fromIngressController: IngressPeers = controller.namespace
      ? { kind: "namespace", namespace: controller.namespace, podLabels: controller.podLabels }
      : { kind: "any" };
    if (k8s.networkPolicy.defaultDeny) {
      const egress = k8s.networkPolicy.egress;
      new DefaultDenyNetworkPolicy(this, "network-policy", {
        namespace,
        labels: labelProps,
        dnsNamespace: egress.dnsNamespace,
        httpsCidrs: egress.httpsCidrs,
        httpsPorts: httpsPorts(config.llm.baseUrl),
        dataStores: bundled
          ? undefined
          : { cidrs: egress.dataStoreCidrs, ports: [stores.postgres.port, stores.mongodb.port, stores.rabbitmq.port] },
      });
    }

    // --- Kodus components ---
    const peers = (p: ComponentPeers): IngressPeers => (p.kind === "ingress-controller" ? fromIngressController : p);
    const workloads = {} as Record<Component, KodusWorkload>;
    for (const component of COMPONENTS) {
      const spec = KODUS_COMPONENTS[component];
      const autoscale = component === "api" || component === "worker" ? k8s.autoscaling[component] : undefined;
      workloads[component] = new KodusWorkload(this, component, {
        component,
        namespace,
        labels: labelProps,
        image: image(component),
        replicas: k8s.replicas[component],
        resources: k8s.resources[component],
        configMapName: configMaps[component].name,
        env: secretEnv(secretName, secretEnvFor(component)),
        serviceAccountName: serviceAccount,
        podAnnotations: {
          ...k8s.pods[component].annotations,
          [SECRETS_REVISION_ANNOTATION]: revisionRef,
          [CONFIG_HASH_ANNOTATION]: configMaps[component].hash,
        },
        podLabels: { ...k8s.pods[component].labels },
        placement,
        spread: k8s.scheduling.topologySpreadConstraints,
        probes: { port: spec.port, ...spec.health, startupSeconds: spec.startupSeconds },
        service: spec.service,
        ingressFrom: peers(spec.peers),
        terminationGracePeriodSeconds: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
        writablePaths: spec.writablePaths,
        autoscaling: autoscale?.enabled ? autoscale : undefined,
        rolloutTimeoutSeconds: k8s.rolloutTimeoutSeconds,
        dependsOn: gates,
      });
    }

    if (k8s.ingress.enabled) {
      const ing = k8s.ingress;
      const rule = (host: string | undefined, component: "web" | "webhooks") => ({
        host,
        http: {
          path: [
            {
              path: "/",
              pathType: "Prefix",
              backend: { service: { name: workloads[component].name, port: { number: KODUS_PORTS[component] } } },
            },
          ],
        },
      });
      new IngressV1(this, "ingress", {
        metadata: { name: "kodus", namespace, labels: componentLabels(labelProps, "ingress"), annotations: { ...ing.annotations } },
        spec: {
          ingressClassName: ing.className,
          rule: [rule(ing.webHost, "web"), rule(ing.webhooksHost, "webhooks")],
          tls: ing.tlsSecretName ? [{ hosts: [ing.webHost!, ing.webhooksHost!], secretName: ing.tlsSecretName }] : undefined,
        },
      });
    }

    new TerraformOutput(this, "secrets-revision-output", {
      value: revision.numberValue,
      description: "Secrets revision deployed (npm run secrets -- rotate NAME bumps it)",
    }).overrideLogicalId("secrets_revision");
    new TerraformOutput(this, "namespace_name", { value: namespace, description: "Namespace Kodus runs in" });
    const urls = kodusUrls(config, "kubernetes");
    new TerraformOutput(this, "web_url", { value: urls.publicUrl, description: "Kodus web UI" });
    new TerraformOutput(this, "webhooks_url", { value: urls.webhooksUrl, description: "Base URL git providers call" });
    new TerraformOutput(this, "postgres_max_connections", {
      value: kubernetesPostgresMaxConnections(k8s),
      description: bundled
        ? "max_connections of the bundled PostgreSQL (Kodus pools at the most pods, the migration Job, headroom)"
        : "max_connections your PostgreSQL needs at least: api 30, worker 60, webhooks 30 per pod at the most pods, + the migration Job + headroom",
    });
    new TerraformOutput(this, "api_service", {
      value: `kodus-api.${k8s.namespace}.svc:${KODUS_PORTS.api}`,
      description: "In-cluster API address",
    });
    if (preflightName !== undefined) {
      new TerraformOutput(this, "preflight_logs", {
        value: `kubectl -n ${k8s.namespace} logs job/${preflightName}`,
        description: `Read the Chutes ${PREFLIGHT_COMPONENT} result`,
      });
    }
  }
}
