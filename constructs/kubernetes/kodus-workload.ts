/**
 * One Kodus component on Kubernetes: its Deployment, and as needed its Service,
 * PodDisruptionBudget, HorizontalPodAutoscaler and NetworkPolicy.
 */
import { basename, dirname } from "node:path";
import { DeploymentV1, type DeploymentV1Config } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2, type HorizontalPodAutoscalerV2Spec } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, selectorLabels } from "./labels";
import type { KodusComponentSpec } from "../../contract/components";
import { hardenedPodSpec, type ContainerSpec, type EnvEntry, type PodSite, type TopologySpread } from "./pod";

export interface ComputeResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The parts of a component's contract row (contract/components.ts) its workload is built from. */
export type WorkloadRow = Pick<KodusComponentSpec, "port" | "health" | "startupSeconds" | "service" | "writablePaths">;

export interface Autoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuPercent: number;
  /** Slower scale-down: at most podsPerPeriod pods per periodSeconds, after the window. @default Kubernetes' behavior */
  readonly scaleDown?: { readonly stabilizationWindowSeconds: number; readonly podsPerPeriod: number; readonly periodSeconds: number };
}

/** Who may open connections to the component's port. */
export type IngressPeers =
  | { readonly kind: "none" }
  | { readonly kind: "any" }
  | { readonly kind: "components"; readonly components: readonly string[] }
  /** Pods of another namespace (e.g. the ingress controller), optionally only those with these labels. */
  | { readonly kind: "namespace"; readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>> };

/** The component's pods: what runs, with which settings, where. */
export interface WorkloadPod extends PodSite {
  readonly image: string;
  readonly resources: ComputeResources;
  /** ConfigMap whose keys become the plain environment. */
  readonly configMapName: string;
  /** Secret env entries (secretKeyRef) and any extra literal env. */
  readonly env: EnvEntry[];
  /** Annotations on the pod template; a change rolls every pod. @default {} */
  readonly annotations?: Record<string, string>;
  /** Extra pod labels (the component's own labels win). @default {} */
  readonly extraLabels?: Record<string, string>;
  /** Replaces the default spread over nodes (the component's selector is filled in). @default undefined */
  readonly spread?: readonly TopologySpread[];
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** A CA bundle from a ConfigMap key, mounted read-only as the file `path` (NODE_EXTRA_CA_CERTS is the caller's env). @default undefined */
  readonly caBundle?: { readonly configMapName: string; readonly key: string; readonly path: string };
}

export interface KodusWorkloadProps {
  /** Component name (api, worker, ...); also the container name. Objects are named `kodus-<component>`. */
  readonly component: string;
  /** Port, health paths, startup budget, Service, writable paths: the component's contract row. */
  readonly row: WorkloadRow;
  readonly pod: WorkloadPod;
  /** Desired replicas; with autoscaling, the HPA owns the count and this is its starting point. */
  readonly replicas: number;
  /** An HPA owns the replica count between these bounds. @default undefined (fixed replica count) */
  readonly autoscaling?: Autoscaling;
  readonly ingressFrom: IngressPeers;
  /** A rollout not progressing for this long fails the deploy. */
  readonly rolloutTimeoutSeconds: number;
  /** Resources that must be in place first (migrations, preflight). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Whether a component with this shape gets a PodDisruptionBudget (only multi-replica ones). */
export function needsDisruptionBudget(replicas: number, autoscaling?: Autoscaling): boolean {
  return (autoscaling?.maxReplicas ?? replicas) > 1;
}

const STARTUP_PERIOD_SECONDS = 5;

export class KodusWorkload extends Construct {
  readonly deployment: DeploymentV1;
  readonly service?: ServiceV1;
  readonly name: string;

