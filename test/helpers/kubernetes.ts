import type { TfJson } from "./synth";

/** Every pod template in a synthesized Kubernetes stack, keyed "type.name". */
export function podSpecs(json: TfJson): Record<string, any> {
  const out: Record<string, any> = {};
  const add = (type: string, pick: (r: any) => any) => {
    for (const [name, r] of Object.entries(json.resource[type] ?? {})) out[`${type}.${name}`] = pick(r);
  };
  add("kubernetes_deployment_v1", (r) => r.spec.template.spec);
  add("kubernetes_stateful_set_v1", (r) => r.spec.template.spec);
  add("kubernetes_job_v1", (r) => r.spec.template.spec);
  add("kubernetes_cron_job_v1", (r) => r.spec.job_template.spec.template.spec);
  return out;
}

/** Env entries of the first container of a deployment, by name. */
export function deploymentEnv(json: TfJson, name: string): Record<string, any> {
  const container = json.resource.kubernetes_deployment_v1[name].spec.template.spec.container[0];
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e]));
}
