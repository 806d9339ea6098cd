/**
 * The only migrator on Kubernetes: a Job that runs the API image's entrypoint (which migrates
 * and seeds the database) with a command that exits instead of serving. Its name is a hash of
 * what it runs (the image and the API's settings, hashed by Terraform so a changed host variable
 * counts): a new version or database setting is a new Job, hence a new run, and an unchanged
 * deploy keeps the completed one. Kodus waits for it.
 */
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { MIGRATOR_ENV, OPTIONAL_SECRET_ENV_NAMES } from "../../contract/kodus-env";
import { POSTGRES_CHECK_SCRIPT } from "../../contract/postgres-check";
import { addressOf, setAddress } from "../addresses";
import type { ComputeResources } from "./kodus-workload";
import { componentLabels } from "./labels";
import { hardenedPodSpec, literalEnv, secretEnv, type PodSite } from "./pod";
import type { EnvConfigMap } from "./kodus-env-config-maps";

export interface KodusMigrationProps {
  /** Namespace, labels, service account and placement of its pod. */
  readonly site: PodSite;
  /** The API image. */
  readonly image: string;
  /** The API's plain settings. */
  readonly configMap: EnvConfigMap;
  /** The Kodus Secret and the variables the API reads from it. */
  readonly secretName: string;
  readonly secretEnvNames: readonly string[];
  readonly resources: ComputeResources;
  /** The Secret and data stores it needs. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The component label and container name of the migration Job. */
export const MIGRATE_COMPONENT = "migrate";
/** The init container that checks PostgreSQL's extensions before migrating. */
export const POSTGRES_CHECK_CONTAINER = "postgres-extensions";

export class KodusMigration extends Construct {
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: KodusMigrationProps) {
    super(scope, id);
    const labels = componentLabels(props.site.labels, MIGRATE_COMPONENT);
    const hash = Fn.substr(Fn.sha256(Fn.join(" ", [props.image, props.configMap.hash])), 0, 10);
    this.job = new JobV1(this, "job", {
      metadata: { name: `kodus-migrate-${hash}`, namespace: props.site.namespace, labels },
      waitForCompletion: true,
      timeouts: { create: "15m", update: "15m" },
      dependsOn: props.dependsOn,
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 840,
        // No ttlSecondsAfterFinished: a Job deleted by its TTL is missing at the next apply,
        // which would create it again and re-run the migrations on a timer.
        template: {
          metadata: { labels },
          spec: hardenedPodSpec({
            serviceAccountName: props.site.serviceAccountName,
            placement: props.site.placement,
            restartPolicy: "Never",
            // First: PostgreSQL has the extensions Kodus' schema needs, or the Job fails saying
            // what an administrator must run (contract/postgres-check.ts).
            initContainers: [
              {
                name: POSTGRES_CHECK_CONTAINER,
                image: props.image,
                command: ["node", "-e", POSTGRES_CHECK_SCRIPT],
                envFrom: [{ configMapRef: { name: props.configMap.name } }],
                env: secretEnv(props.secretName, ["API_PG_DB_PASSWORD"]),
                terminationMessagePolicy: "FallbackToLogsOnError",
                resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
              },
            ],
            containers: [
              {
                name: MIGRATE_COMPONENT,
                image: props.image,
                // The image's entrypoint migrates and seeds, then execs this instead of the server.
                args: ["node", "-e", "console.log('kodus: migrations and seeds complete')"],
                envFrom: [{ configMapRef: { name: props.configMap.name } }],
                env: [...secretEnv(props.secretName, props.secretEnvNames, OPTIONAL_SECRET_ENV_NAMES), ...literalEnv(MIGRATOR_ENV)],
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
              },
            ],
          }),
        },
      },
    });
    setAddress(this.job, addressOf(this));
  }
}
