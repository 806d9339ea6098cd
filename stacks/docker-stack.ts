/**
 * Docker stack: a complete Kodus on one Docker host, in Fixed Mode with Chutes.
 * Private network, named volumes, PostgreSQL+pgvector, MongoDB, the Kodus RabbitMQ image, and
 * the Kodus components (the optional ones the config enables). Only the API, web and webhooks
 * ports are published.
 */
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

export class DockerStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: DockerStackProps) {
    super(scope, id);
    const { config } = props;
    addStateBackend(this, config.terraform.backend, id); // id = the stack name, environment included
    // `check` blocks (the preflight's verdict, the budget warning) need Terraform 1.5.
    this.addOverride("terraform.required_version", ">= 1.5.0");
    new DockerProvider(this, "docker", config.docker.host ? { host: config.docker.host } : {});

    const components = enabledComponents(config.kodus.components);
    const secrets = new SecretVariables(this, "secrets", { inputs: secretInputsFor(components, "docker") });
    const network = new Network(this, "network", { name: DOCKER_NAMES.network, driver: "bridge" });
    const images = new DockerImages(this, "image");
    const stores = new DockerDataStores(this, "data-stores", {
      images,
      networkName: network.name,
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
    // Components that run the same image share one pull (the analytics worker runs the worker's).
    const kodusImage = (component: Component) =>
      images.pull(imageOwner(component), `${KODUS_COMPONENTS[component].image}:${config.kodus.version}`);

    // --- Chutes preflight (gates every deploy) and monitor ---
    const gates: ITerraformDependable[] = [...stores.containers];
    const hc = config.healthcheck;
    if (hc.enabled && (hc.preflight || hc.periodic)) {
      const checks = new DockerChutesHealthChecks(this, "chutes", {
        image: kodusImage("api"),
        apiKey: secrets.ref("chutes_api_key"),
        probe: probeSettingsFor(config),
        intervalSeconds: scheduleIntervalSeconds(config.healthcheck.schedule),
        networkName: network.name,
        preflight: hc.preflight,
        periodic: hc.periodic,
      });
      if (checks.preflight) gates.push(checks.preflight);
    }

    // --- Kodus ---
    const settings = kodusEnvSettings(config, {
      target: "docker",
      workers: 1,
      apiHost: DOCKER_NAMES.api,
      mcpManagerHost: DOCKER_NAMES["mcp-manager"],
      postgres: {
        host: DOCKER_NAMES.postgres,
        port: DATA_STORE_PORTS.postgres,
        database: DB.database,
        username: DB.user,
        disableSsl: true,
      },
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
    // docker.caBundleHostPath: a private CA (self-hosted git server) for Kodus' Node processes.
    const caBundle = config.docker.caBundleHostPath;
    const kodus = (component: Component, dependsOn: ITerraformDependable[]) => {
      const spec = KODUS_COMPONENTS[component];
      const env: Record<string, string> = { ...plainEnvFor(component, settings), ...(component === DOCKER_MIGRATOR ? MIGRATOR_ENV : {}) };
      // (An optional variable whose input this target does not declare, such as MONGODB_URI, stays unset.)
      for (const name of secretEnvFor(component)) if (name in secretValues) env[name] = secretValues[name];
      for (const { name, value } of proxy) env[name] = value;
      if (caBundle) env.NODE_EXTRA_CA_CERTS = CA_BUNDLE_PATH;
      const hostPort = component in config.docker.ports ? config.docker.ports[component as keyof typeof config.docker.ports] : undefined;
      return new KodusContainer(this, component, {
        caBundle: caBundle === undefined ? undefined : { hostPath: caBundle, containerPath: CA_BUNDLE_PATH },
        spec,
        name: DOCKER_NAMES[component],
        image: kodusImage(component),
        networkName: network.name,
        env,
        // The API, the web and the webhooks are published on the host; the MCP manager (a Service on
        // Kubernetes) is reached by name on the private network only.
        published: hostPort === undefined ? undefined : { hostPort, bindAddress: config.docker.bindAddress },
        // Docker's default 10 s would cut the worker's drain (in-flight reviews) on every deploy.
        stopSeconds: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
        // The migrator runs migrations before it listens; give it room on a first deploy.
        waitTimeoutSeconds: component === DOCKER_MIGRATOR ? 600 : 300,
        dependsOn,
      });
    };
    const api = kodus("api", gates);
    // The others start after the API, so they never race its migrations.
    for (const component of components) if (component !== DOCKER_MIGRATOR) kodus(component, [...gates, api.container]);

    // Written by `npm run secrets -- rotate NAME` into the var file both stacks read; declared here
    // so the shared file raises no "undeclared variable" warning, and shown so an operator can
    // see which rotation is deployed. (A changed secret replaces the containers by itself.)
    const revision = new SecretsRevision(this, "secrets-revision", {
      description: "Rotation counter bumped by `npm run secrets -- rotate NAME`; shown as the secrets_revision output.",
    });
    new TerraformOutput(this, "secrets-revision-output", {
      value: revision.value,
      description: "Secrets revision deployed (npm run secrets -- rotate NAME bumps it)",
    }).overrideLogicalId("secrets_revision");
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
