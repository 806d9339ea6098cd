/**
 * values.schema.json: generated from the zod config schema, committed, and enforced by helm.
 * The agreement table feeds the same bad inputs to `helm template --set` and to the config
 * loader: both must reject them, naming the field; good inputs must pass both.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError, parseConfig } from "../../config/load";
import { buildValuesSchema, chartValuesSchema, VALUES_SCHEMA_FILE } from "../../scripts/helm-schema";
import { CHART_DIR, EXPLICIT_SECRET_FLAGS, FULL_VALUES_FILE, TEST_CHUTES_KEY, find, helmBin, mergeValues, render, tryRender } from "./helm";

beforeAll(() => {
  helmBin();
});

const KEY_FLAGS = ["--set-string", `secrets.values.chutes_api_key=${TEST_CHUTES_KEY}`];
/** Chart values keys that live under `kubernetes.` in the config file. */
const KUBERNETES_SECTIONS = new Set(["replicas", "resources", "autoscaling", "ingress", "secrets", "dataStores", "rolloutTimeoutSeconds"]);

const configPath = (chartPath: string) => (KUBERNETES_SECTIONS.has(chartPath.split(".")[0]) ? `kubernetes.${chartPath}` : chartPath);

/** Chart values → the config file input that means the same (cluster sections under `kubernetes`). */
function toConfig(values: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, any> = {};
  for (const [key, value] of Object.entries(values)) {
    if (KUBERNETES_SECTIONS.has(key)) (config.kubernetes ??= {})[key] = value;
    else config[key] = value;
  }
  return config;
}

function nest(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((acc, key) => ({ [key]: acc }), value) as Record<string, unknown>;
}

/** The config loader's problems for an input, or [] if it accepts it. */
function configProblems(input: object): string[] {
  try {
    parseConfig({ docker: { enabled: false }, ...input }, "test");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

/** Dotted paths the zod chart schema complains about (unknown keys: parent path + key). */
function chartSchemaProblems(values: object): string[] {
  const result = chartValuesSchema.safeParse(values);
  if (result.success) return [];
  return result.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k].join(".")) : [i.path.join(".")]));
}

