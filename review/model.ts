/**
 * The review's model of a deployment: per stack, every resource (for "what is replaced or
 * destroyed") and every component (a Deployment, StatefulSet, Job, CronJob or Docker container)
 * described in reviewer terms: image, replicas or HPA range, resources, env variable names with
 * plain values, secrets by their source only, probes, exposure, volumes.
 *
 * Read generically from what was synthesized or rendered: stacks come from cdktf.out's
 * manifest, resources are recognised by type (kubernetes_*_v1, docker_*) or kind (rendered
 * Helm objects), never by the names today's stacks happen to use. Secret values are never
 * read: Kubernetes Secret data is reduced to its keys and the variables it is built from, and
 * an env value that refers to a sensitive variable becomes "from variable X".
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  isSecretVariable,
  refersToSecret,
  resolveValue,
  sortKeys,
  stableJson,
  variablesIn,
  type Attrs,
  type ResolveContext,
  type TerraformVariable,
} from "./resolve";

export type Source = "cdktf" | "helm";

/** One Terraform resource or Kubernetes object. */
export interface Resource {
  /** Terraform address (`kubernetes_deployment_v1.worker`) or `Kind/name` for rendered objects. */
  readonly address: string;
  /** Terraform type, or the object's kind. */
  readonly type: string;
  /** Kubernetes kind (Deployment, StatefulSet ...) for kubernetes_* types and objects; else undefined. */
  readonly kind?: string;
  /** The object's own name (metadata.name, a container's name), resolved where possible. */
  readonly name: string;
  /** Attributes, references resolved, Terraform bookkeeping removed; snake_case for both sources. */
  readonly attrs: Attrs;
  /** Terraform lifecycle block, if any. */
  readonly lifecycle?: Attrs;
}

export type EnvValue = { readonly kind: "plain"; readonly value: string } | { readonly kind: "secret"; readonly source: string };

export interface Component {
  /** Matching key between base and head: the resource address. */
  readonly address: string;
  /** Reviewer-facing name: app.kubernetes.io/component label, else the logical/object name. */
  readonly label: string;
  readonly kind: string;
  readonly objectName: string;
  readonly images: string[];
  /** "2", "HPA 2–6 (CPU 70%)", "1 container". */
  readonly replicas: string;
  readonly resources: string;
  readonly env: Readonly<Record<string, EnvValue>>;
  readonly probes: string[];
  /** Ports, Services, published ports, Ingress hosts. */
  readonly exposure: string[];
  readonly volumes: string[];
  /** Holds data that outlives the process (a claim template, a claim, a named volume, a host path). */
  readonly dataStore: boolean;
  /** Pod template (or container definition), resolved: a change rolls or recreates the pods. */
  readonly template: unknown;
}

export interface StackModel {
  readonly name: string;
  readonly source: Source;
  /** "docker", "kubernetes", "helm" or the provider names. */
  readonly platform: string;
  readonly resources: Resource[];
  readonly components: Component[];
  /** Variables (Terraform only), secrets marked, defaults of non-secret ones. */
  readonly variables: Readonly<Record<string, TerraformVariable>>;
  /** Backend type and its non-secret settings as text. */
  readonly backend?: string;
}

export interface DeploymentModel {
  readonly source: Source;
  readonly stacks: StackModel[];
}

/* ------------------------------------------------------------------------------------------ */
/* Reading                                                                                     */
/* ------------------------------------------------------------------------------------------ */

type TfJson = {
  resource?: Record<string, Record<string, Attrs>>;
  variable?: Record<string, Attrs>;
  terraform?: { backend?: Record<string, Attrs> };
  provider?: Record<string, unknown>;
};

