/**
 * Docker stack: a complete Kodus on one Docker host, in Fixed Mode with Chutes.
 * Private network, named volumes, PostgreSQL+pgvector, MongoDB, the Kodus RabbitMQ image, and
 * the Kodus components (the optional ones the config enables). Only the API, web and webhooks
 * ports are published.
 */
import type { Container } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { TerraformOutput, TerraformStack, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "./state-backend";
import { CA_BUNDLE_PATH, type Config } from "../config/schema";
import { KODUS_COMPONENTS, enabledComponents, imageOwner, stopSeconds, type Component } from "../contract/components";
import { MIGRATOR_ENV, kodusEnvSettings, kodusUrls, plainEnvFor, secretEnvFor } from "../contract/kodus-env";
import { secretEnvValues, secretInputsFor } from "../contract/secrets";
import { proxyEnv } from "../config/proxy";
import { SecretVariables } from "../constructs/secret-variables";
import { SecretsRevision } from "../constructs/secrets-revision";
import {
  DATA_STORE_PORTS,
  PG_CLIENT_COMPONENTS,
  PG_DEFAULT_MAX_CONNECTIONS,
  pgClientPods,
  pgPoolsSummary,
  postgresMaxConnections,
  quantityBytes,
  type PgClientComponent,
} from "../contract/data-stores";
import { DockerChutesHealthChecks } from "../constructs/docker/chutes-health-checks";
import { DockerDataStores } from "../constructs/docker/data-stores";
import { DockerImages } from "../constructs/docker/docker-images";
import { KodusContainer } from "../constructs/docker/kodus-container";
import { probeSettingsFor } from "../probe/probe-program";
import { scheduleIntervalSeconds } from "../config/schedule";

export interface DockerStackProps {
  readonly config: Config;
}

/** Fixed names on the Docker host; containers find each other by name on the private network. */
export const DOCKER_NAMES = {
  network: "kodus",
  postgres: "kodus-postgres",
  mongodb: "kodus-mongodb",
  rabbitmq: "kodus-rabbitmq",
  api: "kodus-api",
  worker: "kodus-worker",
  webhooks: "kodus-webhooks",
  web: "kodus-web",
  "mcp-manager": "kodus-mcp-manager",
  "worker-analytics": "kodus-worker-analytics",
} as const;

const DB = { user: "kodus", database: "kodus_db" } as const;
/** The one component that runs migrations and seeds on the Docker host. */
export const DOCKER_MIGRATOR: Component = "api";
/**
 * PostgreSQL connections on the Docker host: one pool of each deployed component that uses
 * PostgreSQL (the API and the MCP manager migrate before they serve, with the same pool).
 */
export function dockerPostgresMaxConnections(deployed: readonly Component[]): number {
  const one = Object.fromEntries(PG_CLIENT_COMPONENTS.map((c) => [c, 1])) as Record<PgClientComponent, number>;
  return postgresMaxConnections({ ...pgClientPods(one, deployed), migrators: 0 });
}

/** What the parts of the stack share: the parsed config and what is created first. */
interface DockerHost {
  readonly config: Config;
  /** The Kodus components the config enables. */
  readonly components: readonly Component[];
  readonly secrets: SecretVariables;
  readonly networkName: string;
  readonly images: DockerImages;
}

export class DockerStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: DockerStackProps) {
    super(scope, id);
    const { config } = props;
    this.declareTerraform(config, id);
    const components = enabledComponents(config.kodus.components);
    const host: DockerHost = {
      config,
      components,
      secrets: new SecretVariables(this, "secrets", { inputs: secretInputsFor(components, "docker") }),
      networkName: new Network(this, "network", { name: DOCKER_NAMES.network, driver: "bridge" }).name,
      images: new DockerImages(this, "image"),
    };
    const stores = this.dataStores(host);
    const preflight = this.chutesHealthChecks(host);
    // Kodus starts once the data stores are healthy and Chutes passed the preflight.
    this.kodusContainers(host, [...stores.containers, ...(preflight ? [preflight] : [])]);
    this.secretsRevision();
    this.outputs(host);
  }

  /** State backend, Terraform version and the Docker provider. */
  private declareTerraform(config: Config, stackName: string): void {
    addStateBackend(this, config.terraform.backend, stackName); // the stack name carries the environment
    // `check` blocks (the preflight's verdict, the budget warning) need Terraform 1.5.
    this.addOverride("terraform.required_version", ">= 1.5.0");
    new DockerProvider(this, "docker", config.docker.host ? { host: config.docker.host } : {});
  }

  /** PostgreSQL, MongoDB and RabbitMQ, PostgreSQL sized for the components deployed. */
  private dataStores({ config, components, images, networkName, secrets }: DockerHost): DockerDataStores {
    return new DockerDataStores(this, "data-stores", {
      images,
      networkName,
      names: DOCKER_NAMES,
      user: DB.user,
      database: DB.database,
      passwords: {
        postgres: secrets.ref("postgres_password"),
        mongodb: secrets.ref("mongodb_password"),
        rabbitmq: secrets.ref("rabbitmq_password"),
      },
      postgresMaxConnections: dockerPostgresMaxConnections(components),
      rabbitmqMemoryBytes: quantityBytes(config.docker.rabbitmqMemory),
    });
  }

  /** The Chutes preflight and monitor, as the config asks; returns the preflight, which gates every deploy. */
  private chutesHealthChecks(host: DockerHost): Container | undefined {
    const hc = host.config.healthcheck;
    if (!hc.enabled || !(hc.preflight || hc.periodic)) return undefined;
    return new DockerChutesHealthChecks(this, "chutes", {
      image: kodusImage(host, "api"), // the probe runs on the API image's Node: no extra image
      apiKey: host.secrets.ref("chutes_api_key"),
      probe: probeSettingsFor(host.config),
      intervalSeconds: scheduleIntervalSeconds(hc.schedule),
      networkName: host.networkName,
      preflight: hc.preflight,
      periodic: hc.periodic,
    }).preflight;
  }

  /** The migrator first; the others start after it, so they never race its migrations. */
  private kodusContainers(host: DockerHost, gates: ITerraformDependable[]): void {
    const env = kodusEnv(host);
    const migrator = this.kodusContainer(host, env, DOCKER_MIGRATOR, gates);
    for (const component of host.components) {
      if (component !== DOCKER_MIGRATOR) this.kodusContainer(host, env, component, [...gates, migrator.container]);
    }
  }

  private kodusContainer(host: DockerHost, env: KodusEnv, component: Component, dependsOn: ITerraformDependable[]): KodusContainer {
    const { docker, kodus } = host.config;
    const ports: Partial<Record<Component, number>> = docker.ports;
    const hostPort = ports[component];
    return new KodusContainer(this, component, {
      spec: KODUS_COMPONENTS[component],
      name: DOCKER_NAMES[component],
      image: kodusImage(host, component),
      networkName: host.networkName,
      env: env(component),
      // The API, the web and the webhooks are published on the host; the MCP manager (a Service on
      // Kubernetes) is reached by name on the private network only.
      published: hostPort === undefined ? undefined : { hostPort, bindAddress: docker.bindAddress },
      // Docker's default 10 s would cut the worker's drain (in-flight reviews) on every deploy.
      stopSeconds: stopSeconds(component, kodus.workerDrainTimeoutMs),
      // The migrator runs migrations before it listens; give it room on a first deploy.
      waitTimeoutSeconds: component === DOCKER_MIGRATOR ? 600 : 300,
      dependsOn,
      // docker.caBundleHostPath: a private CA (self-hosted git server) for Kodus' Node processes.
      caBundle: docker.caBundleHostPath === undefined ? undefined : { hostPath: docker.caBundleHostPath, containerPath: CA_BUNDLE_PATH },
    });
  }

  /**
   * Written by `npm run secrets -- rotate NAME` into the var file both stacks read; declared here
   * so the shared file raises no "undeclared variable" warning, and shown so an operator can see
   * which rotation is deployed. (A changed secret replaces the containers by itself.)
   */
  private secretsRevision(): void {
    const revision = new SecretsRevision(this, "secrets-revision", {
      description: "Rotation counter bumped by `npm run secrets -- rotate NAME`; shown as the secrets_revision output.",
    });
    revision.addOutput(this);
  }

  /** Where to reach Kodus, and the PostgreSQL connection limit the stack sized. */
  private outputs({ config, components }: DockerHost): void {
    const urls = kodusUrls(config, "docker");
    new TerraformOutput(this, "web_url", { value: urls.publicUrl, description: "Kodus web UI" });
    new TerraformOutput(this, "api_url", {
      value: `http://localhost:${config.docker.ports.api}`,
      description: "Kodus API, on the Docker host",
    });
    new TerraformOutput(this, "webhooks_url", { value: urls.webhooksUrl, description: "Base URL git providers call" });
    new TerraformOutput(this, "postgres_max_connections", {
      value: dockerPostgresMaxConnections(components),
      description: `max_connections of the bundled PostgreSQL: every pool of the Kodus components deployed full (${pgPoolsSummary()}) plus headroom, at least PostgreSQL's default ${PG_DEFAULT_MAX_CONNECTIONS}`,
    });
  }
}

