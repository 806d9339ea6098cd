/**
 * Hardened pod and container specs shared by every Kodus workload (Deployments, Jobs,
 * CronJobs): non-root, read-only root filesystem with a writable /tmp, no privilege
 * escalation, every capability dropped, seccomp RuntimeDefault, no service-account token.
 */
import type { LabelProps } from "./labels";
import type {
  DeploymentV1SpecTemplateSpec,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerEnv,
  DeploymentV1SpecTemplateSpecContainerVolumeMount,
  DeploymentV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";

export type PodSpec = DeploymentV1SpecTemplateSpec;
/** A container as this module takes it: plain arrays, so mounts can be merged. */
export type ContainerSpec = Omit<DeploymentV1SpecTemplateSpecContainer, "volumeMount" | "env"> & {
  readonly volumeMount?: DeploymentV1SpecTemplateSpecContainerVolumeMount[];
  readonly env?: EnvEntry[];
};
export type EnvEntry = DeploymentV1SpecTemplateSpecContainerEnv;

/** The Kodus images run as this uid/gid (node:22-slim's "node" user). */
export const KODUS_UID = 1000;

/** Container security context: no root, no writes outside volumes, no privileges, no capabilities. */
export function hardenedContainerSecurity(
  readOnlyRootFilesystem = true,
): NonNullable<DeploymentV1SpecTemplateSpecContainer["securityContext"]> {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export interface WritablePath {
  /** Volume name (DNS-1123). */
  readonly name: string;
  readonly mountPath: string;
}

/** /tmp is writable in every Kodus container. */
export const TMP: WritablePath = { name: "tmp", mountPath: "/tmp" };

/** What every pod of the deployment shares: its namespace, the release's labels, its service account, where it may run. */
export interface PodSite {
  readonly namespace: string;
  readonly labels: LabelProps;
  readonly serviceAccountName: string;
  /** Where the pods may run and how they pull images. @default undefined (anywhere, no pull secrets) */
  readonly placement?: PodPlacement;
}

export interface HardenedPodProps {
  readonly serviceAccountName: string;
  readonly containers: ContainerSpec[];
  /** Init containers, hardened the same way and always with a read-only root. @default [] */
  readonly initContainers?: ContainerSpec[];
  /** Extra writable paths (each an emptyDir); /tmp is always included. @default [] */
  readonly writablePaths?: readonly WritablePath[];
  /** Extra volumes (e.g. a ConfigMap). @default [] */
  readonly volumes?: DeploymentV1SpecTemplateSpecVolume[];
  /** @default "Always" */
  readonly restartPolicy?: "Always" | "Never" | "OnFailure";
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Spread replicas over nodes when possible. @default undefined (no constraint) */
  readonly spreadLabels?: Record<string, string>;
  /** uid/gid the pod runs as. @default KODUS_UID */
  readonly runAsUser?: number;
  /** Only for images that must write outside their volumes (documented per use). @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Where the pod may run and how it pulls images. @default undefined (anywhere, no pull secrets) */
  readonly placement?: PodPlacement;
  /**
   * Topology spread constraints (Kubernetes API shape, without labelSelector: spreadLabels is
   * filled in). Set, they replace the default spread over nodes. @default undefined
   */
  readonly spread?: readonly TopologySpread[];
}

/** Kubernetes-API-shaped pod placement, as config kubernetes.scheduling gives it. */
export interface PodPlacement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Readonly<{
    key?: string;
    operator?: string;
    value?: string;
    effect?: string;
    tolerationSeconds?: number;
  }>[];
  /** The Kubernetes Affinity object (camelCase API fields). */
  readonly affinity?: unknown;
  readonly priorityClassName?: string;
  /** Names of image pull Secrets. */
  readonly imagePullSecrets?: readonly string[];
  /**
   * false: no runAsUser/runAsGroup/fsGroup, the platform assigns them (OpenShift's restricted
   * SCC). @default true (the image's uid: 1000 for Kodus, 999 for the stores)
   */
  readonly fixedIds?: boolean;
}

/**
 * Spread over nodes when possible, counting only pods of the same ReplicaSet (pod-template-hash):
 * during a rollout the old pods do not skew where the new ones go (Kubernetes >= 1.27).
 */
export const DEFAULT_SPREAD: TopologySpread = {
  maxSkew: 1,
  topologyKey: "kubernetes.io/hostname",
  whenUnsatisfiable: "ScheduleAnyway",
  matchLabelKeys: ["pod-template-hash"],
};

export interface TopologySpread {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: string;
  readonly minDomains?: number;
  readonly nodeAffinityPolicy?: string;
  readonly nodeTaintsPolicy?: string;
  readonly matchLabelKeys?: readonly string[];
}

/**
 * The Kubernetes API's Affinity turned into the Terraform provider's blocks: the same field
 * names except nodeSelectorTerms (nodeSelectorTerm) and label/namespace selectors, which are
 * lists of one block.
 */
export function affinityBlocks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => affinityBlocks(v));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === "matchLabels")
      out[k] = v; // a map: keys are labels, not fields
    else if (k === "nodeSelectorTerms") out.nodeSelectorTerm = affinityBlocks(v);
    else if (k === "labelSelector" || k === "namespaceSelector") out[k] = [affinityBlocks(v)];
    else out[k] = affinityBlocks(v);
  }
  return out;
}