/** Reads every stack of a cdktf output directory (cdktf.out), as listed in its manifest.json. */
export function readSynthOutput(outdir: string): DeploymentModel {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`no manifest.json in ${outdir}: was the app synthesized?`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    stacks?: Record<string, { name?: string; synthesizedStackPath: string }>;
  };
  const stacks = Object.entries(manifest.stacks ?? {})
    .map(([key, s]) => modelFromTerraform(s.name ?? key, JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")) as TfJson))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { source: "cdktf", stacks };
}

/** Kubernetes kind of a kubernetes_* Terraform type: kubernetes_stateful_set_v1 → StatefulSet. */
export function kindOfType(type: string): string | undefined {
  const m = /^kubernetes_([a-z_]+?)(?:_v\d+(?:(?:alpha|beta)\d+)?)?$/.exec(type);
  if (!m) return undefined;
  return m[1]
    .split("_")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

/** The model of one synthesized stack (cdk.tf.json, parsed). */
export function modelFromTerraform(name: string, json: TfJson): StackModel {
  const variables: Record<string, TerraformVariable> = {};
  for (const [v, def] of Object.entries(json.variable ?? {})) {
    variables[v] = {
      sensitive: def.sensitive === true,
      ephemeral: def.ephemeral === true,
      ...(def.default !== undefined ? { default: def.default } : {}),
    };
  }
  const raw: Record<string, Record<string, Attrs>> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    raw[type] = {};
    for (const [n, attrs] of Object.entries(byName)) {
      const { ["//"]: _meta, depends_on: _deps, lifecycle: _lc, provider: _p, ...rest } = attrs;
      raw[type][n] = rest;
    }
  }
  const ctx: ResolveContext = { resources: raw, variables };
  const resources: Resource[] = [];
  for (const type of Object.keys(raw).sort()) {
    for (const n of Object.keys(raw[type]).sort()) {
      const resolved = redactSecretData(kindOfType(type), resolveValue(raw[type][n], ctx) as Attrs, raw[type][n], ctx);
      const lifecycle = json.resource?.[type]?.[n]?.lifecycle as Attrs | undefined;
      resources.push({
        address: `${type}.${n}`,
        type,
        kind: kindOfType(type),
        name: displayName(objectName(resolved), objectName(raw[type][n])) ?? n,
        attrs: resolved,
        ...(lifecycle ? { lifecycle } : {}),
      });
    }
  }
  const providers = Object.keys(json.provider ?? {}).sort();
  const platform = providers.includes("kubernetes")
    ? "kubernetes"
    : providers.includes("docker")
      ? "docker"
      : providers.join(", ") || "terraform";
  const backendEntry = Object.entries(json.terraform?.backend ?? {})[0];
  return {
    name,
    source: "cdktf",
    platform,
    resources,
    components: components(resources, ctx),
    variables,
    ...(backendEntry ? { backend: describeBackend(backendEntry[0], backendEntry[1]) } : {}),
  };
}

/** Backend type plus the settings that locate state (never credentials). */
function describeBackend(type: string, settings: Attrs): string {
  const safe = [
    "path",
    "bucket",
    "key",
    "prefix",
    "region",
    "container_name",
    "resource_group_name",
    "storage_account_name",
    "secret_suffix",
    "namespace",
    "workspace_dir",
    "organization",
    "hostname",
  ];
  const parts = safe
    .filter((k) => typeof settings[k] === "string" || typeof settings[k] === "number")
    .map((k) => `${k}=${String(settings[k])}`);
  return parts.length ? `${type} (${parts.join(", ")})` : type;
}

/** Kubernetes objects (e.g. `helm template` output, parsed) as one stack. */
export function modelFromManifests(name: string, objects: readonly Record<string, unknown>[]): DeploymentModel {
  const resources: Resource[] = [];
  for (const obj of objects) {
    if (!obj || typeof obj !== "object" || typeof obj.kind !== "string") continue;
    const kind = obj.kind;
    const { apiVersion: _a, kind: _k, status: _s, ...rest } = obj;
    const attrs = redactSecretData(kind, toSnake(rest) as Attrs, undefined, undefined);
    const n = objectName(attrs) ?? "";
    resources.push({ address: `${kind}/${n}`, type: kind, kind, name: n, attrs });
  }
  resources.sort((a, b) => a.address.localeCompare(b.address));
  const ctx: ResolveContext = { resources: {}, variables: {} };
  return {
    source: "helm",
    stacks: [{ name, source: "helm", platform: "kubernetes", resources, components: components(resources, ctx), variables: {} }],
  };
}

/** camelCase keys → snake_case, Kubernetes list fields → Terraform block names; map keys kept. */
const PLURALS: Record<string, string> = {
  containers: "container",
  init_containers: "init_container",
  ports: "port",
  volume_mounts: "volume_mount",
  volumes: "volume",
  volume_claim_templates: "volume_claim_template",
  rules: "rule",
  paths: "path",
  metrics: "metric",
  topology_spread_constraints: "topology_spread_constraint",
  image_pull_secrets: "image_pull_secret",
};
function toSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnake);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (!/^[a-z][a-zA-Z0-9]*$/.test(k)) return [k, v]; // label, annotation, data keys: as they are
      const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return [PLURALS[snake] ?? snake, toSnake(v)];
    }),
  );
}