  constructor(scope: Construct, id: string, props: KodusWorkloadProps) {
    super(scope, id);
    this.name = `kodus-${props.component}`;
    const metadata = { name: this.name, namespace: props.pod.namespace, labels: componentLabels(props.pod.labels, props.component) };
    const selector = selectorLabels(props.pod.labels.instance, props.component);
    const port = props.row.port;
    // Every resource of the component is addressed by the construct's id: kubernetes_deployment_v1.api, kubernetes_service_v1.api, ...
    const address = addressOf(this);

    this.deployment = setAddress(new DeploymentV1(this, "deployment", { metadata, ...deploymentSettings(props, selector) }), address);
    if (props.row.service) {
      this.service = new ServiceV1(this, "service", {
        metadata,
        spec: { type: "ClusterIP", selector, port: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
      });
      setAddress(this.service, address);
    }
    if (needsDisruptionBudget(props.replicas, props.autoscaling)) {
      // maxUnavailable (not minAvailable) so a node drain can always evict one pod.
      // No unhealthyPodEvictionPolicy (the chart sets AlwaysAllow): kubernetes_pod_disruption_budget_v1
      // of the frozen provider 2.38.0 has no such attribute (docs/kubernetes.md#disruption-budgets).
      const spec = { maxUnavailable: "1", selector: { matchLabels: selector } };
      setAddress(new PodDisruptionBudgetV1(this, "pdb", { metadata, spec }), address);
    }
    if (props.autoscaling) {
      const spec = autoscalerSpec(props.autoscaling, this.name);
      setAddress(new HorizontalPodAutoscalerV2(this, "hpa", { metadata, spec }), address);
    }
    const policy = new NetworkPolicyV1(this, "network-policy", {
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: ingressRules(props.ingressFrom, port, props.pod.labels.instance),
      },
    });
    setAddress(policy, address);
  }
}

/** The Deployment: rolled one extra pod at a time, waited for, its pods hardened. */
function deploymentSettings(props: KodusWorkloadProps, selector: Record<string, string>): Omit<DeploymentV1Config, "metadata"> {
  const { pod, autoscaling, rolloutTimeoutSeconds } = props;
  return {
    // Fail the deploy with the provider's "exceeded its progress deadline" instead of hanging.
    waitForRollout: true,
    timeouts: { create: `${rolloutTimeoutSeconds + 120}s`, update: `${rolloutTimeoutSeconds + 120}s` },
    dependsOn: props.dependsOn,
    lifecycle: autoscaling ? { ignoreChanges: ["spec[0].replicas"] } : undefined,
    spec: {
      replicas: String(autoscaling ? autoscaling.minReplicas : props.replicas),
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: rolloutTimeoutSeconds,
      selector: { matchLabels: selector },
      // Never below the desired count during a rollout: one extra pod at a time.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "1" } },
      template: {
        metadata: {
          labels: { ...pod.extraLabels, ...componentLabels(pod.labels, props.component) },
          annotations: pod.annotations ?? {},
        },
        spec: hardenedPodSpec({
          serviceAccountName: pod.serviceAccountName,
          placement: pod.placement,
          spread: pod.spread,
          terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
          writablePaths: props.row.writablePaths,
          volumes: pod.caBundle
            ? [
                {
                  name: "ca-bundle",
                  configMap: { name: pod.caBundle.configMapName, items: [{ key: pod.caBundle.key, path: basename(pod.caBundle.path) }] },
                },
              ]
            : undefined,
          spreadLabels: selector,
          containers: [kodusContainer(props.component, props.row, pod)],
        }),
      },
    },
  };
}

/** The one container: the contract's port and health paths as startup, liveness and readiness probes. */
function kodusContainer(component: string, row: WorkloadRow, pod: WorkloadPod): ContainerSpec {
  const httpGet = (path: string) => ({ path, port: String(row.port) });
  return {
    name: component,
    image: pod.image,
    imagePullPolicy: "IfNotPresent",
    port: [{ name: "http", containerPort: row.port }],
    envFrom: [{ configMapRef: { name: pod.configMapName } }],
    env: pod.env,
    volumeMount: pod.caBundle ? [{ name: "ca-bundle", mountPath: dirname(pod.caBundle.path), readOnly: true }] : undefined,
    resources: { requests: { ...pod.resources.requests }, limits: { ...pod.resources.limits } },
    startupProbe: {
      httpGet: httpGet(row.health.liveness),
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: 3,
      failureThreshold: Math.ceil(row.startupSeconds / STARTUP_PERIOD_SECONDS),
    },
    livenessProbe: { httpGet: httpGet(row.health.liveness), periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
    readinessProbe: { httpGet: httpGet(row.health.readiness), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

/** CPU-based HPA, with the slower scale-down when configured. */
function autoscalerSpec(a: Autoscaling, deploymentName: string): HorizontalPodAutoscalerV2Spec {
  const { scaleDown } = a;
  return {
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuPercent } } }],
    behavior: scaleDown
      ? {
          scaleDown: [
            {
              stabilizationWindowSeconds: scaleDown.stabilizationWindowSeconds,
              policy: [{ type: "Pods", value: scaleDown.podsPerPeriod, periodSeconds: scaleDown.periodSeconds }],
            },
          ],
        }
      : undefined,
  };
}

function ingressRules(peers: IngressPeers, port: number, instance: string) {
  const ports = [{ port: String(port), protocol: "TCP" }];
  switch (peers.kind) {
    case "none":
      return [];
    case "any":
      return [{ ports }];
    case "components":
      return [{ ports, from: peers.components.map((c) => ({ podSelector: { matchLabels: selectorLabels(instance, c) } })) }];
    case "namespace":
      // One peer: the namespace and the pod labels must both match.
      return [
        {
          ports,
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peers.namespace } },
              ...(peers.podLabels ? { podSelector: { matchLabels: { ...peers.podLabels } } } : {}),
            },
          ],
        },
      ];
  }
}
