import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig, parseConfigText, resolveConfigPath } from "../../config/load";
import { DEFAULT_BASE_URL, DEFAULT_KODUS_VERSION, DEFAULT_MODEL } from "../../config/schema";

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

describe("defaults", () => {
  const config = parseConfig({}, "test");

  test("an empty config is Fixed Mode on Chutes with the pinned Kodus version", () => {
    expect(config.llm.model).toBe(DEFAULT_MODEL);
    expect(config.llm.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(config.kodus.version).toBe(DEFAULT_KODUS_VERSION);
    expect(config.healthcheck.schedule).toBe("*/15 * * * *");
    expect(config.llm.managementUrl).toBe("https://api.chutes.ai");
    expect(config.healthcheck.budget).toEqual({ enabled: true, warnPercent: 80, criticalPercent: 95 });
    expect(config.healthcheck.prometheusRule).toEqual({ enabled: false, labels: {} });
    expect(config.docker.enabled).toBe(true);
    expect(config.kubernetes.namespace).toBe("kodus");
  });

  test("the result is deeply frozen", () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kubernetes.replicas)).toBe(true);
    expect(() => {
      (config.llm as { model: string }).model = "x/y";
    }).toThrow(TypeError);
  });

  test("no file means the built-in defaults", () => {
    expect(loadConfig(undefined)).toEqual(config);
  });
});

describe("normalization", () => {
  test.each([
    ["chutes/deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1"],
    ["  moonshotai/Kimi-K2-Instruct  ", "moonshotai/Kimi-K2-Instruct"],
    ["Qwen/Qwen3-235B-A22B-Instruct-2507-TEE", "Qwen/Qwen3-235B-A22B-Instruct-2507-TEE"],
  ])("model %j becomes %j", (model, expected) => {
    expect(parseConfig({ llm: { model } }, "test").llm.model).toBe(expected);
  });

  test("a trailing slash on URLs is dropped", () => {
    const c = parseConfig({ llm: { baseUrl: "https://llm.chutes.ai/v1/" }, kodus: { publicUrl: "https://kodus.example.com/" } }, "test");
    expect(c.llm.baseUrl).toBe("https://llm.chutes.ai/v1");
    expect(c.kodus.publicUrl).toBe("https://kodus.example.com");
  });

  test.each(["http://localhost:8080/v1", "http://127.0.0.1:9/v1", "http://[::1]:9/v1"])("http on loopback is allowed: %s", (baseUrl) => {
    expect(parseConfig({ llm: { baseUrl } }, "test").llm.baseUrl).toBe(baseUrl);
  });
});

