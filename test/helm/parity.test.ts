/**
 * Parity: the chart must deploy what the cdktf Kubernetes stack deploys. What both read from
 * the contract (images, ports, health paths, budgets, env and secret names) the chart takes from
 * its generated files/contract.json (test/helm/contract.test.ts); what each computes on its own
 * is compared here: values from .Values vs from the config (URLs, hosts, pools, hashes), how the
 * secrets get in, data stores, hardening, probes' timings, policies. For the chart's defaults
 * and other values files, the stack is synthesized from the equivalent config and every object
 * both produce is compared field by field, after converting Terraform's schema (snake_case,
 * singular blocks, numbers as strings) to the Kubernetes API's. The few differences that are by
 * design are listed in DIFFERENCES and applied explicitly; anything else that differs fails.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { EXPECTED_RABBITMQ } from "../helpers/kodus-expected";
import type { ConfigInput } from "../../config/schema";
import { synthStack, type TfJson } from "../helpers/synth";
import { terraformStringValue } from "../../constructs/terraform-literal";
import { EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, RELEASE, helmBin, isHook, podSpec, render, secretData, type K8sObject } from "./helm";

const TF_KINDS: Record<string, string> = {
  kubernetes_namespace_v1: "Namespace",
  kubernetes_service_account_v1: "ServiceAccount",
  kubernetes_secret_v1: "Secret",
  kubernetes_config_map_v1: "ConfigMap",
  kubernetes_deployment_v1: "Deployment",
  kubernetes_service_v1: "Service",
  kubernetes_stateful_set_v1: "StatefulSet",
  kubernetes_job_v1: "Job",
  kubernetes_cron_job_v1: "CronJob",
  kubernetes_pod_disruption_budget_v1: "PodDisruptionBudget",
  kubernetes_horizontal_pod_autoscaler_v2: "HorizontalPodAutoscaler",
  kubernetes_network_policy_v1: "NetworkPolicy",
  kubernetes_ingress_v1: "Ingress",
};

/**
 * The differences between the chart and the stack that are by design (each one also listed in
 * the chart's README). Keys are "Kind/canonical-name"; values say why.
 */
const DIFFERENCES = {
  "Namespace/kodus": "the stack creates the namespace (with the restricted Pod Security label); with Helm, `--create-namespace` does",
  "ServiceAccount/kodus-chutes-preflight": "the preflight hook runs before the release's ServiceAccount exists: it brings its own (hook, deleted after success)",
  "ConfigMap/kodus-chutes-preflight": "the preflight hook runs before the release's probe ConfigMap exists: it brings its own copy (hook)",
  "Secret/kodus-chutes-preflight": "both check the key being deployed from a Secret of its own before the Kodus Secret gets it; the chart's is a hook (deleted after success), the stack's a write-only Secret",
  "Job names": "both name the migration from a hash of what it runs, but Terraform hashes its JSON and Helm its own, so the hashes differ; both name the preflight from a hash of what it checks",
  "argocd.argoproj.io annotations": "Argo CD's hooks and sync waves (migration Job before the Deployments): the stack orders with depends_on",
  "Deployment replicas with an HPA": "the stack sets minReplicas and ignores later changes; the chart leaves spec.replicas to the HPA (rendering it would reset the count on every upgrade)",
  "migrate initContainers": "bundled mode: the stack orders the migration after the StatefulSets with depends_on; the chart waits in an init container",
  "ConfigMap/kodus-test": "`helm test` (test hooks): the stack has no test command; the README's 'Verify a deploy' lists the same checks",
  "NetworkPolicy/kodus-test": "`helm test` (test hook): lets the test pod reach the API and the worker",
  "Pod/kodus-test": "`helm test` (test hook): the in-cluster check of API, worker and Chutes",
  "Service/kodus-worker-health": "`helm test` (test hook): the worker has no Service; the test reaches its health port through this one",
  "PodDisruptionBudget unhealthyPodEvictionPolicy":
    "the chart sets AlwaysAllow (a crash-looping pod never blocks a node drain); kubernetes_pod_disruption_budget_v1 of the frozen provider 2.38.0 has no such attribute",
  "pod annotation values": "config-hash is computed by Terraform vs by Helm; secret-hash exists only in chart mode (the stack rewrites write-only data on a revision bump instead)",
} as const;

