import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  EXPECTED_OPTIONAL_SECRET_ENV,
  EXPECTED_OPTIONAL_SECRET_INPUTS,
  EXPECTED_SECRET_INPUTS,
  EXPECTED_SECRET_VARIABLE,
  expectedSecretEnv,
} from "../helpers/kodus-expected";
import { envList, synthStack } from "../helpers/synth";
import { terraformStringValue } from "../../constructs/terraform-literal";

const { json } = synthStack("docker");
const containers = json.resource.docker_container;
// By default: the four and the MCP manager (on by default; the analytics worker is off: test/stacks/optional-components.test.ts).
const kodus = ["api", "worker", "webhooks", "web", "mcp-manager"] as const;
const llmComponents = ["api", "worker"] as const; // api and worker load Kodus' LLM module; the webhooks service does not (see test/helpers/kodus-expected.ts)

test("the stack has exactly these resources (a new or lost one fails here)", () => {
  const inventory = Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
  expect(inventory.sort()).toEqual(
    [
      ...[...kodus, "postgres", "mongodb", "rabbitmq", "chutes-preflight", "chutes-monitor"].map((n) => `docker_container.${n}`),
      ...[...kodus, "postgres", "mongodb", "rabbitmq"].map((n) => `docker_image.image-${n}`),
      "docker_network.network",
      ...["postgres", "mongodb", "rabbitmq"].map((n) => `docker_volume.volume-${n}`),
      "terraform_data.chutes-preflight-trigger",
    ].sort(),
  );
});

test("the Terraform it needs is declared: check blocks exist since Terraform 1.5, so older versions are refused up front", () => {
  expect(Object.keys(json.check ?? {}).length).toBeGreaterThan(0);
  expect(json.terraform.required_version).toBe(">= 1.5.0");
});

test("the Kodus components and three data stores run", () => {
  expect(Object.keys(containers).sort()).toEqual(expect.arrayContaining([...kodus, "postgres", "mongodb", "rabbitmq"]));
  expect(containers.worker.image).toBe("${docker_image.image-worker.image_id}");
  expect(json.resource.docker_image["image-worker"].name).toBe("ghcr.io/kodustech/kodus-ai-worker:2.1.28");
  expect(json.resource.docker_image["image-webhooks"].name).toBe("ghcr.io/kodustech/kodus-ai-webhook:2.1.28");
});

test.each(llmComponents)("%s runs in Fixed Mode against Chutes, the key from the variable", (component) => {
  const env = envList(containers[component].env);
  expect(env.API_LLM_PROVIDER_MODEL).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
  expect(env.API_OPENAI_FORCE_BASE_URL).toBe("https://llm.chutes.ai/v1");
  expect(env.API_OPEN_AI_API_KEY).toBe("${var.chutes_api_key}");
});

test("the Chutes key and every internal secret are sensitive, required variables", () => {
  const sensitive = Object.entries(json.variable)
    .filter(([, v]) => v.sensitive)
    .map(([name]) => name);
  expect(sensitive.sort()).toEqual([...EXPECTED_SECRET_INPUTS, ...EXPECTED_OPTIONAL_SECRET_INPUTS.docker].sort());
  for (const variable of EXPECTED_SECRET_INPUTS) {
    expect(json.variable[variable]).toMatchObject({ sensitive: true, type: "string", nullable: false });
    expect(json.variable[variable].default).toBeUndefined();
    expect(json.variable[variable].validation[0].error_message).toContain(variable);
  }
  // The optional ones (e-mail credentials) default to empty, which their validation accepts.
  for (const variable of EXPECTED_OPTIONAL_SECRET_INPUTS.docker) {
    expect(json.variable[variable]).toMatchObject({ sensitive: true, type: "string", nullable: false, default: "" });
    expect(json.variable[variable].validation[0].condition).toContain(`var.${variable} == ""`);
  }
});

