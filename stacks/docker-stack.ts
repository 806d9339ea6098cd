/**
 * Docker stack: a complete Kodus on one Docker host, in Fixed Mode with Chutes.
 * Private network, named volumes, PostgreSQL+pgvector, MongoDB, the Kodus RabbitMQ image, and
 * the four Kodus components. Only the API, web and webhooks ports are published.
 */
import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "./state-backend";
import type { Config } from "../config/schema";
import { KODUS_COMPONENTS, stopSeconds, type Component } from "../contract/components";
import { MIGRATOR_ENV, kodusEnvSettings, kodusUrls, plainEnvFor, secretEnvFor } from "../contract/kodus-env";
import { secretEnvValues } from "../contract/secrets";
import { SecretVariables } from "../constructs/secret-variables";
import {
  DATA_STORE_IMAGES,
  DATA_STORE_PORTS,
  POSTGRES_INIT_SQL,
  RABBITMQ_COMMAND,
  RABBITMQ_CONF_PATH,
  RABBITMQ_ENV,
  RABBITMQ_NOFILE,
  postgresArgs,
  postgresMaxConnections,
  quantityBytes,
  rabbitmqMemoryConf,
} from "../contract/data-stores";
import { DockerChutesHealthChecks } from "../constructs/docker/chutes-health-checks";
import { probeSettingsFor } from "../probe/probe-program";
import { goDuration } from "../constructs/docker/duration";
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
} as const;

const DB = { user: "kodus", database: "kodus_db" } as const;
/** The one component that runs migrations and seeds on the Docker host. */
export const DOCKER_MIGRATOR: Component = "api";
/**
 * PostgreSQL connections on the Docker host: one pool of each back-end component (the API
 * migrates before it serves, with the same pool).
 */
export const DOCKER_POSTGRES_MAX_CONNECTIONS = postgresMaxConnections({ api: 1, worker: 1, webhooks: 1, migrators: 0 });