describe("values.schema.json", () => {
  test("the committed file is exactly what scripts/helm-schema.ts generates (npm run helm:schema)", () => {
    expect(readFileSync(VALUES_SCHEMA_FILE, "utf8")).toBe(buildValuesSchema());
  });

  test("every object in it rejects unknown keys (only string maps such as annotations, and Helm's `global`, are open)", () => {
    const schema = JSON.parse(readFileSync(VALUES_SCHEMA_FILE, "utf8"));
    const open: string[] = [];
    let objects = 0;
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      if (node.type === "object") {
        objects++;
        if (node.properties !== undefined && node.additionalProperties !== false) open.push(path);
        // A string map (annotations, labels: values strings, maybe with a pattern) is the one open kind.
        if (node.properties === undefined && node.additionalProperties?.type !== "string") open.push(path);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    // A sub-schema used more than once is written once under $defs and referenced ($ref).
    const defs: Record<string, any> = { ...schema.$defs };
    let global = schema.properties.global;
    for (let ref = global.$ref; ref; ref = global.$ref) {
      const name = ref.replace("#/$defs/", "");
      global = { ...global, ...defs[name], $ref: defs[name].$ref };
      delete defs[name]; // global's own: walked apart
    }
    // Helm gives every subchart `global`: it must stay open (test/helm/day-two.test.ts renders a wrapper chart).
    expect(global).toMatchObject({ type: "object", additionalProperties: {} });
    walk({ ...schema, $defs: defs, properties: { ...schema.properties, global: undefined } }, "");
    expect(objects).toBeGreaterThan(20);
    expect(open).toEqual([]);
  });

  test("values.yaml holds exactly the schema's defaults", () => {
    const values = parse(readFileSync(join(CHART_DIR, "values.yaml"), "utf8"));
    expect(chartValuesSchema.parse({})).toEqual(values);
    expect(chartValuesSchema.parse(values)).toEqual(values);
  });

  test("the full values file is valid for the zod chart schema too", () => {
    expect(chartSchemaProblems(parse(readFileSync(FULL_VALUES_FILE, "utf8")))).toEqual([]);
  });
});

type Case = {
  /** Chart values path; in the config file the same path (kubernetes.* for the cluster sections). */
  path: string;
  value: string | number | boolean;
  why: string;
  /** Set when the value is an unknown key (then `path` ends with the unknown key). */
  unknownKey?: boolean;
  /** Extra values both sides get (e.g. the setting the failing check compares with). */
  context?: Record<string, unknown>;
};

const REJECTED: Case[] = [
  { path: "llm.model", value: "DeepSeek-V3", why: "a model without org/" },
  { path: "llm.model", value: "auto", why: "cloud routing instead of Fixed Mode" },
  { path: "llm.baseUrl", value: "http://llm.chutes.ai/v1", why: "a non-https base URL" },
  { path: "llm.baseUrl", value: "llm.chutes.ai/v1", why: "not a URL" },
  { path: "llm.temperature", value: 3, why: "temperature above 2" },
  { path: "healthcheck.schedule", value: "61 * * * *", why: "minute out of range" },
  { path: "healthcheck.schedule", value: "*/15 * * *", why: "4 cron fields" },
  { path: "healthcheck.schedule", value: "* * * * * *", why: "6 cron fields" },
  { path: "healthcheck.timeoutSeconds", value: 0, why: "a zero timeout" },
  { path: "replicas.api", value: 0, why: "replicas 0" },
  { path: "replicas.worker", value: 51, why: "replicas above the maximum" },
  { path: "kodus.version", value: "2.1.28 beta", why: "not an image tag" },
  { path: "kodus.publicUrl", value: "kodus.example.com", why: "a URL without scheme" },
  { path: "kodus.workerDrainTimeoutMs", value: 0, why: "no drain time" },
  { path: "resources.api.limits.memory", value: "lots", why: "not a Kubernetes quantity" },
  { path: "secrets.name", value: "Kodus_Secrets", why: "not a DNS-1123 name" },
  { path: "dataStores.postgres.port", value: 70000, why: "port out of range" },
  { path: "ingress.webHost", value: "https://kodus.example.com", why: "a URL where a host name belongs" },
  { path: "ingress.enabled", value: true, why: "Ingress without hosts" },
  { path: "autoscaling.api.minReplicas", value: 9, why: "minReplicas above maxReplicas (6)" },
  { path: "llm.maxConcurrentReviews", value: 1, why: "fewer reviews than workers (2)" },
  { path: "llm.maxConcurrentReviews", value: 4, why: "fewer reviews than the autoscaled workers", context: { autoscaling: { worker: { enabled: true, maxReplicas: 5 } } } },
  { path: "llm.baseUrl", value: "https://llm.chutes.ai/v1/chat/completions", why: "the completions endpoint instead of the API base" },
  { path: "resources.worker.requests.memory", value: "2Gi", why: "a request above its limit (1536Mi)" },
  { path: "resources.api.requests.cpu", value: "1500m", why: "a CPU request above its limit (1)" },
  { path: "dataStores.resources.rabbitmq.requests.memory", value: "2Gi", why: "a store's request above its limit (1Gi)" },
  { path: "llm.provider", value: "openai", why: "an unknown key", unknownKey: true },
  { path: "healthcheck.interval", value: 60, why: "an unknown key", unknownKey: true },
  { path: "replicas.scheduler", value: 1, why: "an unknown component", unknownKey: true },
];

const ACCEPTED: Case[] = [
  { path: "llm.model", value: "chutes/deepseek-ai/DeepSeek-R1-0528", why: "a chutes/ prefix (stripped)" },
  { path: "llm.baseUrl", value: "http://localhost:8080/v1", why: "http on loopback (testing)" },
  { path: "healthcheck.schedule", value: "0 9 * * MON-FRI", why: "named days" },
  { path: "healthcheck.schedule", value: "0,30 */2 1-15 * *", why: "lists, ranges and steps" },
  { path: "replicas.web", value: 50, why: "the maximum" },
  { path: "llm.temperature", value: 0, why: "temperature 0" },
  { path: "llm.maxConcurrentReviews", value: 2, why: "one review per worker" },
  { path: "resources.worker.requests.memory", value: "1536Mi", why: "a request equal to its limit" },
  { path: "resources.api.requests.cpu", value: "1", why: "a CPU request equal to its limit, in cores" },
];

/** helm flags for one case: strings with --set-string, the rest with --set. */
function helmFlags(c: Case): string[] {
  // --set splits on commas: a literal one (cron lists) is written \,
  const flags = [typeof c.value === "string" ? "--set-string" : "--set", `${c.path}=${String(c.value).replace(/,/g, "\\,")}`];
  // Every secret given: an offline render must not generate any (the GitOps guard).
  return [...EXPLICIT_SECRET_FLAGS, ...flags];
}

/** Where helm's message names the field: a JSON pointer from the schema, or the dotted path from a template check. */
function helmNames(stderr: string, c: Case): boolean {
  const parts = c.path.split(".");
  if (c.unknownKey) {
    const parent = `/${parts.slice(0, -1).join("/")}`;
    return stderr.includes(`'${parent}'`) && stderr.includes(`'${parts.at(-1)}'`) && /additional propert/.test(stderr);
  }
  return stderr.includes(`'/${parts.join("/")}'`) || stderr.includes(c.path) || (c.path === "ingress.enabled" && /at '\/ingress': missing propert/.test(stderr));
}

describe("agreement: the chart and the config loader reject the same values, naming the field", () => {
  test.each(REJECTED.map((c) => [`${c.path}=${JSON.stringify(c.value)} (${c.why})`, c] as const))("%s", (_name, c) => {
    // helm (values.schema.json, or the templates' checks for cross-field rules)
    const r = tryRender({ flags: helmFlags(c), values: c.context });
    expect(r.status).not.toBe(0);
    expect([r.stderr, helmNames(r.stderr, c)]).toEqual([r.stderr, true]);

    // the config loader, same input at the same place in the config file
    const problems = configProblems(toConfig(mergeValues(c.context ?? {}, nest(c.path, c.value))));
    const expected = c.path === "ingress.enabled" ? "kubernetes.ingress.enabled" : configPath(c.path);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${expected.replace(/\./g, "\\.")}: `))]));

    // the zod chart schema the JSON Schema is generated from
    expect(chartSchemaProblems(mergeValues(c.context ?? {}, nest(c.path, c.value)))).toContain(c.path);
  });

  test.each(ACCEPTED.map((c) => [`${c.path}=${JSON.stringify(c.value)} (${c.why})`, c] as const))("accepted by both: %s", (_name, c) => {
    const r = tryRender({ flags: helmFlags(c) });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(configProblems(toConfig(nest(c.path, c.value)))).toEqual([]);
    expect(chartSchemaProblems(nest(c.path, c.value))).toEqual([]);
  });

  test("both strip the chutes/ prefix the same way", () => {
    const model = "chutes/deepseek-ai/DeepSeek-R1-0528";
    const objects = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set-string", `llm.model=${model}`] });
    const config = parseConfig({ llm: { model } }, "test");
    expect(find(objects, "ConfigMap", "kodus-api-env").data.API_LLM_PROVIDER_MODEL).toBe(config.llm.model);
    expect(config.llm.model).toBe("deepseek-ai/DeepSeek-R1-0528");
  });
});

describe("chart-only rules", () => {
  test.each([
    [["--set", "secrets.mode=existing"], /'\/secrets': missing property 'name'/, "existing mode needs the Secret's name"],
    [["--set", "secrets.mode=terraform"], /'\/secrets\/mode'/, "the stack's mode name is not a chart mode"],
    [["--set", "dataStores.mode=external"], /'\/dataStores\/postgres': missing property 'host'/, "external stores need hosts"],
    [
      ["--set", "dataStores.mode=external", "--set-string", "dataStores.postgres.host=pg", "--set-string", "dataStores.mongodb.host=mg", "--set-string", "dataStores.rabbitmq.host=mq"],
      /'\/secrets\/values': missing properties 'postgres_password', 'mongodb_password', 'rabbitmq_password'/,
      "chart mode cannot invent the passwords of external stores",
    ],
    [["--set-string", "secrets.values.api_crypto_key=abc123"], /'\/secrets\/values\/api_crypto_key'/, "a crypto key that is not 64 hex characters"],
    [["--set-string", "secrets.values.chutes_api_key=cpk short"], /'\/secrets\/values\/chutes_api_key'/, "a key with a space"],
    [["--set", "secrets.revision=0"], /'\/secrets\/revision'/, "revision 0"],
  ])("%j is rejected (%s)", (flags, message) => {
    const r = tryRender({ flags: [...KEY_FLAGS, ...(flags as string[])] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
  });

  test("chart mode without the Chutes key fails with instructions (a template check: lint must pass on the bare chart)", () => {
    const r = tryRender();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("secrets.values.chutes_api_key is required when secrets.mode is chart");
    expect(chartSchemaProblems({})).toEqual([]); // the schema alone accepts it, on purpose
  });

  test("the zod chart schema enforces the same cross-field rules as the JSON Schema's if/then", () => {
    expect(chartSchemaProblems({ secrets: { mode: "existing" } })).toEqual(["secrets.name"]);
    expect(chartSchemaProblems({ dataStores: { mode: "external" } }).sort()).toEqual(
      ["dataStores.mongodb.host", "dataStores.postgres.host", "dataStores.rabbitmq.host", "secrets.values.mongodb_password", "secrets.values.postgres_password", "secrets.values.rabbitmq_password"].sort(),
    );
    expect(chartSchemaProblems({ ingress: { enabled: true } })).toEqual(["ingress.enabled"]);
  });
});