/**
 * A name that stays an expression after resolution (a hash of a ConfigMap, say) is shown as
 * written, each interpolation shortened to `${…}`: the resolved text can be pages long.
 */
function displayName(resolved: string | undefined, raw: string | undefined): string | undefined {
  if (resolved === undefined || !resolved.includes("${")) return resolved;
  return (raw ?? resolved).replace(/\$\{[^{}]*\}/g, "${…}");
}

function objectName(attrs: Attrs): string | undefined {
  const md = first(attrs.metadata);
  if (md && typeof md.name === "string") return md.name;
  return typeof attrs.name === "string" ? attrs.name : undefined;
}

/**
 * Secret data never enters the model. Each key is replaced by a description of its source:
 * the variables it is built from (Terraform), or "set" (rendered objects), plus, for
 * change detection only, a digest that is never printed (rendered Secrets get none: the chart
 * generates random values when rendered without a cluster).
 */
function redactSecretData(kind: string | undefined, attrs: Attrs, raw: Attrs | undefined, ctx: ResolveContext | undefined): Attrs {
  if (kind !== "Secret") return attrs;
  const out: Attrs = { ...attrs };
  for (const field of ["data", "string_data", "binary_data", "data_wo"]) {
    const data = (raw ?? attrs)[field];
    if (!data || typeof data !== "object") continue;
    out[field] = Object.fromEntries(
      Object.keys(data)
        .sort()
        .map((key) => {
          const v = (data as Record<string, unknown>)[key];
          if (raw === undefined || ctx === undefined) return [key, "(set)"];
          const vars = typeof v === "string" ? variablesIn(v) : [];
          const template = typeof v === "string" ? v.replace(/\$\{[^{}]*\}/g, "${…}") : "";
          // The text around the references is configuration (host, port, user): compared, never printed.
          return [
            key,
            {
              variables: vars,
              secret: vars.some((x) => isSecretVariable(x, ctx)),
              template: digest(stableJson(resolveValue(template, ctx))),
              resolved: digest(stableJson(resolveValue(v, ctx))),
            },
          ];
        }),
    );
  }
  return out;
}

/** A short non-reversible fingerprint for comparisons (never of a secret value: those are not in the model). */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/* ------------------------------------------------------------------------------------------ */
/* Components                                                                                 */
/* ------------------------------------------------------------------------------------------ */

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

function first(v: unknown): Attrs | undefined {
  if (Array.isArray(v)) return v[0] as Attrs | undefined;
  return v !== null && typeof v === "object" ? (v as Attrs) : undefined;
}
function list(v: unknown): Attrs[] {
  if (Array.isArray(v)) return v as Attrs[];
  return v !== null && typeof v === "object" ? [v as Attrs] : [];
}
const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : typeof v === "object" ? stableJson(v) : String(v);

function podTemplate(kind: string, attrs: Attrs): Attrs | undefined {
  const spec = first(attrs.spec);
  if (!spec) return undefined;
  if (kind === "CronJob") return first(first(first(spec.job_template)?.spec)?.template);
  return first(spec.template);
}

function components(resources: readonly Resource[], ctx: ResolveContext): Component[] {
  const byKind = (k: string) => resources.filter((r) => r.kind === k);
  const configMaps = byKind("ConfigMap");
  const secrets = byKind("Secret");
  const services = byKind("Service");
  const ingresses = byKind("Ingress");
  const hpas = byKind("HorizontalPodAutoscaler");
  const dockerVolumes = resources.filter((r) => r.type === "docker_volume");
  const out: Component[] = [];

  for (const r of resources) {
    if (r.kind && WORKLOAD_KINDS.includes(r.kind))
      out.push(kubernetesComponent(r, { configMaps, secrets, services, ingresses, hpas }, ctx));
    else if (r.type === "docker_container") out.push(dockerComponent(r, dockerVolumes, ctx));
  }
  // Labels: the component label when unique in the stack, else "label (Kind name)".
  const counts = new Map<string, number>();
  for (const c of out) counts.set(c.label, (counts.get(c.label) ?? 0) + 1);
  return out
    .map((c) => ((counts.get(c.label) ?? 0) > 1 ? { ...c, label: `${c.label} (${c.kind} ${c.objectName})` } : c))
    .sort((a, b) => a.label.localeCompare(b.label));
}