type Setup = { name: string; values: Record<string, any>; config: ConfigInput };

/** The chart values as the equivalent config file input. */
function toConfig(values: Record<string, any>): ConfigInput {
  const { llm, kodus, healthcheck, secrets, ...cluster } = values;
  const { mode, name } = secrets ?? {};
  return {
    llm,
    kodus,
    healthcheck,
    docker: { enabled: false },
    kubernetes: {
      ...cluster,
      dataStores: { mode: "bundled", ...cluster.dataStores }, // the chart's default data-store mode
      secrets: { mode: mode === "existing" ? "existing" : "terraform", ...(name ? { name } : {}) },
    },
  } as ConfigInput;
}

const SETUPS: Setup[] = [
  { name: "defaults (bundled stores, chart Secret)", values: { secrets: { values: EXPLICIT_SECRET_VALUES } }, config: toConfig({ secrets: {} }) },
  (() => {
    const values = parse(readFileSync(FULL_VALUES_FILE, "utf8"));
    return { name: "full values (external stores, existing Secret, Ingress, HPAs)", values, config: toConfig(values) };
  })(),
  (() => {
    // The data-store and Kodus settings of issue 8: bundled stores with their own resources and
    // storage, max_connections from scaleLimits, URLs derived from the Ingress, telemetry off.
    const values = {
      kodus: { telemetryDisabled: true },
      replicas: { webhooks: 3 },
      autoscaling: { api: { enabled: true, maxReplicas: 7 }, worker: { enabled: true, maxReplicas: 4 } },
      scaleLimits: { api: 7, worker: 5, webhooks: 3 },
      ingress: { enabled: true, webHost: "kodus.example.com", webhooksHost: "hooks.example.com", tlsSecretName: "kodus-tls" },
      dataStores: {
        storageSize: "20Gi",
        resources: { postgres: { limits: { memory: "3Gi" } }, mongodb: { requests: { cpu: "300m" } }, rabbitmq: { limits: { cpu: "2", memory: "1536Mi" } } },
      },
    };
    return { name: "bundled stores with own resources, Ingress-derived URLs, telemetry off", values: { ...values, secrets: { values: EXPLICIT_SECRET_VALUES } }, config: toConfig({ ...values, secrets: {} }) };
  })(),
  (() => {
    const values = { secrets: { values: EXPLICIT_SECRET_VALUES }, healthcheck: { prometheusRule: { enabled: true, labels: { release: "kube-prometheus-stack" } } } };
    return { name: "defaults + the PrometheusRule", values, config: toConfig({ ...values, secrets: {} }) };
  })(),
  (() => {
    // The stale-check threshold from an irregular schedule: both read the same longest gap.
    const values = { secrets: { values: EXPLICIT_SECRET_VALUES }, healthcheck: { schedule: "5-20/5 1,13 * * *", prometheusRule: { enabled: true } } };
    return { name: "the PrometheusRule with a twice-a-day schedule", values, config: toConfig({ ...values, secrets: {} }) };
  })(),
  (() => {
    // OpenShift: no fixed ids on any pod, bundled stores included; a proxy and a token from a Secret on the worker.
    const env = [
      { name: "HTTPS_PROXY", value: "http://proxy.corp.example:3128" },
      { name: "GITLAB_TOKEN", valueFrom: { secretKeyRef: { name: "corp-git", key: "token", optional: true } } },
    ];
    const digests = { postgres: `sha256:${"a".repeat(64)}`, rabbitmq: `sha256:${"b".repeat(64)}` };
    const values = { secrets: { values: EXPLICIT_SECRET_VALUES }, podSecurity: { fixedIds: false }, pods: { worker: { env, scheduling: { nodeSelector: { pool: "workers" } } } }, images: { digests }, scheduling: { nodeSelector: { pool: "general" } } };
    return { name: "podSecurity.fixedIds false (OpenShift), extra env, store digests, per-component scheduling", values, config: toConfig({ ...values, secrets: {} }) };
  })(),
  (() => {
    // The optional components the other way round: the MCP manager off, the analytics worker on.
    const values = { kodus: { components: { "mcp-manager": { enabled: false }, "worker-analytics": { enabled: true } } }, replicas: { "worker-analytics": 2 } };
    return { name: "MCP manager off, analytics worker on", values: { ...values, secrets: { values: EXPLICIT_SECRET_VALUES } }, config: toConfig({ ...values, secrets: {} }) };
  })(),
];

