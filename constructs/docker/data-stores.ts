/**
 * The data stores of a Docker-host deployment: PostgreSQL with pgvector, MongoDB and Kodus'
 * RabbitMQ image, each on the private network only (never published), with a named volume, a
 * healthcheck `cdktf deploy` waits for, and bounded logs. Containers are addressed by store
 * (docker_container.postgres), volumes `volume-<store>`: these are the deployment's databases,
 * one set per stack, and their addresses and volume names must never change under existing
 * data (setAddress refuses a second instance in the same stack instead of merging it).
 */
import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Construct } from "constructs";
import {
  BUNDLED_STORES,
  DATA_STORE_IMAGES,
  POSTGRES_INIT_SQL,
  RABBITMQ_COMMAND,
  RABBITMQ_CONF_PATH,
  RABBITMQ_ENV,
  RABBITMQ_NOFILE,
  postgresArgs,
  rabbitmqMemoryConf,
} from "../../contract/data-stores";
import { setAddress } from "../addresses";
import { BOUNDED_LOGS, RESTART_UNLESS_STOPPED } from "./container-defaults";
import type { DockerImages } from "./docker-images";
import { goDuration } from "./duration";
import type { DataStore } from "../../contract/components";

export interface DockerDataStoresProps {
  readonly images: DockerImages;
  readonly networkName: string;
  /** Container names (the host names Kodus connects to). */
  readonly names: Readonly<Record<DataStore, string>>;
  /** User of all three stores. */
  readonly user: string;
  /** The PostgreSQL and MongoDB database. */
  readonly database: string;
  /** Password references (Terraform variables), per store. */
  readonly passwords: Readonly<Record<DataStore, string>>;
  /** PostgreSQL max_connections: room for every Kodus pool. */
  readonly postgresMaxConnections: number;
  /** RabbitMQ's memory limit in bytes; RabbitMQ is told about it too. */
  readonly rabbitmqMemoryBytes: number;
}

/**
 * What differs between the stores; the rest (data path and readiness command from BUNDLED_STORES,
 * network, volume, logs, healthcheck cadence) is shared.
 */
interface StoreSpec {
  /** Arguments after the readiness command (PostgreSQL's user and database). @default [] */
  readonly readinessArgs?: string[];
  readonly timeoutSeconds: number;
  /** Seconds `cdktf deploy` waits for the store to turn healthy. */
  readonly waitTimeoutSeconds: number;
  /** The store's own container settings (command, env, limits). */
  readonly container: Partial<ContainerConfig>;
}

export class DockerDataStores extends Construct {
  /** The three containers; Kodus waits for them. */
  readonly containers: Container[] = [];

  constructor(scope: Construct, id: string, props: DockerDataStoresProps) {
    super(scope, id);
    this.store(props, "postgres", postgres(props));
    this.store(props, "mongodb", mongodb(props));
    this.store(props, "rabbitmq", rabbitmq(props));
  }

  private store(props: DockerDataStoresProps, key: DataStore, spec: StoreSpec): void {
    const image = props.images.pull(key, DATA_STORE_IMAGES[key]);
    const volume = setAddress(new Volume(this, `${key}-volume`, { name: `kodus-${key}-data` }), `volume-${key}`);
    const { dataPath, readiness } = BUNDLED_STORES[key];
    const container = new Container(this, key, {
      name: props.names[key],
      image,
      restart: RESTART_UNLESS_STOPPED,
      ...BOUNDED_LOGS,
      networksAdvanced: [{ name: props.networkName }],
      volumes: [{ volumeName: volume.name, containerPath: dataPath }],
      healthcheck: {
        test: ["CMD", ...readiness, ...(spec.readinessArgs ?? [])],
        interval: goDuration(10),
        timeout: goDuration(spec.timeoutSeconds),
        retries: 6,
        startPeriod: goDuration(30),
      },
      wait: true,
      waitTimeout: spec.waitTimeoutSeconds,
      ...spec.container,
    });
    this.containers.push(setAddress(container, key));
  }
}

function postgres(props: DockerDataStoresProps): StoreSpec {
  const { credentialsEnv: env, initDir, initFile } = BUNDLED_STORES.postgres;
  return {
    readinessArgs: ["-U", props.user, "-d", props.database],
    timeoutSeconds: 5,
    waitTimeoutSeconds: 120,
    container: {
      // The image's entrypoint runs `postgres` with these arguments: room for every Kodus pool.
      command: ["postgres", ...postgresArgs(props.postgresMaxConnections)],
      env: [`${env.user}=${props.user}`, `${env.database}=${props.database}`, `${env.password}=${props.passwords.postgres}`],
      upload: [{ file: `${initDir}/${initFile}`, content: POSTGRES_INIT_SQL }],
    },
  };
}

function mongodb(props: DockerDataStoresProps): StoreSpec {
  const env = BUNDLED_STORES.mongodb.credentialsEnv;
  return {
    timeoutSeconds: 5,
    waitTimeoutSeconds: 120,
    container: {
      env: [`${env.user}=${props.user}`, `${env.password}=${props.passwords.mongodb}`, `${env.database}=${props.database}`],
    },
  };
}

function rabbitmq(props: DockerDataStoresProps): StoreSpec {
  const env = BUNDLED_STORES.rabbitmq.credentialsEnv;
  return {
    timeoutSeconds: 10,
    waitTimeoutSeconds: 180,
    container: {
      hostname: props.names.rabbitmq,
      // Creates the kodus-ai vhost Kodus connects to (the image's default command does not).
      command: [...RABBITMQ_COMMAND],
      env: [
        `${env.user}=${props.user}`,
        `${env.password}=${props.passwords.rabbitmq}`,
        ...Object.entries(RABBITMQ_ENV).map(([k, v]) => `${k}=${v}`),
      ],
      // A memory limit, and RabbitMQ told about it: otherwise it plans with the host's RAM and its
      // disk alarm (1.2 x that memory) can block every publisher for good.
      memory: props.rabbitmqMemoryBytes / 2 ** 20,
      // Docker picks the swap limit when only `memory` is set (2 x memory where the kernel
      // accounts swap, -1 where it does not) and kreuzwerker/docker 3.6.2 reads it back into
      // `memory_swap`, unset here: without this every plan shows RabbitMQ "updated in-place"
      // (seen in the first real apply, docs/cluster-tests.md "Docker engine").
      lifecycle: { ignoreChanges: ["memory_swap"] },
      upload: [{ file: RABBITMQ_CONF_PATH, content: rabbitmqMemoryConf(props.rabbitmqMemoryBytes) }],
      ulimit: [{ name: "nofile", soft: RABBITMQ_NOFILE, hard: RABBITMQ_NOFILE }],
    },
  };
}