test.each(kodus)("%s gets exactly its secrets, each from its variable, never a literal", (c) => {
  const env = envList(containers[c].env);
  const expected: readonly string[] = expectedSecretEnv(c, "docker");
  const variableOf: Record<string, string> = {
    ...EXPECTED_SECRET_VARIABLE,
    ...Object.fromEntries(Object.entries(EXPECTED_OPTIONAL_SECRET_ENV).map(([name, o]) => [name, o.variable])),
  };
  for (const name of expected) {
    const value =
      name === "API_RABBITMQ_URI"
        ? "amqp://kodus:${urlencode(var.rabbitmq_password)}@kodus-rabbitmq:5672/kodus-ai"
        : `\${var.${variableOf[name]}}`;
    expect([name, env[name]]).toEqual([name, value]);
  }
  // Nothing else: no other value references a variable, and no other secret-looking name is set.
  const others = Object.entries(env).filter(([name]) => !expected.includes(name));
  expect(others.filter(([, value]) => value.includes("var.")).map(([name]) => name)).toEqual([]);
  // (API_MCP_MANAGER_REDIRECT_URI is the public OAuth redirect URL, not a connection string.)
  const secretLooking = others.map(([name]) => name).filter((n) => /SECRET|PASSWORD|CRYPTO|TOKEN|API_KEY|_URI$/.test(n));
  expect(secretLooking.filter((n) => n !== "API_MCP_MANAGER_REDIRECT_URI")).toEqual([]);
});

test("the data stores get their passwords from the variables, never a literal", () => {
  expect(envList(containers.postgres.env)).toEqual({
    POSTGRES_USER: "kodus",
    POSTGRES_DB: "kodus_db",
    POSTGRES_PASSWORD: "${var.postgres_password}",
  });
  expect(envList(containers.mongodb.env)).toMatchObject({
    MONGO_INITDB_ROOT_USERNAME: "kodus",
    MONGO_INITDB_ROOT_PASSWORD: "${var.mongodb_password}",
  });
  expect(envList(containers.rabbitmq.env)).toMatchObject({
    RABBITMQ_DEFAULT_USER: "kodus",
    RABBITMQ_DEFAULT_PASS: "${var.rabbitmq_password}",
  });
});

test.each([...kodus, "chutes-preflight", "chutes-monitor"])("%s runs without Linux capabilities and cannot gain privileges", (c) => {
  expect(containers[c].capabilities).toEqual({ drop: ["ALL"] });
  expect(containers[c].security_opts).toEqual(["no-new-privileges:true"]);
  expect(containers[c].privileged).toBeUndefined();
});

test("a container with a memory limit and no swap limit ignores the swap limit Docker reads back (else every plan changes it)", () => {
  // Docker sets MemorySwap itself when only Memory is given (2 x memory where swap is accounted,
  // -1 where not); kreuzwerker/docker 3.6.2 reads it into memory_swap, which the config leaves
  // unset: a real apply showed RabbitMQ "updated in-place" on every plan (docs/cluster-tests.md).
  const limited = Object.entries<any>(containers).filter(([, c]) => c.memory !== undefined && c.memory_swap === undefined);
  expect(limited.map(([name]) => name)).toContain("rabbitmq");
  for (const [, c] of limited) expect(c.lifecycle?.ignore_changes).toContain("memory_swap");
});

test("the worker has the code-review role", () => {
  expect(envList(containers.worker.env).WORKER_ROLE).toBe("code-review");
});

test("exactly one component runs migrations and seeds, and the others wait for it", () => {
  const migrators = kodus.filter((c) => envList(containers[c].env).RUN_MIGRATIONS === "true");
  expect(migrators).toEqual(["api"]);
  expect(envList(containers.api.env).RUN_SEEDS).toBe("true");
  for (const c of ["worker", "webhooks", "web"]) expect(containers[c].depends_on).toContain("docker_container.api");
  // The api migrates before it turns healthy: the apply waits for that (wait), longer than for
  // any other component (migrations and seeds on a first deploy take minutes), before starting them.
  expect(containers.api.wait).toBe(true);
  expect(containers.api.wait_timeout).toBeGreaterThanOrEqual(600);
  for (const c of ["worker", "webhooks", "web"]) expect(containers.api.wait_timeout).toBeGreaterThan(containers[c].wait_timeout);
});