// --- Terraform JSON → Kubernetes objects ---

const PLURAL: Record<string, string> = {
  container: "containers",
  init_container: "initContainers",
  port: "ports",
  volume: "volumes",
  volume_mount: "volumeMounts",
  topology_spread_constraint: "topologySpreadConstraints",
  volume_claim_template: "volumeClaimTemplates",
  rule: "rules",
  path: "paths",
  metric: "metrics",
  node_selector_term: "nodeSelectorTerms",
  toleration: "tolerations",
  policy: "policies",
};
const RENAMED: Record<string, string> = { timezone: "timeZone", cluster_ip: "clusterIP" };
const MAPS = new Set(["data", "labels", "annotations", "match_labels", "selector_labels", "node_selector"]);
const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function fromTerraform(node: unknown, resolve: (s: string) => string, key = ""): unknown {
  if (Array.isArray(node)) return node.map((n) => fromTerraform(n, resolve));
  if (isObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (v === null || v === undefined) continue;
      if (MAPS.has(key)) {
        out[k] = fromTerraform(v, resolve);
        continue;
      }
      const name = RENAMED[k] ?? (PLURAL[k] && Array.isArray(v) && v.every(isObject) ? PLURAL[k] : camel(k));
      let value: unknown = v;
      if ((k === "label_selector" || k === "namespace_selector" || k === "tcp_socket" || k === "scale_down") && Array.isArray(v) && v.length === 1) value = v[0]; // a list of one block in Terraform
      if (k === "default_mode" && typeof v === "string") value = parseInt(v, 8);
      out[name] = fromTerraform(value, resolve, k);
    }
    return out;
  }
  return typeof node === "string" ? resolve(node) : node;
}

/** Replaces `${kubernetes_x.y.metadata[0].name}` and `${var.z}` with what they evaluate to. */
function resolver(json: TfJson): (s: string) => string {
  const resolve = (s: string): string =>
    s
      .replace(/\$\{(kubernetes_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.metadata\[0\]\.name\}/g, (_m, type: string, name: string) => resolve(json.resource[type][name].metadata.name))
      .replace(/\$\{var\.([a-z_]+)\}/g, (m, name: string) => (json.variable[name]?.default === undefined ? m : String(json.variable[name].default)));
  // Then the literal text Terraform makes of what is left ($${ → ${, %%{ → %{).
  return (s: string) => terraformStringValue(resolve(s));
}

/** Numbers written as strings (Terraform's "2", "1000", "0444"-free) and numbers compare equal. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, normalize(v)]));
  return typeof node === "string" && /^\d+$/.test(node) ? Number(node) : node;
}

/** One name for objects named differently on purpose (see DIFFERENCES["Job names"]). */
function canonicalName(kind: string, name: string): string {
  if (kind === "Job" && name.startsWith(`${RELEASE}-migrate-`)) return `${RELEASE}-migrate`;
  if (kind === "Job" && name.startsWith(`${RELEASE}-chutes-preflight`)) return `${RELEASE}-chutes-preflight`;
  return name;
}

type Pair = { stack: K8sObject; chart: K8sObject };

function stackObjects(json: TfJson): K8sObject[] {
  const resolve = resolver(json);
  const out: K8sObject[] = [];
  for (const [type, kind] of Object.entries(TF_KINDS)) {
    for (const resource of Object.values<any>(json.resource[type] ?? {})) {
      const { metadata, spec, data, data_wo, automount_service_account_token } = resource;
      const obj = fromTerraform({ metadata, spec, data, data_wo, automount_service_account_token }, resolve) as any;
      out.push({ apiVersion: "", kind, ...obj });
    }
  }
  // kubernetes_manifest (the optional PrometheusRule) holds the object as the API writes it.
  for (const resource of Object.values<any>(json.resource.kubernetes_manifest ?? {})) out.push(resource.manifest);
  return out;
}

const stripLabels = (labels: Record<string, string> = {}) => {
  const { "app.kubernetes.io/managed-by": _managed, "helm.sh/chart": _chart, ...rest } = labels;
  return rest;
};
const stripAnnotations = (annotations: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(annotations).filter(([k]) => !k.startsWith("helm.sh/") && !k.startsWith("argocd.argoproj.io/")));

/** Drops the labels that name the tool (managed-by: terraform vs Helm, helm.sh/chart) at every depth. */
function stripToolLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripToolLabels);
  if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "labels" && isObject(v) ? stripLabels(v as Record<string, string>) : stripToolLabels(v)]));
  return node;
}

