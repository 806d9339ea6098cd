/**
 * Which attribute changes replace a resource (Terraform) or are refused by Kubernetes (Helm
 * upgrades patch objects in place). Read from the providers this project pins:
 * kreuzwerker/docker 3.6.2 (internal/provider/resource_docker_*.go) and hashicorp/kubernetes
 * 2.38.0 (kubernetes/schema_*.go, resource_kubernetes_*_v1.go). Paths are attribute paths with
 * list indexes removed ("spec.volume_claim_template.spec.resources.requests.storage").
 */

/**
 * docker_container: every argument is ForceNew except these. Updated in place (ContainerUpdate):
 * restart, max_retry_count, cpu_shares, memory, cpu_set, memory_swap.
 */
export const DOCKER_CONTAINER_UPDATABLE = ["restart", "max_retry_count", "cpu_shares", "memory", "cpu_set", "memory_swap"];
/** Terraform-side settings: no change to the running container. */
export const DOCKER_CONTAINER_TERRAFORM_ONLY = [
  "rm",
  "start",
  "wait",
  "wait_timeout",
  "attach",
  "logs",
  "must_run",
  "remove_volumes",
  "destroy_grace_seconds",
  "container_read_refresh_timeout_milliseconds",
  "timeouts",
];
/** Neither ForceNew nor updated by 3.6.2: the new value is only in state until the container is replaced. */
export const DOCKER_CONTAINER_NOT_APPLIED = ["healthcheck", "tmpfs", "init", "cpu_period", "cpu_quota"];