interface Peers {
  configMaps: Resource[];
  secrets: Resource[];
  services: Resource[];
  ingresses: Resource[];
  hpas: Resource[];
}

function kubernetesComponent(r: Resource, peers: Peers, ctx: ResolveContext): Component {
  const kind = r.kind!;
  const md = first(r.attrs.metadata) ?? {};
  const labels = (md.labels ?? {}) as Record<string, string>;
  const template = podTemplate(kind, r.attrs) ?? {};
  const tmd = first(template.metadata) ?? {};
  const podLabels = { ...labels, ...((tmd.labels ?? {}) as Record<string, string>) };
  const pod = first(template.spec) ?? {};
  const containers = list(pod.container);
  const spec = first(r.attrs.spec) ?? {};
  const logical = r.address.includes("/") ? r.name : r.address.slice(r.address.indexOf(".") + 1);

  // replicas / HPA
  let replicas =
    kind === "Job" || kind === "CronJob"
      ? kind === "CronJob"
        ? `schedule ${str(spec.schedule)}`
        : "run to completion"
      : str(spec.replicas ?? "1");
  const hpa = peers.hpas.find((h) => {
    const target = first(first(h.attrs.spec)?.scale_target_ref);
    return target && str(target.name) === r.name && (target.kind === undefined || target.kind === kind);
  });
  if (hpa) {
    const hs = first(hpa.attrs.spec) ?? {};
    const cpu = list(hs.metric)
      .map((m) => first(first(m.resource)?.target)?.average_utilization)
      .find((u) => u !== undefined);
    replicas = `HPA ${str(hs.min_replicas ?? "1")}–${str(hs.max_replicas)}${cpu !== undefined ? ` (CPU ${str(cpu)}%)` : ""}`;
  }

  const env: Record<string, EnvValue> = {};
  const probes: string[] = [];
  const exposure: string[] = [];
  const volumes: string[] = [];
  const resourcesText: string[] = [];
  const multi = containers.length > 1;
  for (const c of containers) {
    const prefix = multi ? `${str(c.name)}: ` : "";
    for (const from of list(c.env_from)) {
      const cmName = str(first(from.config_map_ref)?.name);
      const secName = str(first(from.secret_ref)?.name);
      if (cmName) {
        const cm = peers.configMaps.find((m) => m.name === cmName);
        const data = (cm?.attrs.data ?? {}) as Record<string, unknown>;
        if (!cm) env[`(all keys of ConfigMap ${cmName})`] = { kind: "plain", value: "(ConfigMap not in this deployment)" };
        for (const key of Object.keys(data)) env[key] = plainOrSecret(data[key], ctx);
      }
      if (secName) {
        const s = peers.secrets.find((x) => x.name === secName);
        const keys = Object.keys({
          ...((s?.attrs.data ?? {}) as object),
          ...((s?.attrs.data_wo ?? {}) as object),
          ...((s?.attrs.string_data ?? {}) as object),
        });
        if (keys.length === 0) env[`(all keys of Secret ${secName})`] = { kind: "secret", source: `Secret ${secName}` };
        for (const key of keys) env[key] = { kind: "secret", source: secretSource(secName, key, peers.secrets) };
      }
    }
    for (const e of list(c.env)) {
      const name = str(e.name);
      const vf = first(e.value_from);
      if (vf) {
        const sk = first(vf.secret_key_ref);
        const ck = first(vf.config_map_key_ref);
        const fr = first(vf.field_ref);
        if (sk) env[name] = { kind: "secret", source: secretSource(str(sk.name), str(sk.key), peers.secrets) };
        else if (ck) {
          const cm = peers.configMaps.find((m) => m.name === str(ck.name));
          const v = (cm?.attrs.data as Record<string, unknown> | undefined)?.[str(ck.key)];
          env[name] = v === undefined ? { kind: "plain", value: `(ConfigMap ${str(ck.name)} / ${str(ck.key)})` } : plainOrSecret(v, ctx);
        } else if (fr) env[name] = { kind: "plain", value: `(field ${str(fr.field_path)})` };
        else env[name] = { kind: "plain", value: "(computed)" };
      } else env[name] = plainOrSecret(e.value ?? "", ctx);
    }
    const res = first(c.resources);
    if (res) resourcesText.push(prefix + describeResources(first(res.requests), first(res.limits)));
    for (const p of ["startup_probe", "liveness_probe", "readiness_probe"]) {
      const probe = first(c[p]);
      if (probe) probes.push(`${prefix}${p.replace("_probe", "")} ${describeProbe(probe)}`);
    }
    for (const port of list(c.port)) exposure.push(`${prefix}port ${str(port.container_port)}${port.name ? `/${str(port.name)}` : ""}`);
    for (const vm of list(c.volume_mount)) {
      const vol = list(pod.volume).find((v) => v.name === vm.name);
      const claim = vol ? first(vol.persistent_volume_claim) : undefined;
      const hostPath = vol ? first(vol.host_path) : undefined;
      const tpl = list(spec.volume_claim_template).find((t) => str(first(t.metadata)?.name) === str(vm.name));
      if (claim) volumes.push(`${prefix}${str(vm.mount_path)}: claim ${str(claim.claim_name)}`);
      else if (hostPath) volumes.push(`${prefix}${str(vm.mount_path)}: host path ${str(hostPath.path)}`);
      else if (tpl) volumes.push(`${prefix}${str(vm.mount_path)}: ${describeClaimTemplate(tpl)}`);
    }
  }
  for (const tpl of list(spec.volume_claim_template)) {
    const n = str(first(tpl.metadata)?.name);
    if (!volumes.some((v) => v.includes(`claim template ${n} `))) volumes.push(`(not mounted): ${describeClaimTemplate(tpl)}`);
  }

  // Services selecting these pods, and Ingress hosts routing to them.
  const selected = peers.services.filter((s) => {
    const sel = (first(s.attrs.spec)?.selector ?? {}) as Record<string, string>;
    const keys = Object.keys(sel);
    return keys.length > 0 && keys.every((k) => podLabels[k] === sel[k]);
  });
  for (const s of selected) {
    const ss = first(s.attrs.spec) ?? {};
    const ports = list(ss.port).map((p) => `${str(p.port)}→${str(p.target_port ?? p.port)}`);
    exposure.push(
      `Service ${s.name} (${str(ss.type ?? (ss.cluster_ip === "None" ? "headless" : "ClusterIP"))}${ss.cluster_ip === "None" ? ", headless" : ""}) ${ports.join(", ")}`,
    );
    for (const ing of peers.ingresses) {
      const hosts = list(first(ing.attrs.spec)?.rule)
        .filter((rule) => list(first(rule.http)?.path).some((p) => str(first(first(p.backend)?.service)?.name) === s.name))
        .map((rule) => str(rule.host) || "*");
      if (hosts.length) exposure.push(`Ingress ${ing.name} hosts ${hosts.join(", ")}`);
    }
  }

  return {
    address: r.address,
    label: podLabels["app.kubernetes.io/component"] ?? logical,
    kind,
    objectName: r.name,
    images: containers.map((c) => prefixed(multi, c, str(c.image))),
    replicas,
    resources: resourcesText.join("; "),
    env: sortKeys(env) as Record<string, EnvValue>,
    probes,
    exposure,
    volumes,
    dataStore:
      list(spec.volume_claim_template).length > 0 || list(pod.volume).some((v) => first(v.persistent_volume_claim) || first(v.host_path)),
    template: sortKeys(template),
  };
}