describe("invalid configs are rejected with the field named", () => {
  // What a new user plausibly writes, and the dotted path the error must name.
  const cases: [string, unknown, string, RegExp?][] = [
    ["model without org", { llm: { model: "DeepSeek-V3" } }, "llm.model", /org\/model/],
    ["model auto (cloud routing)", { llm: { model: "auto" } }, "llm.model", /auto/],
    ["empty model", { llm: { model: "" } }, "llm.model"],
    ["model with spaces", { llm: { model: "deepseek ai/DeepSeek V3" } }, "llm.model"],
    ["model as number", { llm: { model: 3 } }, "llm.model"],
    ["plain http base URL", { llm: { baseUrl: "http://llm.chutes.ai/v1" } }, "llm.baseUrl", /https/],
    ["http base URL on a private address", { llm: { baseUrl: "http://10.0.0.5:8000/v1" } }, "llm.baseUrl", /localhost/],
    ["http base URL on a host that starts like localhost", { llm: { baseUrl: "http://localhost.example.com/v1" } }, "llm.baseUrl"],
    ["http base URL with localhost as user name", { llm: { baseUrl: "http://localhost@llm.example.com/v1" } }, "llm.baseUrl"],
    // Shaped like a loopback URL, but not a URL at all: only parsing it (the refinement) tells.
    ["http loopback base URL with an out-of-range address", { llm: { baseUrl: "http://127.0.0.300/v1" } }, "llm.baseUrl", /localhost/],
    ["http loopback base URL with an out-of-range port", { llm: { baseUrl: "http://localhost:99999/v1" } }, "llm.baseUrl", /localhost/],
    ["base URL without scheme", { llm: { baseUrl: "llm.chutes.ai/v1" } }, "llm.baseUrl"],
    ["temperature above 2", { llm: { temperature: 2.5 } }, "llm.temperature", /0 to 2/],
    ["temperature as string", { llm: { temperature: "0.2" } }, "llm.temperature"],
    ["maxConcurrentReviews zero", { llm: { maxConcurrentReviews: 0 } }, "llm.maxConcurrentReviews"],
    ["maxConcurrentReviews below worker count", { llm: { maxConcurrentReviews: 1 } }, "llm.maxConcurrentReviews", /worker/],
    ["version with spaces", { kodus: { version: "2.1 .28" } }, "kodus.version"],
    ["relative public URL", { kodus: { publicUrl: "/kodus" } }, "kodus.publicUrl"],
    ["ftp webhooks URL", { kodus: { webhooksUrl: "ftp://x.example.com" } }, "kodus.webhooksUrl"],
    ["docker.enabled as string", { docker: { enabled: "yes" } }, "docker.enabled", /true or false/],
    ["port 0", { docker: { ports: { api: 0 } } }, "docker.ports.api", /1 to 65535/],
    ["port too large", { docker: { ports: { web: 70000 } } }, "docker.ports.web"],
    ["port as string", { docker: { ports: { webhooks: "3332" } } }, "docker.ports.webhooks"],
    ["two components on one port", { docker: { ports: { api: 3000 } } }, "docker.ports", /different/],
    ["namespace with capitals", { kubernetes: { namespace: "Kodus" } }, "kubernetes.namespace", /DNS-1123/],
    ["namespace with underscore", { kubernetes: { namespace: "kodus_prod" } }, "kubernetes.namespace"],
    ["zero replicas", { kubernetes: { replicas: { api: 0 } } }, "kubernetes.replicas.api"],
    ["fractional replicas", { kubernetes: { replicas: { worker: 1.5 } } }, "kubernetes.replicas.worker"],
    ["unknown secrets mode", { kubernetes: { secrets: { mode: "vault" } } }, "kubernetes.secrets.mode", /"terraform", "existing"/],
    ["bad cron (4 fields)", { healthcheck: { schedule: "*/15 * * *" } }, "healthcheck.schedule", /cron/],
    ["bad cron (minute 61)", { healthcheck: { schedule: "61 * * * *" } }, "healthcheck.schedule"],
    ["timeout zero", { healthcheck: { timeoutSeconds: 0 } }, "healthcheck.timeoutSeconds"],
    ["negative latency budget", { healthcheck: { maxLatencyMs: -5 } }, "healthcheck.maxLatencyMs"],
    ["plain http management URL", { llm: { managementUrl: "http://api.chutes.ai" } }, "llm.managementUrl", /https/],
    ["management URL without scheme", { llm: { managementUrl: "api.chutes.ai" } }, "llm.managementUrl"],
    ["budget warn percent above 100", { healthcheck: { budget: { warnPercent: 120 } } }, "healthcheck.budget.warnPercent", /1 to 100/],
    ["budget critical percent zero", { healthcheck: { budget: { criticalPercent: 0 } } }, "healthcheck.budget.criticalPercent", /1 to 100/],
    [
      "budget warn above critical",
      { healthcheck: { budget: { warnPercent: 96 } } },
      "healthcheck.budget.warnPercent",
      /must not exceed criticalPercent/,
    ],
    ["budget enabled as string", { healthcheck: { budget: { enabled: "on" } } }, "healthcheck.budget.enabled", /true or false/],
    [
      "prometheusRule label as number",
      { healthcheck: { prometheusRule: { labels: { release: 1 } } } },
      "healthcheck.prometheusRule.labels.release",
    ],
    ["typo in a key", { llm: { modle: "a/b" } }, "llm.modle", /unknown key \(allowed: model, baseUrl/],
    ["unknown section", { chutes: { apiKey: "x" } }, "chutes", /unknown key/],
    ["section as a list", { llm: ["a/b"] }, "llm"],
  ];
  // Rows without a message are padded: jest would otherwise pass its `done` callback there.
  test.each(cases.map(([name, input, path, message]) => [name, input, path, message ?? null] as const))(
    "%s",
    (_name, input, path, message) => {
      const lines = problems(() => parseConfig(input, "test"));
      const line = lines.find((l) => l.startsWith(`${path}:`));
      expect(line).toBeDefined();
      if (message) expect(line).toMatch(message);
    },
  );

  test("every problem is reported at once, one line each", () => {
    const lines = problems(() =>
      parseConfig({ llm: { model: "auto", baseUrl: "http://x.example.com" }, docker: { ports: { api: 0 } }, extra: 1 }, "test"),
    );
    expect(lines.map((l) => l.split(":")[0])).toEqual(expect.arrayContaining(["llm.model", "llm.baseUrl", "docker.ports.api", "extra"]));
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  test("the bad value is shown", () => {
    expect(problems(() => parseConfig({ kodus: { publicUrl: "kodus.local" } }, "test"))[0]).toContain('(got "kodus.local")');
  });

  test("a value that looks like a key is not echoed", () => {
    const fakeKey = ["cpk", "0123456789abcdef.0123456789abcdef.0123456789"].join("_");
    const lines = problems(() => parseConfig({ llm: { model: fakeKey } }, "test"));
    expect(lines.join("\n")).not.toContain(fakeKey);
    expect(lines[0]).toContain("not shown");
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-config-"));

  test("a YAML syntax error names the file and line", () => {
    const lines = problems(() => parseConfigText("llm:\n  model: a/b\n   baseUrl: x\n", "my.yaml"));
    expect(lines[0]).toMatch(/^my\.yaml:\d+:\d+: YAML syntax error/);
  });

  test("duplicate keys are an error, not a silent override", () => {
    expect(problems(() => parseConfigText("llm:\n  model: a/b\n  model: c/d\n", "dup.yaml"))[0]).toMatch(/^dup\.yaml:3:\d+: .*unique/);
  });

  test("a missing file names the path", () => {
    const path = join(dir, "nope.yaml");
    expect(problems(() => loadConfig(path))).toEqual([`cannot read ${path}: file not found`]);
  });

  test("JSON is accepted too, and an empty file means defaults", () => {
    const json = join(dir, "c.json");
    writeFileSync(json, JSON.stringify({ llm: { model: "a/b" } }));
    expect(loadConfig(json).llm.model).toBe("a/b");
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "# nothing yet\n");
    expect(loadConfig(empty)).toEqual(parseConfig({}, "x"));
  });

  test("KODUS_CONFIG wins, relative to the working directory; then kodus.config.yaml in the project root", () => {
    expect(resolveConfigPath({ KODUS_CONFIG: "x.yaml" }, "/project", "/work")).toBe("/work/x.yaml");
    expect(resolveConfigPath({ KODUS_CONFIG: "/abs/x.yaml" }, "/project", "/work")).toBe("/abs/x.yaml");
    expect(resolveConfigPath({}, dir, "/work")).toBeUndefined();
    writeFileSync(join(dir, "kodus.config.yaml"), "{}\n");
    expect(resolveConfigPath({}, dir, "/work")).toBe(join(dir, "kodus.config.yaml"));
  });

  test("the shipped example file is valid and has every top-level section", () => {
    const example = join(__dirname, "..", "..", "kodus.config.example.yaml");
    const config = loadConfig(example);
    expect(config.llm.model).toMatch(/\//);
    const sections = readFileSync(example, "utf8").match(/^[a-z][A-Za-z]*(?=:)/gm);
    expect([...(sections ?? [])].sort()).toEqual(["docker", "healthcheck", "kodus", "kubernetes", "llm", "terraform"]);
  });
});

describe("inputs a config must not get past (operator workflow)", () => {
  // Not key-shaped: a Chutes key anywhere gets its own line (test/config/no-secrets.test.ts).
  const PASSWORD = "hunter2hunter2-secret-value";

  test.each([
    ["llm.baseUrl", { llm: { baseUrl: `https://user:${PASSWORD}@llm.chutes.ai/v1` } }],
    ["llm.baseUrl", { llm: { baseUrl: `https://${PASSWORD}@llm.chutes.ai/v1` } }],
    ["kodus.publicUrl", { kodus: { publicUrl: `https://admin:${PASSWORD}@kodus.example.com` } }],
    ["kodus.webhooksUrl", { kodus: { webhooksUrl: `http://admin:${PASSWORD}@hooks.example.com/x` } }],
    ["docker.host", { docker: { host: `tcp://admin:${PASSWORD}@docker.example.com:2376` } }],
  ])("credentials in %s are rejected and never echoed", (field, input) => {
    const lines = problems(() => parseConfig(input, "test"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${field.replace(".", "\\.")}: must not contain (credentials|a password)`));
    expect(lines[0]).not.toContain(PASSWORD);
    expect(lines[0]).not.toContain("hunter2");
  });

  test("an SSH user name (no password) in docker.host is fine", () => {
    expect(parseConfig({ docker: { host: "ssh://deploy@kodus-host" } }, "test").docker.host).toBe("ssh://deploy@kodus-host");
  });

  test.each(["api", "worker"])("kubernetes.replicas.%s next to an enabled autoscaler is rejected, not silently ignored", (component) => {
    const input = { kubernetes: { replicas: { [component]: 5 }, autoscaling: { [component]: { enabled: true } } } };
    expect(problems(() => parseConfig(input, "test"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^kubernetes\\.replicas\\.${component}: must not be set while kubernetes\\.autoscaling\\.${component}\\.enabled is true`,
        ),
      ),
    ]);
    // Either one alone is fine.
    expect(() => parseConfig({ kubernetes: { autoscaling: { [component]: { enabled: true } } } }, "test")).not.toThrow();
    expect(() => parseConfig({ kubernetes: { replicas: { [component]: 5 } } }, "test")).not.toThrow();
  });

  test("both stacks disabled is rejected: nothing would be deployed", () => {
    expect(problems(() => parseConfig({ docker: { enabled: false }, kubernetes: { enabled: false } }, "test"))).toEqual([
      expect.stringMatching(/^docker\.enabled: .*both false.*enable at least one/),
    ]);
  });

  test.each(["latest", "stable", "main", "2", "2.1", "v2"])("floating Kodus tag %j is rejected", (version) => {
    expect(problems(() => parseConfig({ kodus: { version } }, "test"))).toEqual([
      expect.stringMatching(/^kodus\.version: must be a release version such as "2\.1\.28"/),
    ]);
  });

  test.each(["2.1.28", "2.2.0", "v2.1.28", "2.2.0-rc.1"])("release version %j is accepted", (version) => {
    expect(parseConfig({ kodus: { version } }, "test").kodus.version).toBe(version);
  });

  test.each([
    [{ requests: { cpu: "2" } }, "kubernetes.resources.api.requests.cpu: must not exceed limits.cpu (1)"],
    [{ requests: { cpu: "1500m" }, limits: { cpu: "1" } }, "kubernetes.resources.api.requests.cpu: must not exceed limits.cpu (1)"],
    [{ requests: { memory: "2Gi" } }, "kubernetes.resources.api.requests.memory: must not exceed limits.memory (1536Mi)"],
    [
      { requests: { memory: "1G" }, limits: { memory: "512Mi" } },
      "kubernetes.resources.api.requests.memory: must not exceed limits.memory (512Mi)",
    ],
  ])("requests above limits are rejected: %j", (api, line) => {
    const lines = problems(() => parseConfig({ kubernetes: { resources: { api } } }, "test"));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(line)).toBe(true);
  });

  test("requests equal to limits in other units are fine", () => {
    expect(() =>
      parseConfig(
        { kubernetes: { resources: { worker: { requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: "1", memory: "1024Mi" } } } } },
        "test",
      ),
    ).not.toThrow();
  });

  test.each([
    "https://llm.chutes.ai/v1/chat/completions",
    "https://llm.chutes.ai/v1/chat/completions/",
    "https://llm.chutes.ai/v1/completions",
  ])("a baseUrl that is the completions endpoint (%s) is rejected", (baseUrl) => {
    expect(problems(() => parseConfig({ llm: { baseUrl } }, "test"))).toEqual([
      expect.stringMatching(/^llm\.baseUrl: must be the API base .*without \/chat\/completions/),
    ]);
  });

  test("a huge number is reported once, with its value", () => {
    expect(problems(() => parseConfigText("kubernetes:\n  replicas:\n    api: 1e20\n", "c.yaml"))).toEqual([
      "kubernetes.replicas.api: must be a whole number from 1 to 50 (got 100000000000000000000)",
    ]);
  });

  test("1e309 is not shown as null", () => {
    const lines = problems(() => parseConfigText("docker:\n  ports:\n    api: 1e309\n", "c.yaml"));
    expect(lines).toEqual([
      expect.stringMatching(/^docker\.ports\.api: must be a whole number from 1 to 65535 \(got a number too large to represent\)$/),
    ]);
  });

  test.each([
    ["llm: foo\n", "llm: must be a mapping"],
    ["kubernetes:\n  replicas: 3\n", "kubernetes.replicas: must be a mapping"],
    ["kubernetes:\n  dataStores:\n    postgres:\n      username: ''\n", "kubernetes.dataStores.postgres.username: must not be empty"],
    ["kubernetes:\n  kubeconfig:\n    path: ''\n", "kubernetes.kubeconfig.path: must not be empty"],
    ["kubernetes:\n  dataStores:\n    storageClass: 5\n", "kubernetes.dataStores.storageClass: must be a string"],
    ["kubernetes:\n  ingress:\n    annotations: {a: 1}\n", "kubernetes.ingress.annotations.a: must be a string"],
    ["kubernetes:\n  ingress:\n    tlsSecretName: Bad_Name\n", "kubernetes.ingress.tlsSecretName: must be a Secret name"],
    ["kodus:\n  version: 3\n", "kodus.version: must be a Kodus release version"],
  ])("one clear line per problem, in our words, never zod's: %j", (text, start) => {
    const lines = problems(() => parseConfigText(text, "c.yaml"));
    expect(lines).toEqual([expect.stringContaining(start)]);
    expect(lines[0]).not.toMatch(/Invalid input|Invalid string|Too small|Too big|expected \w+, received|>=1 characters/);
  });
});