const top = (path: string) => path.split(".")[0];
const under = (path: string, prefixes: readonly string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}.`));

/** Terraform: the changed paths that force replacement of a resource of `type`. */
export function forcesReplacement(type: string, path: string, attrs?: Record<string, unknown>): boolean {
  if (type.startsWith("kubernetes_")) {
    if (under(path, ["metadata.name", "metadata.namespace", "metadata.generate_name"])) return true;
    const base = type.replace(/_v\d+(?:(?:alpha|beta)\d+)?$/, "");
    switch (base) {
      case "kubernetes_stateful_set":
        return under(path, [
          "spec.pod_management_policy",
          "spec.revision_history_limit",
          "spec.selector",
          "spec.service_name",
          "spec.volume_claim_template",
        ]);
      case "kubernetes_deployment":
        return under(path, ["spec.selector"]);
      case "kubernetes_job":
        return under(path, [
          "spec.template",
          "spec.selector",
          "spec.completions",
          "spec.completion_mode",
          "spec.pod_failure_policy",
          "spec.backoff_limit_per_index",
        ]);
      // terraform-provider-kubernetes v2.38.0: a CronJob's job_template.spec reuses the Job's
      // fields (kubernetes/schema_cron_job_spec_v1.go → jobSpecFields), whose template,
      // selector, completions, completion_mode, pod_failure_policy and backoff_limit_per_index
      // are ForceNew (kubernetes/schema_job_spec.go); a PDB's whole spec is ForceNew
      // (kubernetes/resource_kubernetes_pod_disruption_budget_v1.go).
      case "kubernetes_cron_job":
        return under(
          path,
          ["template", "selector", "completions", "completion_mode", "pod_failure_policy", "backoff_limit_per_index"].map(
            (f) => `spec.job_template.spec.${f}`,
          ),
        );
      case "kubernetes_pod_disruption_budget":
        return under(path, ["spec"]);
      case "kubernetes_secret":
        return under(path, ["type"]) || (attrs?.immutable === true && under(path, ["data", "binary_data", "data_wo"]));
      case "kubernetes_config_map":
        return attrs?.immutable === true && under(path, ["data", "binary_data"]);
      case "kubernetes_service":
        return under(path, ["spec.cluster_ip", "spec.cluster_ips", "spec.load_balancer_class", "spec.health_check_node_port"]);
      case "kubernetes_persistent_volume_claim":
        return under(path, ["spec"]) && !under(path, ["spec.resources.requests"]);
      default:
        return false;
    }
  }
  switch (type) {
    case "docker_container":
      return ![...DOCKER_CONTAINER_UPDATABLE, ...DOCKER_CONTAINER_TERRAFORM_ONLY, ...DOCKER_CONTAINER_NOT_APPLIED].includes(top(path));
    case "docker_volume":
    case "docker_network":
      return top(path) !== "timeouts";
    case "docker_image":
      return ["name", "pull_triggers", "build"].includes(top(path));
    case "terraform_data":
      return top(path) === "triggers_replace";
    default:
      return false;
  }
}

/** Kubernetes (rendered objects): changed paths the API server refuses to update in place. */
export function immutableInKubernetes(kind: string, path: string): boolean {
  if (under(path, ["metadata.namespace"])) return true;
  switch (kind) {
    case "StatefulSet":
      return (
        under(path, ["spec"]) &&
        !under(path, [
          "spec.replicas",
          "spec.template",
          "spec.update_strategy",
          "spec.persistent_volume_claim_retention_policy",
          "spec.min_ready_seconds",
          "spec.ordinals",
        ])
      );
    case "Deployment":
    case "DaemonSet":
    case "ReplicaSet":
      return under(path, ["spec.selector"]);
    case "Service":
      return under(path, ["spec.cluster_ip", "spec.cluster_ips"]);
    case "PersistentVolumeClaim":
      return under(path, ["spec"]) && !under(path, ["spec.resources.requests"]);
    case "Secret":
    case "ConfigMap":
      return false;
    default:
      return false;
  }
}

/** Kinds and types whose deletion or replacement can lose stored data. */
export function dataRisk(
  type: string,
  kind: string | undefined,
  attrs: Record<string, unknown>,
  action: "delete" | "replace",
): string | undefined {
  const spec = Array.isArray(attrs.spec) ? (attrs.spec[0] as Record<string, unknown>) : (attrs.spec as Record<string, unknown> | undefined);
  const claims = spec?.volume_claim_template;
  const hasClaims = Array.isArray(claims) ? claims.length > 0 : claims !== undefined && claims !== null;
  if (kind === "StatefulSet" && hasClaims) {
    return action === "replace"
      ? "its claim template changes or the StatefulSet is recreated: existing claims are kept by Kubernetes' default retention but never resized or moved, and a renamed StatefulSet or claim template starts on new, empty volumes"
      : "its volumes are no longer used: the claims stay (default retention) until someone deletes them, or are deleted with the namespace or by a Delete retention policy";
  }
  if (kind === "PersistentVolumeClaim" || kind === "PersistentVolume")
    return `the ${kind} ${action === "replace" ? "is deleted and created empty" : "and its data are deleted"}`;
  if (kind === "Namespace") return "deleting a namespace deletes everything in it, including volume claims and Secrets";
  if (type === "docker_volume")
    return action === "replace" ? "the volume is deleted and created empty" : "the volume and its data are deleted";
  return undefined;
}

/** The major version in an image reference's tag ("pgvector/pgvector:pg16" 16, "mongo:8.3.11" 8), if any. */
export function imageMajor(image: string): string | undefined {
  const ref = image.replace(/@.*$/, "");
  const last = ref.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
  return /[0-9]+/.exec(tag)?.[0];
}

/** What to do before a data store's image crosses a major version, by the image's name. */
export function majorUpgradeAdvice(image: string): string {
  if (/postgres|pgvector/.test(image))
    return "PostgreSQL does not start on a data directory of an older major: pg_dumpall from the old server, start the new one on an empty volume and restore (or pg_upgrade with both binaries)";
  if (/mongo/.test(image))
    return "MongoDB moves one major at a time with setFeatureCompatibilityVersion set first, and refuses data files it does not know: mongodump, upgrade step by step (or restore into the new one)";
  if (/rabbitmq/.test(image))
    return "RabbitMQ refuses a node database from a release it cannot upgrade from: drain the queues or export definitions, then start on an empty data directory";
  return "the new major may not read the old data files: back up and follow the store's upgrade guide";
}