const prefixed = (multi: boolean, c: Attrs, text: string) => (multi ? `${str(c.name)}: ${text}` : text);

function secretSource(secretName: string, key: string, secrets: readonly Resource[]): string {
  const s = secrets.find((x) => x.name === secretName);
  const entry =
    (s?.attrs.data_wo as Record<string, unknown> | undefined)?.[key] ?? (s?.attrs.data as Record<string, unknown> | undefined)?.[key];
  const vars = entry && typeof entry === "object" ? ((entry as { variables?: string[] }).variables ?? []) : [];
  const where = s ? `Secret ${secretName}` : `Secret ${secretName} (managed outside this deployment)`;
  return vars.length ? `${where} / variable ${vars.join(", ")}` : `${where} / key ${key}`;
}

function plainOrSecret(value: unknown, ctx: ResolveContext): EnvValue {
  const text = str(value);
  if (refersToSecret(text, ctx)) {
    const vars = variablesIn(text).filter((v) => isSecretVariable(v, ctx));
    return { kind: "secret", source: `variable ${vars.join(", ")}` };
  }
  return { kind: "plain", value: text };
}

function describeResources(requests: Attrs | undefined, limits: Attrs | undefined): string {
  const part = (label: string, v: Attrs | undefined) =>
    v && Object.keys(v).length
      ? `${label} ${Object.keys(v)
          .sort()
          .map((k) => `${k} ${str(v[k])}`)
          .join(", ")}`
      : undefined;
  return [part("requests", requests), part("limits", limits)].filter(Boolean).join("; ") || "none";
}