/** What is compared for one object: metadata labels/annotations and its content. */
function comparable(o: K8sObject): any {
  const { kind, metadata, data, automountServiceAccountToken } = o as any;
  const spec = stripToolLabels(o.spec);
  return normalize({
    kind,
    name: canonicalName(kind, metadata.name),
    labels: stripLabels(metadata.labels),
    annotations: stripAnnotations(metadata.annotations),
    spec,
    data: kind === "Secret" ? undefined : data,
    automountServiceAccountToken,
  });
}

/** Applies DIFFERENCES to a pair, so that the rest must be equal. */
function applyDifferences(a: any, b: any, chart: K8sObject[]): void {
  const setPodAnnotations = (spec: any) => {
    const annotations = spec?.template?.metadata?.annotations;
    if (annotations) spec.template.metadata.annotations = Object.keys(annotations).filter((k) => k !== "kodus.io/secret-hash").sort();
  };
  for (const side of [a, b]) setPodAnnotations(side.spec);
  if (a.kind === "Deployment" && b.spec.replicas === undefined && chart.some((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === b.name)) delete a.spec.replicas;
  if (a.kind === "PodDisruptionBudget") {
    expect([a.spec.unhealthyPodEvictionPolicy, b.spec.unhealthyPodEvictionPolicy]).toEqual([undefined, "AlwaysAllow"]);
    delete b.spec.unhealthyPodEvictionPolicy;
  }
  if (a.kind === "Job" && a.name === `${RELEASE}-migrate`) {
    // Only the chart's wait for the bundled stores differs; the PostgreSQL extension check is in both.
    b.spec.template.spec.initContainers = b.spec.template.spec.initContainers.filter((c: any) => c.name !== "wait-for-data-stores");
  }
  if (a.kind === "Job" && a.name === `${RELEASE}-chutes-preflight`) {
    // The hook copies (DIFFERENCES): point the chart's pod at the stack's objects, then compare the rest.
    const sa = a.spec.template.spec.serviceAccountName;
    const cm = a.spec.template.spec.volumes.find((v: any) => v.name === "probe").configMap.name;
    const key = a.spec.template.spec.containers[0].env.find((e: any) => e.name === "CHUTES_API_KEY").valueFrom.secretKeyRef.name;
    const spec = b.spec.template.spec;
    expect(spec.serviceAccountName).toBe(`${RELEASE}-chutes-preflight`);
    spec.serviceAccountName = sa;
    spec.volumes.find((v: any) => v.name === "probe").configMap.name = cm;
    const ref = spec.containers[0].env.find((e: any) => e.name === "CHUTES_API_KEY").valueFrom.secretKeyRef;
    if (ref.name === `${RELEASE}-chutes-preflight`) ref.name = key;
  }
}

describe.each(SETUPS)("parity with the cdktf Kubernetes stack: $name", ({ values, config }) => {
  let stack: K8sObject[];
  let chart: K8sObject[];
  let json: TfJson;
  const pairs = new Map<string, Pair>();

  beforeAll(() => {
    helmBin();
    json = synthStack("kubernetes", config).json;
    stack = stackObjects(json);
    chart = render({ values });
    for (const s of stack) {
      const key = `${s.kind}/${canonicalName(s.kind, s.metadata.name)}`;
      const c = chart.find((o) => o.kind === s.kind && canonicalName(o.kind, o.metadata.name) === canonicalName(s.kind, s.metadata.name));
      if (c) pairs.set(key, { stack: s, chart: c });
    }
  });

  test("both deploy the same objects, except the documented differences", () => {
    const keys = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${canonicalName(o.kind, o.metadata.name)}`).sort();
    const onlyStack = keys(stack).filter((k) => !keys(chart).includes(k));
    const onlyChart = keys(chart).filter((k) => !keys(stack).includes(k));
    expect(onlyStack).toEqual(["Namespace/kodus"]);
    // Both bring a Secret holding only the key under test (chart mode / terraform mode), so only these differ.
    const preflightHooks = ["ConfigMap/kodus-chutes-preflight", "ServiceAccount/kodus-chutes-preflight"];
    const helmTestHooks = ["ConfigMap/kodus-test", "NetworkPolicy/kodus-test", "Pod/kodus-test", "Service/kodus-worker-health"];
    expect(onlyChart).toEqual([...preflightHooks, ...helmTestHooks].sort());
    for (const k of [...onlyStack, ...onlyChart]) expect(DIFFERENCES).toHaveProperty([k]);
    expect(pairs.size).toBeGreaterThan(20);
  });

  test("every shared object is equal field by field", () => {
    const mismatches: string[] = [];
    for (const [key, { stack: s, chart: c }] of pairs) {
      const a = comparable(s);
      const b = comparable(c);
      applyDifferences(a, b, chart);
      mismatches.push(...differences(a, b).map((d) => `${key} ${d}`));
    }
    expect(mismatches).toEqual([]);
  });

  test("the settings of issue 8 are rendered by both (the comparison above covers them)", () => {
    const both = (kind: string, name: string) => {
      const p = pairs.get(`${kind}/${name}`);
      return p ? [p.stack, p.chart] : [];
    };
    const bundled = pairs.has("StatefulSet/kodus-rabbitmq");
    expect(bundled).toBe(values.dataStores?.mode !== "external");
    if (!bundled) return;
    for (const o of both("StatefulSet", "kodus-rabbitmq")) {
      const spec = podSpec(o);
      expect(spec.initContainers ?? spec.initContainer).toBeDefined();
      expect(JSON.stringify(spec)).toContain("/usr/local/bin/init-definitions.sh");
    }
    for (const o of both("StatefulSet", "kodus-postgres")) expect(JSON.stringify(podSpec(o))).toMatch(/max_connections=\d+/);
    for (const o of both("ConfigMap", "kodus-rabbitmq-conf")) expect(JSON.stringify(o.data)).toContain("total_memory_available_override_value");
  });

  test("the Secret's keys are the stack's, and its values are what the stack builds from the same inputs", () => {
    const tf = json.resource.kubernetes_secret_v1?.secret;
    const secret = chart.find((o) => o.kind === "Secret" && !isHook(o));
    if (values.secrets?.mode === "existing") {
      expect([tf, secret]).toEqual([undefined, undefined]);
      return;
    }
    const data = secretData(secret!);
    expect(Object.keys(data).sort()).toEqual(Object.keys(tf.data_wo).sort());
    // Evaluate the stack's expressions with the same inputs: ${var.x}, ${urlencode(var.x)} and
    // ${coalesce(var.x, "fallback")} (the first that is not empty); optional inputs not given are "".
    const inputs = EXPLICIT_SECRET_VALUES as Record<string, string>;
    const input = (v: string) => inputs[v] ?? "";
    const simple = (expr: string) =>
      expr.replace(/\$\{urlencode\(var\.([a-z_]+)\)\}/g, (_m, v: string) => encodeURIComponent(input(v))).replace(/\$\{var\.([a-z_]+)\}/g, (_m, v: string) => input(v));
    const evaluate = (expr: string) => {
      const c = /^\$\{coalesce\(var\.([a-z_]+), "(.*)"\)\}$/.exec(expr);
      return c ? input(c[1]) || simple(c[2]) : simple(expr);
    };
    expect(data).toEqual(Object.fromEntries(Object.entries<string>(tf.data_wo).map(([k, v]) => [k, evaluate(v)])));
    expect(data.API_RABBITMQ_URI.endsWith(`/${EXPECTED_RABBITMQ.vhostsKodusUses[0]}`)).toBe(true);
  });
});

/** Every path where the two differ, as "path: stack=… chart=…" (readable failures). */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], `${path}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => differences(v, b[i], `${path}[${i}]`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path || "."}: stack=${JSON.stringify(a)} chart=${JSON.stringify(b)}`];
}
