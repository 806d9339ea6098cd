/**
 * The day-two changes the lifecycle suites apply in order (test/lifecycle/*.test.ts): config
 * file input for the stacks, chart values, and code changes as edits of the synthesized JSON or
 * the rendered objects.
 */
import type { ConfigInput } from "../../config/schema";
import { EXPLICIT_SECRET_VALUES, type K8sObject } from "../helm/helm";

export interface Step {
  readonly name: string;
  /** Config file input merged into the running config (kept for later steps). */
  readonly config?: ConfigInput;
  /** Chart values merged into the running values (kept for later steps). */
  readonly values?: Record<string, unknown>;
  /** A code change on the head side only (then reverted): edits the synthesized JSON / rendered objects. */
  readonly editStack?: (stack: "docker" | "kubernetes", json: any) => void;
  readonly editChart?: (objects: K8sObject[]) => void;
  /** What the cluster runs before a chart upgrade, when it differs from the previous render. */
  readonly liveChart?: (objects: K8sObject[]) => void;
}

/** The release at main 9e535e7, the base of the upgrade step. */
export const PREVIOUS_RELEASE = "9e535e7";

export const STEPS: readonly Step[] = [
  {
    name: "scale within the configured maximum",
    config: { kubernetes: { replicas: { api: 4, webhooks: 3 } } },
    values: { replicas: { api: 4, webhooks: 3 } },
  },
  {
    name: "tune resources",
    config: { kubernetes: { resources: { api: { limits: { cpu: "2", memory: "2Gi" } } } } },
    values: { resources: { api: { limits: { cpu: "2", memory: "2Gi" } } } },
  },
  {
    name: "schedule onto a node pool",
    config: { kubernetes: { scheduling: { nodeSelector: { "node-pool": "kodus" } } } },
    values: { scheduling: { nodeSelector: { "node-pool": "kodus" } } },
  },
  {
    name: "pull from a registry secret",
    config: { kubernetes: { images: { pullSecrets: ["registry-creds"] } } },
    values: { images: { pullSecrets: ["registry-creds"] } },
  },
  {
    name: "rotate the key (secrets revision)",
    values: { secrets: { values: { ...EXPLICIT_SECRET_VALUES, chutes_api_key: "cpk_test2222222222222222.lifecycle.tests" }, revision: 2 } },
  },
  { name: "bump Kodus", config: { kodus: { version: "2.1.29" } }, values: { kodus: { version: "2.1.29" } } },
  {
    name: "bump PostgreSQL's major version (16 → 17)",
    editStack: (stack, json) => {
      if (stack === "docker") json.resource.docker_image["image-postgres"].name = "pgvector/pgvector:pg17";
      else json.resource.kubernetes_stateful_set_v1.postgres.spec.template.spec.container[0].image = "pgvector/pgvector:pg17";
    },
    editChart: (objects) => {
      const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "kodus-postgres")!;
      sts.spec.template.spec.containers[0].image = "pgvector/pgvector:pg17";
    },
    // The chart ships 16: a cluster still running 15 is the same step one major earlier.
    liveChart: (objects) => {
      const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "kodus-postgres")!;
      sts.spec.template.spec.containers[0].image = "pgvector/pgvector:pg15";
    },
  },
  {
    name: "change the health-check CronJob's job template and a PDB (code change)",
    editStack: (stack, json) => {
      if (stack !== "kubernetes") return;
      json.resource.kubernetes_cron_job_v1["chutes-healthcheck"].spec.job_template.spec.template.spec.container[0].image_pull_policy =
        "Always";
      json.resource.kubernetes_pod_disruption_budget_v1.api.spec.max_unavailable = "2";
    },
  },
  {
    name: "resize the volumes",
    config: { kubernetes: { dataStores: { storageSize: "20Gi" } } },
    values: { dataStores: { storageSize: "20Gi" } },
  },
  { name: "rename the environment", config: { environment: "production" } },
  {
    name: "switch to external stores",
    config: {
      kubernetes: {
        dataStores: {
          mode: "external",
          postgres: { host: "pg.example.internal" },
          mongodb: { host: "mongo.example.internal" },
          rabbitmq: { host: "mq.example.internal" },
        },
      },
    },
    values: {
      dataStores: {
        mode: "external",
        postgres: { host: "pg.example.internal" },
        mongodb: { host: "mongo.example.internal" },
        rabbitmq: { host: "mq.example.internal" },
      },
    },
  },
  {
    name: "switch back to bundled stores",
    config: { kubernetes: { dataStores: { mode: "bundled" } } },
    values: { dataStores: { mode: "bundled" } },
  },
];

/** Chart values the running objects were rendered with at the start. */
export const BASE_CONFIG: ConfigInput = { kubernetes: { dataStores: { mode: "bundled" } } };
export const BASE_VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export function merge<T>(a: T, b: unknown): T {
  if (!isObject(a) || !isObject(b)) return (b === undefined ? a : b) as T;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out as T;
}
