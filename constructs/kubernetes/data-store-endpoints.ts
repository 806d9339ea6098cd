/**
 * Where Kodus finds PostgreSQL, MongoDB and RabbitMQ on Kubernetes: the bundled StatefulSets'
 * Services, or external stores whose hosts are Terraform variables (`postgres_host`,
 * `mongodb_host`, `rabbitmq_host`, defaulting to the config's hosts) so an environment can point
 * elsewhere without a new synth.
 */
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DATA_STORE_PORTS } from "../../contract/data-stores";
import { setAddress } from "../addresses";
import { BUNDLED_HOSTS } from "./bundled-data-stores";
import type { DataStore } from "../../contract/components";

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface DataStoreEndpointsProps {
  /** bundled: the StatefulSets this deployment runs; external: stores you run. */
  readonly mode: "bundled" | "external";
  /** The external stores' default hosts (none: the variable must be set) and their ports; ignored when bundled. */
  readonly external: Readonly<Record<DataStore, { readonly host?: string; readonly port: number }>>;
}

export class DataStoreEndpoints extends Construct {
  readonly postgres: Endpoint;
  readonly mongodb: Endpoint;
  readonly rabbitmq: Endpoint;
  readonly bundled: boolean;

  constructor(scope: Construct, id: string, props: DataStoreEndpointsProps) {
    super(scope, id);
    this.bundled = props.mode === "bundled";
    const endpoint = (store: DataStore): Endpoint => {
      if (this.bundled) return { host: BUNDLED_HOSTS[store], port: DATA_STORE_PORTS[store] };
      const host = new TerraformVariable(this, store, {
        type: "string",
        nullable: false,
        default: props.external[store].host,
        description: `Host of the external ${store} (kubernetes.dataStores.${store}.host in the config).`,
      });
      // The variable's name is part of the stack's interface (var files, TF_VAR_*).
      setAddress(host, `${store}_host`);
      return { host: host.stringValue, port: props.external[store].port };
    };
    this.postgres = endpoint("postgres");
    this.mongodb = endpoint("mongodb");
    this.rabbitmq = endpoint("rabbitmq");
  }
}
