/**
 * Chutes health checks on Kubernetes: the probe's code in a ConfigMap, a preflight Job that
 * the Deployments depend on (a failing probe fails `cdktf deploy` before any rollout), and a
 * CronJob that repeats the probe on a schedule. The CronJob reads the key from the Kodus Secret;
 * the preflight from `preflightSecretName` when given (a candidate Secret holding the key being
 * deployed, so it is checked before the Kodus Secret is rewritten), else from the same Secret.
 * The preflight runs on every apply; its name also changes with what it checks and with the
 * secrets revision, so a rotated key is always checked before pods roll onto it.
 *
 * Chutes budget watch (when on): the preflight and the CronJob's "probe" container read the
 * budget in report mode (figures in their line; their exit code stays the inference's), and the
 * CronJob's pod has a second container, "budget", that reads only the budget and exits 3 on a
 * critical cap (4 when unreadable). A separate container is what makes a budget problem visible
 * as a metric without a custom exporter: kube-state-metrics labels
 * kube_pod_container_status_terminated_reason by container, while it exposes neither the exit
 * code of a finished container nor a Job failure reason a probe could choose. A NetworkPolicy
 * lets the probe pods reach DNS and the ports of llm.baseUrl and llm.managementUrl.
 */
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { dependable, type ITerraformDependable } from "cdktf";
import { rerunOnEveryApply } from "../rerun-every-apply";
import { terraformLiteral } from "../terraform-literal";
import { addressOf, setAddress } from "../addresses";
import { Construct } from "constructs";
import {
  PROBE_COMMAND,
  PROBE_DIR,
  PROBE_FILE,
  PROBE_KEY_ENV,
  probeEnv,
  preflightSettings,
  probeSource,
  shortHash,
  withBudgetMode,
  type ProbeSettings,
} from "../../probe/probe-program";
import { APP_NAME, componentLabels } from "./labels";
import { urlPort } from "./network-policies";
import { hardenedPodSpec, literalEnv, type PodSite, type PodSpec } from "./pod";

export interface ChutesHealthChecksProps {
  /** Namespace, labels, service account and placement of the check pods. */
  readonly site: PodSite;
  /** Requests and limits of each check container (healthcheck.resources). */
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  /** An image with Node 20+ (the Kodus API image: nothing extra to pull). */
  readonly image: string;
  /** Secret and key that hold the Chutes key the periodic check uses (the Kodus Secret). */
  readonly secretName: string;
  /**
   * Secret the preflight reads the key from. A separate "candidate" Secret lets the preflight
   * check a new key before the Kodus Secret is rewritten with it. @default secretName
   */
  readonly preflightSecretName?: string;
  readonly secretKey: string;
  readonly probe: ProbeSettings;
  /** 5-field cron schedule of the periodic check (UTC). */
  readonly schedule: string;
  /** Changes whenever the key is rotated (e.g. the secrets revision); renames, hence re-runs, the preflight. */
  readonly revision: string;
  /** What the preflight Job waits for (e.g. the candidate Secret). @default [] */
  readonly preflightDependsOn?: ITerraformDependable[];
  /** Deploy the preflight Job (off: e.g. one deploy during a Chutes outage). @default true */
  readonly preflight?: boolean;
  /** Deploy the periodic CronJob. @default true */
  readonly periodic?: boolean;
}

export const PREFLIGHT_COMPONENT = "chutes-preflight";
export const HEALTHCHECK_COMPONENT = "chutes-healthcheck";
/** The CronJob pod's container that reads only the Chutes budget (the alert rules select it by name). */
export const BUDGET_CONTAINER = "budget";

export class ChutesHealthChecks extends Construct {
  readonly preflight?: JobV1;
  readonly cronJob?: CronJobV1;
  /** The CronJob's name as plain text (alert rules match its Jobs' pods by it), set whether or not the CronJob is deployed. */
  readonly cronJobName: string;