/** A Docker healthcheck that runs Node's built-in fetch (the Kodus images have no curl). */
export function nodeHttpHealthcheck(port: number, path: string): string[] {
  return ["CMD", "node", "-e", `fetch('http://127.0.0.1:${port}${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}

export class DockerStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: DockerStackProps) {
    super(scope, id);
    const { config } = props;
    addStateBackend(this, config.terraform.backend, id); // id = the stack name, environment included
    new DockerProvider(this, "docker", config.docker.host ? { host: config.docker.host } : {});

    const secrets = new SecretVariables(this, "secrets");
    const network = new Network(this, "network", { name: DOCKER_NAMES.network, driver: "bridge" });
    const networksAdvanced = [{ name: network.name }];
    const restart = "unless-stopped";
    const logging = { logDriver: "json-file", logOpts: { "max-size": "50m", "max-file": "5" } };
    const image = (key: string, name: string) => new Image(this, `image-${key}`, { name, keepLocally: true }).imageId;
    const volume = (key: string) => new Volume(this, `volume-${key}`, { name: `kodus-${key}-data` }).name;

    // --- data stores: on the private network only, never published ---
    const postgres = new Container(this, "postgres", {
      name: DOCKER_NAMES.postgres,
      image: image("postgres", DATA_STORE_IMAGES.postgres),
      restart,
      ...logging,
      networksAdvanced,
      // The image's entrypoint runs `postgres` with these arguments: room for every Kodus pool.
      command: ["postgres", ...postgresArgs(DOCKER_POSTGRES_MAX_CONNECTIONS)],
      env: [`POSTGRES_USER=${DB.user}`, `POSTGRES_DB=${DB.database}`, `POSTGRES_PASSWORD=${secrets.ref("postgres_password")}`],
      volumes: [{ volumeName: volume("postgres"), containerPath: "/var/lib/postgresql/data" }],
      upload: [{ file: "/docker-entrypoint-initdb.d/10-vector.sql", content: POSTGRES_INIT_SQL }],
      healthcheck: {
        test: ["CMD", "pg_isready", "-U", DB.user, "-d", DB.database],
        interval: goDuration(10),
        timeout: goDuration(5),
        retries: 6,
        startPeriod: goDuration(30),
      },
      wait: true,
      waitTimeout: 120,
    });
    const mongodb = new Container(this, "mongodb", {
      name: DOCKER_NAMES.mongodb,
      image: image("mongodb", DATA_STORE_IMAGES.mongodb),
      restart,
      ...logging,
      networksAdvanced,
      env: [
        `MONGO_INITDB_ROOT_USERNAME=${DB.user}`,
        `MONGO_INITDB_ROOT_PASSWORD=${secrets.ref("mongodb_password")}`,
        `MONGO_INITDB_DATABASE=${DB.database}`,
      ],
      volumes: [{ volumeName: volume("mongodb"), containerPath: "/data/db" }],
      healthcheck: {
        test: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"],
        interval: goDuration(10),
        timeout: goDuration(5),
        retries: 6,
        startPeriod: goDuration(30),
      },
      wait: true,
      waitTimeout: 120,
    });
    const rabbitmq = new Container(this, "rabbitmq", {
      name: DOCKER_NAMES.rabbitmq,
      hostname: DOCKER_NAMES.rabbitmq,
      image: image("rabbitmq", DATA_STORE_IMAGES.rabbitmq),
      restart,
      ...logging,
      networksAdvanced,
      // Creates the kodus-ai vhost Kodus connects to (the image's default command does not).
      command: [...RABBITMQ_COMMAND],
      env: [
        `RABBITMQ_DEFAULT_USER=${DB.user}`,
        `RABBITMQ_DEFAULT_PASS=${secrets.ref("rabbitmq_password")}`,
        ...Object.entries(RABBITMQ_ENV).map(([k, v]) => `${k}=${v}`),
      ],
      // A memory limit, and RabbitMQ told about it: otherwise it plans with the host's RAM and its
      // disk alarm (1.2 x that memory) can block every publisher for good.
      memory: quantityBytes(config.docker.rabbitmqMemory) / 2 ** 20,
      upload: [{ file: RABBITMQ_CONF_PATH, content: rabbitmqMemoryConf(quantityBytes(config.docker.rabbitmqMemory)) }],
      ulimit: [{ name: "nofile", soft: RABBITMQ_NOFILE, hard: RABBITMQ_NOFILE }],
      volumes: [{ volumeName: volume("rabbitmq"), containerPath: "/var/lib/rabbitmq" }],
      healthcheck: {
        test: ["CMD", "rabbitmq-diagnostics", "-q", "check_running"],
        interval: goDuration(10),
        timeout: goDuration(10),
        retries: 6,
        startPeriod: goDuration(30),
      },
      wait: true,
      waitTimeout: 180,
    });

    // --- Kodus ---
    const settings = kodusEnvSettings(config, {
      target: "docker",
      workers: 1,
      apiHost: DOCKER_NAMES.api,
      postgres: {
        host: DOCKER_NAMES.postgres,
        port: DATA_STORE_PORTS.postgres,
        database: DB.database,
        username: DB.user,
        disableSsl: true,
      },
      mongodb: { host: DOCKER_NAMES.mongodb, port: DATA_STORE_PORTS.mongodb, database: DB.database, username: DB.user },
    });
    const secretValues = secretEnvValues((name) => secrets.ref(name), SecretVariables.urlEncode, {
      host: DOCKER_NAMES.rabbitmq,
      port: DATA_STORE_PORTS.rabbitmq,
      username: DB.user,
    });
    // The components the contract exposes (a Service on Kubernetes) are published on the host.
    const published = (component: Component): number | undefined =>
      KODUS_COMPONENTS[component].service ? config.docker.ports[component as keyof typeof config.docker.ports] : undefined;
    const stores = [postgres, mongodb, rabbitmq];
    const images: Partial<Record<Component, string>> = {};
    const kodusImage = (component: Component) =>
      (images[component] ??= image(component, `${KODUS_COMPONENTS[component].image}:${config.kodus.version}`));

    // --- Chutes preflight (gates every deploy) and monitor ---
    const gates = [...stores];
    const hc = config.healthcheck;
    if (hc.enabled && (hc.preflight || hc.periodic)) {
      const checks = new DockerChutesHealthChecks(this, "chutes-health", {
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

    const kodus = (component: Component, extra: Partial<ContainerConfig> = {}) => {
      const env: Record<string, string> = { ...plainEnvFor(component, settings), ...(component === DOCKER_MIGRATOR ? MIGRATOR_ENV : {}) };
      for (const name of secretEnvFor(component)) env[name] = secretValues[name];
      const spec = KODUS_COMPONENTS[component];
      const hostPort = published(component);
      return new Container(this, component, {
        name: DOCKER_NAMES[component],
        image: kodusImage(component),
        restart,
        ...logging,
        networksAdvanced,
        env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        ports: hostPort === undefined ? undefined : [{ internal: spec.port, external: hostPort, ip: config.docker.bindAddress }],
        securityOpts: ["no-new-privileges:true"],
        // Docker's default 10 s would cut the worker's drain (in-flight reviews) on every deploy.
        stopTimeout: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
        destroyGraceSeconds: stopSeconds(component, config.kodus.workerDrainTimeoutMs),
        capabilities: { drop: ["ALL"] },
        healthcheck: {
          test: nodeHttpHealthcheck(spec.port, spec.health.readiness),
          interval: goDuration(15),
          timeout: goDuration(5),
          retries: 4,
          startPeriod: goDuration(spec.dockerStartPeriodSeconds),
        },
        wait: true,
        // The migrator runs migrations before it listens; give it room on a first deploy.
        waitTimeout: component === DOCKER_MIGRATOR ? 600 : 300,
        dependsOn: gates,
        ...extra,
      });
    };

    const api = kodus("api");
    // The others start after the API, so they never race its migrations.
    for (const component of ["worker", "webhooks", "web"] as const) kodus(component, { dependsOn: [...gates, api] });

    // Written by `npm run secrets -- rotate NAME` into the var file both stacks read; declared here
    // so the shared file raises no "undeclared variable" warning, and shown so an operator can
    // see which rotation is deployed. (A changed secret replaces the containers by itself.)
    const revision = new TerraformVariable(this, "secrets_revision", {
      type: "number",
      default: 1,
      nullable: false,
      description: "Rotation counter bumped by `npm run secrets -- rotate NAME`; shown as the secrets_revision output.",
      validation: [
        {
          condition: "${var.secrets_revision >= 1 && floor(var.secrets_revision) == var.secrets_revision}",
          errorMessage: "secrets_revision must be a whole number >= 1.",
        },
      ],
    });
    new TerraformOutput(this, "secrets-revision-output", {
      value: revision.numberValue,
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
      value: DOCKER_POSTGRES_MAX_CONNECTIONS,
      description: "max_connections of the bundled PostgreSQL: every Kodus pool full (api 30, worker 60, webhooks 30) plus headroom",
    });
  }
}