test.each([
  ["api", "http://127.0.0.1:3001/health"],
  ["worker", "http://127.0.0.1:3334/health"],
  ["webhooks", "http://127.0.0.1:3332/health/ready"],
  ["web", "http://127.0.0.1:3000/api/health"],
] as const)("%s has a Node-based healthcheck on %s and the deploy waits for it", (c, url) => {
  const hc = containers[c].healthcheck;
  expect(hc.test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
  expect(hc.test[3]).toContain(`fetch('${url}')`);
  expect(containers[c].wait).toBe(true);
  expect(containers[c].restart).toBe("unless-stopped");
});

test.each([
  ["postgres", ["CMD", "pg_isready", "-U", "kodus", "-d", "kodus_db"]],
  ["mongodb", ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]],
  ["rabbitmq", ["CMD", "rabbitmq-diagnostics", "-q", "check_running"]],
] as const)("%s has its own healthcheck, and the deploy waits until it is healthy", (c, check) => {
  expect(containers[c].healthcheck.test).toEqual(check);
  // Docker's `wait` makes the apply wait for "healthy"; depends_on alone only waits for "created".
  expect(containers[c].wait).toBe(true);
  expect(containers[c].wait_timeout).toBeGreaterThanOrEqual(60);
  for (const k of kodus) expect(containers[k].depends_on).toContain(`docker_container.${c}`);
});

test("only the API, web and webhooks ports are published; data stores are not", () => {
  const published = Object.entries(containers)
    .filter(([, c]) => c.ports !== undefined)
    .map(([name, c]) => [name, c.ports.map((p: any) => p.external)]);
  expect(Object.fromEntries(published)).toEqual({ api: [3001], web: [3000], webhooks: [3332] });
});

test("published ports follow the config", () => {
  const custom = synthStack("docker", { docker: { ports: { api: 8001, web: 8000, webhooks: 8002 }, bindAddress: "127.0.0.1" } }).json
    .resource.docker_container;
  expect(custom.web.ports).toEqual([{ external: 8000, internal: 3000, ip: "127.0.0.1" }]);
  expect(custom.api.ports[0].external).toBe(8001);
});

test("everything is on one private network, with named volumes and pgvector", () => {
  for (const c of Object.values(containers)) expect(c.networks_advanced).toEqual([{ name: "${docker_network.network.name}" }]);
  expect(
    Object.values(json.resource.docker_volume)
      .map((v: any) => v.name)
      .sort(),
  ).toEqual(["kodus-mongodb-data", "kodus-postgres-data", "kodus-rabbitmq-data"]);
  expect(containers.postgres.image).toBe("${docker_image.image-postgres.image_id}");
  expect(json.resource.docker_image["image-postgres"].name).toBe("pgvector/pgvector:pg16");
  expect(containers.postgres.upload[0]).toEqual({
    file: "/docker-entrypoint-initdb.d/10-vector.sql",
    content: "CREATE EXTENSION IF NOT EXISTS vector;\n",
  });
});

test("the Docker provider gets no host (so DOCKER_HOST applies) unless the config names one", () => {
  expect(json.provider.docker).toEqual([{}]);
  expect(synthStack("docker", { docker: { host: "ssh://deploy@kodus-host" } }).json.provider.docker).toEqual([
    { host: "ssh://deploy@kodus-host" },
  ]);
});

test("state path is relative, so output is the same on every machine", () => {
  expect(json.terraform.backend.local.path).toBe("../../../terraform.docker.tfstate");
});

test("outputs are the web, API and webhooks URLs, the secrets revision and PostgreSQL's max_connections", () => {
  expect(Object.keys(json.output!).sort()).toEqual(["api_url", "postgres_max_connections", "secrets_revision", "web_url", "webhooks_url"]);
});

test("the secrets revision `npm run secrets -- rotate` writes is declared (no undeclared-variable warning) and shown", () => {
  expect(json.variable.secrets_revision).toMatchObject({ type: "number", default: 1 });
  expect(json.variable.secrets_revision.sensitive).toBeUndefined();
  expect(json.output!.secrets_revision.value).toBe("${var.secrets_revision}");
});

test("model, temperature and concurrency follow the config", () => {
  const c = synthStack("docker", { llm: { model: "chutes/zai-org/GLM-4.6-TEE", temperature: 0.3, maxConcurrentReviews: 4 } }).json.resource
    .docker_container;
  expect(envList(c.api.env).API_LLM_PROVIDER_MODEL).toBe("zai-org/GLM-4.6-TEE");
  expect(envList(c.worker.env).API_LLM_TEMPERATURE_OVERRIDE).toBe("0.3");
  expect(envList(c.worker.env).WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH).toBe("4");
});

