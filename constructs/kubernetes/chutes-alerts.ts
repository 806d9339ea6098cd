/**
 * The optional PrometheusRule of the Chutes checks (healthcheck.prometheusRule), the same as the
 * chart's templates/prometheusrule.yaml (test/helm/parity.test.ts compares them). It uses only
 * kube-state-metrics' pod metrics: kube_pod_container_status_terminated_reason is labelled by
 * container, and the CronJob's pod runs "probe" (fails when Chutes fails or the model drifts
 * out of the listing or loses tools: exit 1 or 5-8) and "budget" (exit 3
 * on a critical cap, 4 when the budget cannot be read). Each alert looks at the most recent
 * finished pod only. Those alerts need a pod that ran; KodusChutesCheckStale covers a CronJob that
 * produces no successful pod at all (suspended, image pull errors, a missing Secret, pods that
 * cannot be scheduled): kube-state-metrics' kube_cronjob_status_last_successful_time (or, before
 * the first success, kube_cronjob_created) older than `staleAfterSeconds`. A kubernetes_manifest
 * needs the cluster (and the Prometheus Operator's CRD) at plan time, which is why it exists only
 * when enabled.
 */
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, type LabelProps } from "./labels";

export interface ChutesAlertsProps {
  readonly namespace: string;
  readonly labels: LabelProps;
  /** Name of the periodic check's CronJob. */
  readonly cronJobName: string;
  /** Whether the CronJob has the "budget" container (healthcheck.budget.enabled). */
  readonly budget: boolean;
  /** How old the last successful run may get before KodusChutesCheckStale fires. */
  readonly staleAfterSeconds: number;
  /** Extra labels (e.g. the one Prometheus' ruleSelector matches). */
  readonly extraLabels: Readonly<Record<string, string>>;
  /** What the rule waits for (e.g. the CronJob, hence the namespace). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** One alert on a container of the latest finished CronJob pod. */
function rule(
  namespace: string,
  cronJobName: string,
  container: string,
  alert: string,
  severity: string,
  summary: string,
  description: string,
) {
  const pods = `namespace="${namespace}", pod=~"${cronJobName}-[0-9]+-[a-z0-9]+"`;
  return {
    alert,
    expr:
      `kube_pod_container_status_terminated_reason{${pods}, container="${container}", reason!="Completed"} == 1\n` +
      "and on (namespace, pod)\n" +
      "topk by (namespace) (1,\n" +
      `  kube_pod_created{${pods}}\n` +
      "  and on (namespace, pod)\n" +
      `  kube_pod_container_status_terminated{${pods}, container="${container}"} == 1\n` +
      ")\n",
    labels: { severity },
    annotations: { summary, description: description.replace("NS", namespace).replace("POD", "{{ $labels.pod }}") },
  };
}

/** The CronJob produced no successful run for `staleAfterSeconds` (or none since it was created). */
function staleRule(namespace: string, cronJobName: string, staleAfterSeconds: number) {
  const cron = `namespace="${namespace}", cronjob="${cronJobName}"`;
  const minutes = Math.round(staleAfterSeconds / 60);
  return {
    alert: "KodusChutesCheckStale",
    expr:
      "time() - max by (namespace, cronjob) (\n" +
      `  kube_cronjob_status_last_successful_time{${cron}}\n` +
      "  or\n" +
      `  kube_cronjob_created{${cron}}\n` +
      `) > ${staleAfterSeconds}\n`,
    labels: { severity: "warning" },
    annotations: {
      summary: "The Chutes health check has not succeeded for a while: nothing watches Chutes meanwhile.",
      description:
        `No run of the CronJob ${cronJobName} has succeeded for more than ${minutes} minutes. Either it produces no pod that runs (suspended, image pull errors, a missing Secret or ConfigMap, pods that cannot be scheduled) or every run fails (KodusChutesCheckFailing or KodusChutesBudgetCritical fire too). kubectl -n NS get cronjob,jobs,pods; kubectl -n NS describe pod POD.`
          .replace("NS", namespace)
          .replace("NS", namespace)
          .replace("POD", "<pod>"),
    },
  };
}

export function chutesAlertRules(namespace: string, cronJobName: string, budget: boolean, staleAfterSeconds: number) {
  return [
    staleRule(namespace, cronJobName, staleAfterSeconds),
    rule(
      namespace,
      cronJobName,
      "probe",
      "KodusChutesCheckFailing",
      "critical",
      "The Chutes health check failed: Kodus' reviews are likely failing too.",
      "The last run of the Chutes check failed: Chutes refuses the key or fails (auth_failed, quota_exhausted, timeout, slow, ...) or the model drifted (model_not_listed: gone from GET /v1/models; feature_missing: listed without tools; tools_ignored: a forced tool call answered with text; redirect). The status and its hint are in the probe's JSON line: kubectl -n NS logs POD -c probe.",
    ),
    ...(budget
      ? [
          rule(
            namespace,
            cronJobName,
            "budget",
            "KodusChutesBudgetCritical",
            "warning",
            "A Chutes usage cap is nearly used up (or the budget cannot be read).",
            "The last budget read found a cap at or above the critical percentage (budget_critical, exit 3: reviews stop when the cap is reached) or could not read Chutes' management API (budget_unavailable, exit 4). Window, percentage, reset time and forecast: kubectl -n NS logs POD -c budget.",
          ),
        ]
      : []),
  ];
}

export class ChutesAlerts extends Construct {
  readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: ChutesAlertsProps) {
    super(scope, id);
    this.manifest = new Manifest(this, "rule", {
      dependsOn: props.dependsOn,
      manifest: {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name: "kodus-chutes",
          namespace: props.namespace,
          labels: { ...componentLabels(props.labels, "chutes-alerts"), ...props.extraLabels },
        },
        spec: {
          groups: [
            { name: "kodus-chutes", rules: chutesAlertRules(props.namespace, props.cronJobName, props.budget, props.staleAfterSeconds) },
          ],
        },
      },
    });
    setAddress(this.manifest, addressOf(this));
  }
}
