/**
 * One Kodus component on Kubernetes: its Deployment, and as needed its Service,
 * PodDisruptionBudget, HorizontalPodAutoscaler and NetworkPolicy.
 */
import { basename, dirname } from "node:path";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, selectorLabels, type LabelProps } from "./labels";
import { hardenedPodSpec, type EnvEntry, type PodPlacement, type TopologySpread, type WritablePath } from "./pod";

export interface ComputeResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface HttpProbes {
  readonly port: number;
  /** Path for the startup and liveness probes (shallow). */
  readonly liveness: string;
  /** Path for the readiness probe (may be deep). */
  readonly readiness: string;
  /** Time the app may take to start before liveness applies. @default 150 */
  readonly startupSeconds?: number;
}

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

export interface KodusWorkloadProps {
  /** Component name (api, worker, webhooks, web); also the container name. */
  readonly component: string;
  readonly namespace: string;
  readonly labels: LabelProps;
  /** Object names are `<prefix>-<component>`. @default "kodus" */
  readonly namePrefix?: string;
  readonly image: string;
  /** Desired replicas; with autoscaling, the HPA owns the count and this is its starting point. */
  readonly replicas: number;
  readonly resources: ComputeResources;
  /** ConfigMap whose keys become the plain environment. */
  readonly configMapName: string;
  /** Secret env entries (secretKeyRef) and any extra literal env. */
  readonly env: EnvEntry[];
  readonly serviceAccountName: string;
  /** Annotations on the pod template; a change rolls every pod. @default {} */
  readonly podAnnotations?: Record<string, string>;
  /** Extra pod labels (the component's own labels win). @default {} */
  readonly podLabels?: Record<string, string>;
  /** Where the pods may run and how they pull images. @default undefined */
  readonly placement?: PodPlacement;
  /** Replaces the default spread over nodes (the component's selector is filled in). @default undefined */
  readonly spread?: readonly TopologySpread[];
  readonly probes: HttpProbes;
  /** Expose the port through a ClusterIP Service. @default true */
  readonly service?: boolean;
  readonly ingressFrom: IngressPeers;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Writable emptyDir paths besides /tmp. @default [] */
  readonly writablePaths?: readonly WritablePath[];
  /** A CA bundle from a ConfigMap key, mounted read-only as the file `path` (NODE_EXTRA_CA_CERTS is the caller's env). @default undefined */
  readonly caBundle?: { readonly configMapName: string; readonly key: string; readonly path: string };
  /** An HPA owns the replica count between these bounds. @default undefined (fixed replica count) */
  readonly autoscaling?: Autoscaling;
  /** A rollout not progressing for this long fails the deploy. */
  readonly rolloutTimeoutSeconds: number;
  /** Resources that must be in place first (migrations, preflight). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Whether a component with this shape gets a PodDisruptionBudget (only multi-replica ones). */
export function needsDisruptionBudget(replicas: number, autoscaling?: Autoscaling): boolean {
  return (autoscaling?.maxReplicas ?? replicas) > 1;
}

export class KodusWorkload extends Construct {
  readonly deployment: DeploymentV1;
  readonly service?: ServiceV1;
  readonly name: string;

  constructor(scope: Construct, id: string, props: KodusWorkloadProps) {
    super(scope, id);
    const name = `${props.namePrefix ?? "kodus"}-${props.component}`;
    this.name = name;
    const labels = componentLabels(props.labels, props.component);
    const selector = selectorLabels(props.labels.instance, props.component);
    const metadata = { name, namespace: props.namespace, labels };
    const port = props.probes.port;
    const startupPeriod = 5;
    const httpGet = (path: string) => ({ path, port: String(port) });

    this.deployment = new DeploymentV1(this, "deployment", {
      metadata,
      // Fail the deploy with the provider's "exceeded its progress deadline" instead of hanging.
      waitForRollout: true,
      timeouts: { create: `${props.rolloutTimeoutSeconds + 120}s`, update: `${props.rolloutTimeoutSeconds + 120}s` },
      dependsOn: props.dependsOn,
      lifecycle: props.autoscaling ? { ignoreChanges: ["spec[0].replicas"] } : undefined,
      spec: {
        replicas: String(props.autoscaling ? props.autoscaling.minReplicas : props.replicas),
        revisionHistoryLimit: 3,
        progressDeadlineSeconds: props.rolloutTimeoutSeconds,
        selector: { matchLabels: selector },
        // Never below the desired count during a rollout: one extra pod at a time.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "1" } },
        template: {
          metadata: { labels: { ...props.podLabels, ...labels }, annotations: props.podAnnotations ?? {} },
          spec: hardenedPodSpec({
            serviceAccountName: props.serviceAccountName,
            placement: props.placement,
            spread: props.spread,
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
            writablePaths: props.writablePaths,
            volumes: props.caBundle
              ? [
                  {
                    name: "ca-bundle",
                    configMap: {
                      name: props.caBundle.configMapName,
                      items: [{ key: props.caBundle.key, path: basename(props.caBundle.path) }],
                    },
                  },
                ]
              : undefined,
            spreadLabels: selector,
            containers: [
              {
                name: props.component,
                image: props.image,
                imagePullPolicy: "IfNotPresent",
                port: [{ name: "http", containerPort: port }],
                envFrom: [{ configMapRef: { name: props.configMapName } }],
                env: props.env,
                volumeMount: props.caBundle ? [{ name: "ca-bundle", mountPath: dirname(props.caBundle.path), readOnly: true }] : undefined,
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                startupProbe: {
                  httpGet: httpGet(props.probes.liveness),
                  periodSeconds: startupPeriod,
                  timeoutSeconds: 3,
                  failureThreshold: Math.ceil((props.probes.startupSeconds ?? 150) / startupPeriod),
                },
                livenessProbe: { httpGet: httpGet(props.probes.liveness), periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
                readinessProbe: { httpGet: httpGet(props.probes.readiness), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              },
            ],
          }),
        },
      },
    });

    // Every resource of the component is addressed by the construct's id: kubernetes_deployment_v1.api, kubernetes_service_v1.api, ...
    const address = addressOf(this);
    setAddress(this.deployment, address);

    if (props.service ?? true) {
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
      const pdb = new PodDisruptionBudgetV1(this, "pdb", {
        metadata,
        spec: { maxUnavailable: "1", selector: { matchLabels: selector } },
      });
      setAddress(pdb, address);
    }

    if (props.autoscaling) {
      const hpa = new HorizontalPodAutoscalerV2(this, "hpa", {
        metadata,
        spec: {
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          metric: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: props.autoscaling.targetCpuPercent } },
            },
          ],
          behavior: props.autoscaling.scaleDown
            ? {
                scaleDown: [
                  {
                    stabilizationWindowSeconds: props.autoscaling.scaleDown.stabilizationWindowSeconds,
                    policy: [
                      {
                        type: "Pods",
                        value: props.autoscaling.scaleDown.podsPerPeriod,
                        periodSeconds: props.autoscaling.scaleDown.periodSeconds,
                      },
                    ],
                  },
                ],
              }
            : undefined,
        },
      });
      setAddress(hpa, address);
    }

    const policy = new NetworkPolicyV1(this, "network-policy", {
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: ingressRules(props.ingressFrom, port, props.labels.instance),
      },
    });
    setAddress(policy, address);
  }
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