describe("Chutes health checks", () => {
  const preflight = containers["chutes-preflight"];
  const monitor = containers["chutes-monitor"];
  const probeEnv = (c: any) => envList(c.env);

  test("a one-shot preflight runs the probe from the API image with the key from the variable", () => {
    expect(preflight.image).toBe("${docker_image.image-api.image_id}");
    expect(preflight.entrypoint).toEqual(["node", "/opt/kodus-chutes-probe/chutes-probe.mjs"]);
    expect(probeEnv(preflight)).toMatchObject({
      PROBE_BASE_URL: "https://llm.chutes.ai/v1",
      PROBE_MODEL: "deepseek-ai/DeepSeek-V3.2-TEE",
      PROBE_TIMEOUT_MS: "30000",
      CHUTES_API_KEY: "${var.chutes_api_key}",
    });
    expect(preflight).toMatchObject({ attach: true, logs: true, must_run: false, restart: "no" });
  });

  test("the deployed probe is the tested probe, byte for byte", () => {
    const source = readFileSync(join(__dirname, "..", "..", "probe", "chutes-probe.mjs"), "utf8");
    // What Terraform hands the provider: its template escapes ($${, %%{) undone.
    expect(preflight.upload.map((u: { file: string; content: string }) => ({ ...u, content: terraformStringValue(u.content) }))).toEqual([
      { file: "/opt/kodus-chutes-probe/chutes-probe.mjs", content: source },
    ]);
    expect(preflight.upload[0].content.replaceAll("$${", "")).not.toContain("${");
    expect(monitor.upload).toEqual(preflight.upload);
  });

  test("a non-zero exit fails the deploy with the probe's verdict in the message", () => {
    const [post] = preflight.lifecycle.postcondition;
    expect(post.condition).toBe("${self.exit_code == 0}");
    expect(post.error_message).toContain("${try(regex(");
    expect(post.error_message).toContain("self.container_logs");
  });

  test("the preflight fails on any answer slower than healthcheck.timeoutSeconds; the monitor also on maxLatencyMs", () => {
    expect(probeEnv(preflight)).toMatchObject({ PROBE_TIMEOUT_MS: "30000", PROBE_MAX_LATENCY_MS: "30000" });
    const tight = synthStack("docker", { healthcheck: { timeoutSeconds: 10, maxLatencyMs: 5000 } }).json.resource.docker_container;
    expect(probeEnv(tight["chutes-preflight"])).toMatchObject({ PROBE_TIMEOUT_MS: "10000", PROBE_MAX_LATENCY_MS: "10000" });
    expect(probeEnv(tight["chutes-monitor"])).toMatchObject({ PROBE_TIMEOUT_MS: "10000", PROBE_MAX_LATENCY_MS: "5000" });
  });

  test("the preflight re-runs on every deploy and gates every Kodus container", () => {
    expect(json.resource.terraform_data["chutes-preflight-trigger"].triggers_replace).toEqual({ at: "${timestamp()}" });
    // A bare reference: Terraform's JSON syntax rejects "${...}" in replace_triggered_by.
    expect(preflight.lifecycle.replace_triggered_by).toEqual(["terraform_data.chutes-preflight-trigger"]);
    for (const c of kodus) expect(containers[c].depends_on).toContain("docker_container.chutes-preflight");
  });

  test("the monitor's Docker health status is the probe, on the schedule's interval, unhealthy after one failure", () => {
    expect(monitor.healthcheck).toMatchObject({
      test: ["CMD", "node", "/opt/kodus-chutes-probe/chutes-probe.mjs"],
      interval: "15m0s",
      retries: 1,
      timeout: "40s",
    });
    expect(probeEnv(monitor).PROBE_MAX_LATENCY_MS).toBe("20000");
    expect(monitor.restart).toBe("unless-stopped");
    const hourly = synthStack("docker", { healthcheck: { schedule: "0 * * * *", timeoutSeconds: 10 } }).json.resource.docker_container[
      "chutes-monitor"
    ];
    expect(hourly.healthcheck).toMatchObject({ interval: "1h0m0s", timeout: "20s" });
  });

  test("healthcheck.enabled: false removes both", () => {
    const off = synthStack("docker", { healthcheck: { enabled: false } }).json;
    expect(off.resource.docker_container["chutes-preflight"]).toBeUndefined();
    expect(off.resource.docker_container["chutes-monitor"]).toBeUndefined();
    expect(off.resource.docker_container.api.depends_on).not.toContain("docker_container.chutes-preflight");
  });

  test("healthcheck.preflight: false (a deploy during a Chutes outage) drops only the gate; the monitor keeps checking", () => {
    const outage = synthStack("docker", { healthcheck: { preflight: false } }).json;
    expect(outage.resource.docker_container["chutes-preflight"]).toBeUndefined();
    expect(outage.resource.terraform_data?.["chutes-preflight-trigger"]).toBeUndefined();
    expect(outage.resource.docker_container["chutes-monitor"].healthcheck.test).toEqual([
      "CMD",
      "node",
      "/opt/kodus-chutes-probe/chutes-probe.mjs",
    ]);
    expect(outage.resource.docker_container.api.depends_on).not.toContain("docker_container.chutes-preflight");
    const noMonitor = synthStack("docker", { healthcheck: { periodic: false } }).json;
    expect(noMonitor.resource.docker_container["chutes-monitor"]).toBeUndefined();
    expect(noMonitor.resource.docker_container.api.depends_on).toContain("docker_container.chutes-preflight");
  });
});