  constructor(scope: Construct, id: string, props: ChutesHealthChecksProps) {
    super(scope, id);
    // Addresses from this construct's id ("chutes": chutes-probe, chutes-preflight, chutes-healthcheck, ...).
    const address = (role: string) => addressOf(this, { suffix: role });
    this.cronJobName = "kodus-chutes-healthcheck";
    // The probe's JavaScript has `${...}` template literals: escaped for Terraform's templates.
    const source = probeSource();
    const code = new ConfigMapV1(this, "code", {
      metadata: { name: "kodus-chutes-probe", namespace: props.site.namespace, labels: componentLabels(props.site.labels, "chutes-probe") },
      data: { [PROBE_FILE]: terraformLiteral(source) },
    });
    setAddress(code, address("probe"));
    const timeoutSeconds = Math.ceil(props.probe.timeoutMs / 1000);

    const container = (name: string, settings: ProbeSettings, secretName: string) => ({
      name,
      image: props.image,
      // The probe, not the Kodus entrypoint: no migrations, no server.
      command: [...PROBE_COMMAND],
      env: [
        ...literalEnv(probeEnv(settings)),
        { name: PROBE_KEY_ENV, valueFrom: { secretKeyRef: { name: secretName, key: props.secretKey } } },
      ],
      // The probe's one JSON line becomes the termination message: `kubectl describe` shows why.
      terminationMessagePolicy: "FallbackToLogsOnError",
      volumeMount: [{ name: "probe", mountPath: PROBE_DIR, readOnly: true }],
      resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
    });
    /** With `budgetContainer`, a second container reads only the budget (exit 3 on a critical cap). */
    const podSpec = (settings: ProbeSettings, secretName: string, budgetContainer = false): PodSpec =>
      hardenedPodSpec({
        serviceAccountName: props.site.serviceAccountName,
        placement: props.site.placement,
        restartPolicy: "Never",
        volumes: [{ name: "probe", configMap: { name: code.metadata.name, defaultMode: "0444" } }],
        containers: [
          container("probe", withBudgetMode(settings, "report"), secretName),
          ...(budgetContainer && settings.budget !== "off"
            ? [container(BUDGET_CONTAINER, withBudgetMode(settings, "only"), secretName)]
            : []),
        ],
      });

    // The preflight gates on "Chutes serves us" within the timeout; slowness is the periodic check's business.
    // No schedule: the preflight always spends its one completion (the forced tool call).
    const preflight = { ...preflightSettings(props.probe), maxLatencyMs: props.probe.timeoutMs };
    if (props.preflight ?? true) {
      const preflightName = `kodus-chutes-preflight-${shortHash({ probe: preflight, source, image: props.image })}-r${props.revision}`;
      this.preflight = new JobV1(this, "preflight", {
        metadata: { name: preflightName, namespace: props.site.namespace, labels: componentLabels(props.site.labels, PREFLIGHT_COMPONENT) },
        waitForCompletion: true,
        // The deadline leaves room for pulling the API image on a cold node before the probe runs.
        timeouts: { create: `${timeoutSeconds + 660}s`, update: `${timeoutSeconds + 660}s` },
        dependsOn: props.preflightDependsOn,
        spec: {
          backoffLimit: 0, // no retries: a retry would hide the failure and spend quota
          activeDeadlineSeconds: timeoutSeconds + 600,
          template: {
            metadata: { labels: componentLabels(props.site.labels, PREFLIGHT_COMPONENT) },
            spec: podSpec(preflight, props.preflightSecretName ?? props.secretName),
          },
        },
      });
      setAddress(this.preflight, address("preflight"));
      // The preflight runs before every rollout, not only when its settings or the revision change.
      rerunOnEveryApply(this, this.preflight, address("preflight-trigger"));
    }

    if (props.periodic ?? true) {
      this.cronJob = new CronJobV1(this, "periodic", {
        metadata: {
          name: this.cronJobName,
          namespace: props.site.namespace,
          labels: componentLabels(props.site.labels, HEALTHCHECK_COMPONENT),
        },
        spec: {
          schedule: props.schedule,
          timezone: "Etc/UTC",
          concurrencyPolicy: "Forbid", // never two probes at once
          startingDeadlineSeconds: 300, // a missed run is skipped, not stacked up
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 5,
          jobTemplate: {
            metadata: { labels: componentLabels(props.site.labels, HEALTHCHECK_COMPONENT) },
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: timeoutSeconds + 120,
              ttlSecondsAfterFinished: "86400",
              template: {
                metadata: { labels: componentLabels(props.site.labels, HEALTHCHECK_COMPONENT) },
                // The schedule goes to the probe too: it spends a completion only as often as 1 % of the daily quota allows.
                spec: podSpec({ ...props.probe, schedule: props.schedule }, props.secretName, true),
              },
            },
          },
        },
      });
      setAddress(this.cronJob, address("healthcheck"));
    }

    setAddress(this.probeEgress(props), address("probe-egress"));
  }

  /**
   * Egress of the probe pods: DNS, and the inference and management APIs' ports (to any
   * address: a NetworkPolicy cannot name hosts). Additive: other policies may allow more.
   */
  private probeEgress(props: ChutesHealthChecksProps): NetworkPolicyV1 {
    const apiPorts = [
      // The management API: the budget reads, and the periodic check's free key and quota read every run.
      ...new Set([
        urlPort(props.probe.baseUrl),
        ...(props.probe.budget !== "off" || (props.periodic ?? true) ? [urlPort(props.probe.managementUrl)] : []),
      ]),
    ];
    return new NetworkPolicyV1(this, "egress", {
      metadata: {
        name: "kodus-chutes-probe-egress",
        namespace: props.site.namespace,
        labels: componentLabels(props.site.labels, "chutes-probe"),
      },
      spec: {
        podSelector: {
          matchLabels: { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": props.site.labels.instance },
          matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: [PREFLIGHT_COMPONENT, HEALTHCHECK_COMPONENT] }],
        },
        policyTypes: ["Egress"],
        egress: [
          {
            ports: [
              { port: "53", protocol: "UDP" },
              { port: "53", protocol: "TCP" },
            ],
          },
          { ports: apiPorts.map((port) => ({ port: String(port), protocol: "TCP" })) },
        ],
      },
    });
  }

  /** Makes the periodic check wait for `deps` too (e.g. the Kodus Secret it reads, written after the preflight passed). */
  addPeriodicDependency(...deps: ITerraformDependable[]): void {
    if (this.cronJob) this.cronJob.dependsOn = [...(this.cronJob.dependsOn ?? []), ...deps.map((d) => dependable(d))];
  }
}
