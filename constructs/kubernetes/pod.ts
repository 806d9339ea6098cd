/**
 * Hardened pod and container specs shared by every Kodus workload (Deployments, Jobs,
 * CronJobs): non-root, read-only root filesystem with a writable /tmp, no privilege
 * escalation, every capability dropped, seccomp RuntimeDefault, no service-account token.
 */
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
export function hardenedContainerSecurity(readOnlyRootFilesystem = true): NonNullable<DeploymentV1SpecTemplateSpecContainer["securityContext"]> {
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

export interface HardenedPodProps {
  readonly serviceAccountName: string;
  readonly containers: ContainerSpec[];
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
      runAsUser: String(uid),
      runAsGroup: String(uid),
      fsGroup: String(uid),
      seccompProfile: { type: "RuntimeDefault" },
    },
    container: props.containers.map((c) => ({
      ...c,
      securityContext: hardenedContainerSecurity(props.readOnlyRootFilesystem ?? true),
      volumeMount: [...writable.map((w) => ({ name: w.name, mountPath: w.mountPath })), ...(c.volumeMount ?? [])],
    })),
    volume: [...writable.map((w) => ({ name: w.name, emptyDir: { sizeLimit: "1Gi" } })), ...(props.volumes ?? [])],
    topologySpreadConstraint: props.spreadLabels
      ? [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: [{ matchLabels: props.spreadLabels }] }]
      : undefined,
  };
}

/** `env` entries that read each name from the same key of one Secret. */
export function secretEnv(secretName: string, names: readonly string[]): EnvEntry[] {
  return names.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } }));
}

/** `env` entries with literal values, in a stable order. */
export function literalEnv(values: Record<string, string>): EnvEntry[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}