describe("state location per stack and environment (in-process; the e2e suite checks the same through the CLI)", () => {
  const s3 = { s3: { bucket: "acme-tf-state", region: "eu-west-1" } };
  test.each([
    ["docker", {}, "kodus-chutes-deploy/docker.tfstate"],
    ["docker-staging", { environment: "staging" }, "kodus-chutes-deploy/docker-staging.tfstate"],
    ["kubernetes-staging", { environment: "staging" }, "kodus-chutes-deploy/kubernetes-staging.tfstate"],
    ["kubernetes-production", { environment: "production" }, "kodus-chutes-deploy/kubernetes-production.tfstate"],
  ])("%s keeps its state under its own key", (stack, input, key) => {
    const tf = synthStack(stack, { ...input, terraform: { backend: s3 } }).json;
    expect(tf.terraform.backend.s3).toMatchObject({ bucket: "acme-tf-state", key });
  });

  test("the local default: one state file per stack and environment, relative to the project root", () => {
    expect(synthStack("docker-qa", { environment: "qa" }).json.terraform.backend.local.path).toBe("../../../terraform.docker-qa.tfstate");
  });
});

test("kodus.proxy: every Kodus container gets the proxy and NO_PROXY with localhost and the containers Kodus calls, upper and lower case", () => {
  const tf = synthStack("docker", {
    kodus: { proxy: { httpProxy: "http://proxy.corp.example:3128", httpsProxy: "http://proxy.corp.example:3129" } },
  }).json;
  const noProxy = "localhost,127.0.0.1,kodus-api,kodus-mcp-manager";
  for (const c of kodus) {
    const env = envList(tf.resource.docker_container[c].env);
    const proxyVars = Object.fromEntries(Object.entries(env).filter(([k]) => /proxy/i.test(k)));
    expect([c, proxyVars]).toEqual([
      c,
      {
        HTTP_PROXY: "http://proxy.corp.example:3128",
        http_proxy: "http://proxy.corp.example:3128",
        HTTPS_PROXY: "http://proxy.corp.example:3129",
        https_proxy: "http://proxy.corp.example:3129",
        NO_PROXY: noProxy,
        no_proxy: noProxy,
      },
    ]);
  }
  expect(Object.keys(envList(containers.api.env)).filter((k) => /proxy/i.test(k))).toEqual([]);
});

describe("docker.caBundleHostPath: a private CA for Kodus' Node processes", () => {
  const tf = synthStack("docker", { docker: { caBundleHostPath: "/etc/ssl/private-ca/ca.pem" } }).json;
  test.each(["api", "worker", "webhooks", "web", "mcp-manager"])(
    "%s: the bundle bind-mounted read-only and NODE_EXTRA_CA_CERTS pointing at it",
    (c) => {
      const container = tf.resource.docker_container[c];
      expect(container.volumes).toEqual([
        { host_path: "/etc/ssl/private-ca/ca.pem", container_path: "/etc/kodus-ca/ca.crt", read_only: true },
      ]);
      expect(envList(container.env).NODE_EXTRA_CA_CERTS).toBe("/etc/kodus-ca/ca.crt");
    },
  );
  test("unset: no mount, no variable", () => {
    expect(containers.api.volumes).toBeUndefined();
    expect(envList(containers.api.env).NODE_EXTRA_CA_CERTS).toBeUndefined();
  });
  test("a relative path or one with spaces is refused, naming the field", () => {
    for (const bad of ["ca.pem", "/etc/my ca.pem"])
      expect(() => synthStack("docker", { docker: { caBundleHostPath: bad } })).toThrow(
        /docker\.caBundleHostPath: must be an absolute path/,
      );
  });
});