/** Components that run the same image share one pull (the analytics worker runs the worker's). */
function kodusImage({ images, config }: DockerHost, component: Component): string {
  return images.pull(imageOwner(component), `${KODUS_COMPONENTS[component].image}:${config.kodus.version}`);
}

type KodusEnv = (component: Component) => Record<string, string>;

/**
 * Each Kodus container's environment: the contract's variables for this host (the migrator's
 * included), secrets as references, the proxy and the CA bundle.
 */
function kodusEnv({ config, secrets }: DockerHost): KodusEnv {
  const settings = kodusEnvSettings(config, {
    target: "docker",
    workers: 1,
    apiHost: DOCKER_NAMES.api,
    mcpManagerHost: DOCKER_NAMES["mcp-manager"],
    postgres: { host: DOCKER_NAMES.postgres, port: DATA_STORE_PORTS.postgres, database: DB.database, username: DB.user, disableSsl: true },
    mongodb: { host: DOCKER_NAMES.mongodb, port: DATA_STORE_PORTS.mongodb, database: DB.database, username: DB.user },
  });
  const secretValues = secretEnvValues(
    (name) => secrets.ref(name),
    SecretVariables.urlEncode,
    { host: DOCKER_NAMES.rabbitmq, port: DATA_STORE_PORTS.rabbitmq, username: DB.user },
    secrets.names,
  );
  // kodus.proxy: HTTP(S)_PROXY and NO_PROXY (with the containers Kodus calls over HTTP) on every Kodus container.
  const proxy = proxyEnv(config.kodus.proxy, [DOCKER_NAMES.api, DOCKER_NAMES["mcp-manager"]]);
  return (component) => {
    const env: Record<string, string> = { ...plainEnvFor(component, settings), ...(component === DOCKER_MIGRATOR ? MIGRATOR_ENV : {}) };
    // (An optional variable whose input this target does not declare, such as MONGODB_URI, stays unset.)
    for (const name of secretEnvFor(component)) if (name in secretValues) env[name] = secretValues[name];
    for (const { name, value } of proxy) env[name] = value;
    if (config.docker.caBundleHostPath) env.NODE_EXTRA_CA_CERTS = CA_BUNDLE_PATH;
    return env;
  };
}