function describeProbe(p: Attrs): string {
  const http = first(p.http_get);
  const exec = first(p.exec);
  const tcp = first(p.tcp_socket);
  const grpc = first(p.grpc);
  const what = http
    ? `GET :${str(http.port)}${str(http.path) || "/"}`
    : exec
      ? `exec ${(Array.isArray(exec.command) ? exec.command : []).map(str).join(" ")}`
      : tcp
        ? `tcp :${str(tcp.port)}`
        : grpc
          ? `grpc :${str(grpc.port)}`
          : "?";
  const timing = [
    p.period_seconds !== undefined ? `every ${str(p.period_seconds)}s` : "",
    p.failure_threshold !== undefined ? `fails after ${str(p.failure_threshold)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return timing ? `${what} (${timing})` : what;
}

function describeClaimTemplate(tpl: Attrs): string {
  const s = first(tpl.spec) ?? {};
  const size = str(first(first(s.resources)?.requests)?.storage) || "?";
  const modes = Array.isArray(s.access_modes) ? s.access_modes.map(str).join(",") : "";
  return `claim template ${str(first(tpl.metadata)?.name)} ${size}${modes ? ` ${modes}` : ""}, class ${str(s.storage_class_name) || "cluster default"}`;
}

function dockerComponent(r: Resource, volumes: readonly Resource[], ctx: ResolveContext): Component {
  const a = r.attrs;
  const env: Record<string, EnvValue> = {};
  for (const e of Array.isArray(a.env) ? a.env : []) {
    const text = str(e);
    const i = text.indexOf("=");
    const key = i < 0 ? text : text.slice(0, i);
    env[key] = plainOrSecret(i < 0 ? "" : text.slice(i + 1), ctx);
  }
  const hc = first(a.healthcheck);
  const probes = hc
    ? [
        `healthcheck ${(Array.isArray(hc.test) ? hc.test.map(str) : []).filter((t) => t !== "CMD" && t !== "CMD-SHELL").join(" ")}${hc.interval ? ` (every ${str(hc.interval)}, fails after ${str(hc.retries ?? "3")})` : ""}`,
      ]
    : [];
  const exposure = list(a.ports).map((p) => `published ${p.ip ? `${str(p.ip)}:` : ""}${str(p.external ?? "?")}→${str(p.internal)}`);
  for (const n of list(a.networks_advanced)) exposure.push(`network ${str(n.name)}`);
  if (a.network_mode) exposure.push(`network mode ${str(a.network_mode)}`);
  const vols: string[] = [];
  let data = false;
  for (const v of list(a.volumes)) {
    if (v.volume_name) {
      const known = volumes.some((x) => x.name === str(v.volume_name));
      vols.push(`${str(v.container_path)}: volume ${str(v.volume_name)}${known ? "" : " (not managed here)"}`);
      data = true;
    } else if (v.host_path) {
      vols.push(`${str(v.container_path)}: host path ${str(v.host_path)}`);
      data = true;
    }
  }
  for (const m of list(a.mounts)) {
    vols.push(`${str(m.target)}: ${str(m.type)} ${str(m.source)}`);
    if (m.type === "volume" || m.type === "bind") data = true;
  }
  const resources = [
    a.memory !== undefined ? `memory ${str(a.memory)}MB` : "",
    a.cpu_shares !== undefined ? `cpu shares ${str(a.cpu_shares)}` : "",
    a.cpus !== undefined ? `cpus ${str(a.cpus)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const logical = r.address.slice(r.address.indexOf(".") + 1);
  const { wait: _w, wait_timeout: _wt, must_run: _m, start: _s, ...template } = a;
  return {
    address: r.address,
    label: logical,
    kind: "container",
    objectName: r.name,
    images: [str(a.image)],
    replicas: `1 container, restart ${str(a.restart ?? "no")}`,
    resources: resources || "unlimited",
    env: sortKeys(env) as Record<string, EnvValue>,
    probes,
    exposure,
    volumes: vols,
    dataStore: data,
    template: sortKeys(template),
  };
}