/** The placement fields of a pod spec (Terraform provider shape). */
export function placementSpec(p: PodPlacement | undefined): Partial<PodSpec> {
  if (!p) return {};
  const out: Record<string, unknown> = {};
  if (p.nodeSelector && Object.keys(p.nodeSelector).length > 0) out.nodeSelector = { ...p.nodeSelector };
  if (p.tolerations && p.tolerations.length > 0) {
    out.toleration = p.tolerations.map((t) => ({
      ...t,
      tolerationSeconds: t.tolerationSeconds === undefined ? undefined : String(t.tolerationSeconds),
    }));
  }
  if (p.affinity) out.affinity = affinityBlocks(p.affinity);
  if (p.priorityClassName) out.priorityClassName = p.priorityClassName;
  if (p.imagePullSecrets && p.imagePullSecrets.length > 0) out.imagePullSecrets = p.imagePullSecrets.map((name) => ({ name }));
  return out as Partial<PodSpec>;
}

/** A pod spec whose every container is hardened and gets the writable emptyDirs mounted. */
export function hardenedPodSpec(props: HardenedPodProps): PodSpec {
  const writable = [TMP, ...(props.writablePaths ?? [])];
  const uid = props.runAsUser ?? KODUS_UID;
  return {
    serviceAccountName: props.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: props.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
    securityContext: {
      runAsNonRoot: true,
      ...(props.placement?.fixedIds === false ? {} : { runAsUser: String(uid), runAsGroup: String(uid), fsGroup: String(uid) }),
      seccompProfile: { type: "RuntimeDefault" },
    },
    initContainer: props.initContainers?.map((c) => ({
      ...c,
      securityContext: hardenedContainerSecurity(true),
      volumeMount: [...writable.map((w) => ({ name: w.name, mountPath: w.mountPath })), ...(c.volumeMount ?? [])],
    })),
    container: props.containers.map((c) => ({
      ...c,
      securityContext: hardenedContainerSecurity(props.readOnlyRootFilesystem ?? true),
      volumeMount: [...writable.map((w) => ({ name: w.name, mountPath: w.mountPath })), ...(c.volumeMount ?? [])],
    })),
    volume: [...writable.map((w) => ({ name: w.name, emptyDir: { sizeLimit: "1Gi" } })), ...(props.volumes ?? [])],
    topologySpreadConstraint: props.spreadLabels
      ? (props.spread ?? [DEFAULT_SPREAD]).map((c) => ({
          ...c,
          matchLabelKeys: c.matchLabelKeys ? [...c.matchLabelKeys] : undefined,
          labelSelector: [{ matchLabels: props.spreadLabels }],
        }))
      : undefined,
    ...placementSpec(props.placement),
  };
}

/** `env` entries that read each name from the same key of one Secret. */
export function secretEnv(secretName: string, names: readonly string[], optional: readonly string[] = []): EnvEntry[] {
  return names.map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName, key: name, ...(optional.includes(name) ? { optional: true } : {}) } },
  }));
}

/** `env` entries with literal values, in a stable order. */
export function literalEnv(values: Record<string, string>): EnvEntry[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}
