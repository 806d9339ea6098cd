/**
 * What Kodus needs to come up, stated as facts from Kodus' own source and its official
 * installer (compose file and chart), checked in both cdktf stacks. Every expected value is
 * written here literally; nothing is read back from contract/.
 */
import { ConfigError } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { EXPECTED_LLM_CLIENT_ENV, kodusTrustsJsonSchema } from "../helpers/kodus-expected";
import { envList, synthStack, type TfJson } from "../helpers/synth";
import {
  EXPECTED_DEFAULT_SCALE_LIMITS as LIMITS,
  EXPECTED_PG_CONNECTIONS_PER_POD as POOL,
  EXPECTED_PG_DEFAULT_MAX_CONNECTIONS,
  EXPECTED_PG_HEADROOM as HEADROOM,
} from "../helpers/kodus-expected";
import { EXPECTED_RABBITMQ, EXPECTED_SETTINGS } from "../helpers/kodus-expected";

const BACKEND = ["api", "worker", "webhooks"] as const;
/** The back-end components holding the Chutes key (the webhooks service does not). */
const LLM_CLIENTS = BACKEND.filter((c) => EXPECTED_LLM_CLIENT_ENV[c].length > 0);

const docker = synthStack("docker").json;
const containers = docker.resource.docker_container;
const k8s = synthStack("kubernetes", { kubernetes: { dataStores: { mode: "bundled" } } }).json;
const sts = (json: TfJson, store: string) => json.resource.kubernetes_stateful_set_v1[store].spec.template.spec;
const configMap = (json: TfJson, component: string) => json.resource.kubernetes_config_map_v1[`env-${component}`].data;

describe("1. RabbitMQ gets its kodus-ai vhost: the Kodus image's init-definitions.sh runs", () => {
  test("docker: the container's command is the script", () => {
    expect(containers.rabbitmq.command).toEqual(["/usr/local/bin/init-definitions.sh"]);
    expect(envList(containers.api.env).API_RABBITMQ_URI).toMatch(/@kodus-rabbitmq:5672\/kodus-ai$/);
  });
  test("kubernetes: the StatefulSet's command is the script", () => {
    expect(sts(k8s, "rabbitmq").container[0].command).toEqual(["/usr/local/bin/init-definitions.sh"]);
    // (A whole URI you give in rabbitmq_uri wins: coalesce skips it while it is empty.)
    expect(k8s.resource.kubernetes_secret_v1.secret.data_wo.API_RABBITMQ_URI).toMatch(/\/kodus-ai"\)\}$/);
  });
});

describe("2. RabbitMQ restarts with fsGroup: an init step makes .erlang.cookie owner-only again", () => {
  test("kubernetes: init container chmods the cookie in the data volume, as the RabbitMQ uid", () => {
    const spec = sts(k8s, "rabbitmq");
    expect(spec.security_context.fs_group).toBe("999"); // the cause: the kubelet adds group rw at each mount
    const init = spec.init_container;
    expect(init).toHaveLength(1);
    expect(init[0].command.join(" ")).toContain("chmod 600");
    expect(init[0].command.join(" ")).toContain("/var/lib/rabbitmq/.erlang.cookie");
    expect(init[0].volume_mount).toEqual(expect.arrayContaining([{ name: "data", mount_path: "/var/lib/rabbitmq" }]));
    expect(init[0].security_context).toMatchObject({
      run_as_non_root: true,
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
    });
    // no other store has one
    expect(sts(k8s, "postgres").init_container).toBeUndefined();
    expect(sts(k8s, "mongodb").init_container).toBeUndefined();
  });
});

describe("3. RabbitMQ plans with its memory limit, not the node's RAM (disk alarm); compose's ulimit and heartbeat", () => {
  test("docker: 1 GiB limit by default, the same number in a conf.d override, nofile 65536, heartbeat 60", () => {
    const r = containers.rabbitmq;
    expect(r.memory).toBe(1024);
    expect(r.upload).toEqual([
      { file: "/etc/rabbitmq/conf.d/20-kodus.conf", content: "total_memory_available_override_value = 1073741824\n" },
    ]);
    expect(r.ulimit).toEqual([{ name: "nofile", soft: 65536, hard: 65536 }]);
    expect(envList(r.env).RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBe(EXPECTED_RABBITMQ.erlArgs);
  });

  test("docker: docker.rabbitmqMemory sets both", () => {
    const r = synthStack("docker", { docker: { rabbitmqMemory: "1536Mi" }, kubernetes: { enabled: false } }).json.resource.docker_container
      .rabbitmq;
    expect(r.memory).toBe(1536);
    expect(r.upload[0].content).toBe(`total_memory_available_override_value = ${1536 * 1024 * 1024}\n`);
  });

  test("kubernetes: a conf.d file with the container's memory limit, mounted next to the image's defaults", () => {
    const spec = sts(k8s, "rabbitmq");
    const c = spec.container[0];
    expect(c.resources.limits.memory).toBe("1Gi");
    expect(k8s.resource.kubernetes_config_map_v1["rabbitmq-conf"].data).toEqual({
      "20-kodus.conf": "total_memory_available_override_value = 1073741824\n",
    });
    expect(c.volume_mount).toEqual(
      expect.arrayContaining([
        { name: "conf", mount_path: "/etc/rabbitmq/conf.d/20-kodus.conf", sub_path: "20-kodus.conf", read_only: true },
      ]),
    );
    expect(spec.volume).toEqual(
      expect.arrayContaining([{ name: "conf", config_map: { name: "${kubernetes_config_map_v1.rabbitmq-conf.metadata[0].name}" } }]),
    );
    expect(c.env).toEqual(expect.arrayContaining([{ name: "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", value: EXPECTED_RABBITMQ.erlArgs }]));
  });

  test("kubernetes: the override follows a configured limit", () => {
    const json = synthStack("kubernetes", {
      kubernetes: { dataStores: { mode: "bundled", resources: { rabbitmq: { limits: { memory: "2Gi" } } } } },
    }).json;
    expect(json.resource.kubernetes_config_map_v1["rabbitmq-conf"].data["20-kodus.conf"]).toBe(
      "total_memory_available_override_value = 2147483648\n",
    );
  });
});

describe("RabbitMQ lets a review run its 105 minutes: consumer_timeout 2 h on the bundled broker", () => {
  test("the timeout Kodus asks for is longer than its longest review (else the broker redelivers it)", () => {
    expect(EXPECTED_RABBITMQ.consumerTimeoutMs).toBeGreaterThan(EXPECTED_RABBITMQ.codeReviewTimeoutMs);
    expect(EXPECTED_RABBITMQ.erlArgs).toContain(`-rabbit consumer_timeout ${EXPECTED_RABBITMQ.consumerTimeoutMs}`);
  });
  test("docker and kubernetes pass it to the broker", () => {
    expect(envList(containers.rabbitmq.env).RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBe(EXPECTED_RABBITMQ.erlArgs);
    expect(sts(k8s, "rabbitmq").container[0].env).toEqual(
      expect.arrayContaining([{ name: "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", value: EXPECTED_RABBITMQ.erlArgs }]),
    );
  });
});

describe("Settings the official installer sets: JWT lifetimes, every git provider's webhook URL", () => {
  const dockerEnv = (c: string) => envList(containers[c].env);
  const k8sEnv = (c: string) => k8s.resource.kubernetes_config_map_v1[`env-${c}`].data;
  test.each(["docker", "kubernetes"])("%s: the API and the worker get both token lifetimes, nobody else", (target) => {
    const env = target === "docker" ? dockerEnv : k8sEnv;
    const { components, ...lifetimes } = EXPECTED_SETTINGS.jwt;
    for (const c of ["api", "worker", "webhooks", "web"]) {
      for (const [name, value] of Object.entries(lifetimes))
        expect([c, name, env(c)[name]]).toEqual([c, name, (components as readonly string[]).includes(c) ? value : undefined]);
    }
  });
  test.each(["docker", "kubernetes"])("%s: a webhook URL per git provider, Forgejo included", (target) => {
    const env = target === "docker" ? dockerEnv : k8sEnv;
    for (const [name, path] of Object.entries(EXPECTED_SETTINGS.webhookPaths))
      expect(env("api")[name]).toBe(`http://localhost:3332${path}`);
  });
});

describe("4. PostgreSQL has a connection for every Kodus pool at the configured maxima (default max_connections is 100)", () => {
  test("docker: one pod of each component, never below PostgreSQL's default", () => {
    expect(POOL.api + POOL.worker + POOL.webhooks + HEADROOM).toBe(70);
    const expected = EXPECTED_PG_DEFAULT_MAX_CONNECTIONS;
    expect(containers.postgres.command).toEqual(["postgres", "-c", `max_connections=${expected}`]);
    expect(docker.output!.postgres_max_connections.value).toBe(expected);
  });

  test("kubernetes: scaleLimits x pools + the migration Job (one API pool) + headroom", () => {
    const expected = LIMITS.api * POOL.api + LIMITS.worker * POOL.worker + LIMITS.webhooks * POOL.webhooks + POOL.api + HEADROOM;
    expect(expected).toBe(334);
    expect(sts(k8s, "postgres").container[0].args).toEqual(["-c", `max_connections=${expected}`]);
    expect(k8s.output!.postgres_max_connections.value).toBe(expected);
  });

  test("kubernetes: scaling replicas or HPA maxima within scaleLimits leaves PostgreSQL's args alone", () => {
    const args = (kubernetes: object) =>
      sts(synthStack("kubernetes", { kubernetes: { dataStores: { mode: "bundled" }, ...kubernetes } }).json, "postgres").container[0].args;
    const before = args({});
    expect(args({ replicas: { api: 6, worker: 5, webhooks: 4 } })).toEqual(before);
    expect(
      args({
        replicas: { webhooks: 3 },
        autoscaling: { api: { enabled: true, maxReplicas: 6 }, worker: { enabled: true, maxReplicas: 6 } },
      }),
    ).toEqual(before);
    const raised = args({ scaleLimits: { api: 8 } });
    expect(raised).toEqual([
      "-c",
      `max_connections=${8 * POOL.api + LIMITS.worker * POOL.worker + LIMITS.webhooks * POOL.webhooks + POOL.api + HEADROOM}`,
    ]);
  });

  test("kubernetes: a replica count or HPA maximum above its scaleLimit is refused, naming both fields", () => {
    expect(() => synthStack("kubernetes", { kubernetes: { autoscaling: { api: { enabled: true, maxReplicas: 8 } } } })).toThrow(
      /kubernetes\.autoscaling\.api\.maxReplicas[^]*must not exceed scaleLimits\.api \(6\)[^]*restarts a bundled PostgreSQL/,
    );
    expect(() => synthStack("kubernetes", { kubernetes: { replicas: { webhooks: 5 } } })).toThrow(
      /kubernetes\.replicas\.webhooks[^]*scaleLimits\.webhooks \(4\)/,
    );
  });

  test("kubernetes, external PostgreSQL: the number needed is an output (nothing is deployed)", () => {
    const json = synthStack("kubernetes", {
      kubernetes: { replicas: { api: 3, worker: 4, webhooks: 1 }, scaleLimits: { api: 3, worker: 4, webhooks: 1 } },
    }).json;
    expect(json.resource.kubernetes_stateful_set_v1).toBeUndefined();
    expect(json.output!.postgres_max_connections.value).toBe(3 * POOL.api + 4 * POOL.worker + 1 * POOL.webhooks + POOL.api + HEADROOM);
    expect(json.output!.postgres_max_connections.description).toContain("needs at least");
  });
});

describe("5. API_USER_INVITE_BASE_URL is the public web URL (links in PR comments and e-mails)", () => {
  const input = { kodus: { publicUrl: "https://kodus.example.com" } };
  test("docker", () => {
    const c = synthStack("docker", { ...input, kubernetes: { enabled: false } }).json.resource.docker_container;
    for (const component of BACKEND)
      expect([component, envList(c[component].env).API_USER_INVITE_BASE_URL]).toEqual([component, "https://kodus.example.com"]);
  });
  test("kubernetes", () => {
    const json = synthStack("kubernetes", input).json;
    for (const component of BACKEND)
      expect([component, configMap(json, component).API_USER_INVITE_BASE_URL]).toEqual([component, "https://kodus.example.com"]);
  });
});

describe("6. Docker waits for the worker's drain (25 s by default) before it kills a container", () => {
  test("stop timeout and destroy grace: worker drain + 15 s, the others 30 s (Docker's default is 10 s)", () => {
    expect([containers.worker.stop_timeout, containers.worker.destroy_grace_seconds]).toEqual([40, 40]);
    for (const c of ["api", "webhooks", "web"])
      expect([c, containers[c].stop_timeout, containers[c].destroy_grace_seconds]).toEqual([c, 30, 30]);
  });
  test("a longer drain gets a longer stop timeout", () => {
    const c = synthStack("docker", { kodus: { workerDrainTimeoutMs: 120_001 }, kubernetes: { enabled: false } }).json.resource
      .docker_container;
    expect(c.worker.stop_timeout).toBe(121 + 15); // ceil(120.001 s) + 15 s
    expect(envList(c.worker.env).API_WORKER_DRAIN_TIMEOUT_MS).toBe("120001");
  });
});

describe("7. With an Ingress, public URLs come from its hosts (or a clear rejection)", () => {
  const ingress = { enabled: true, webHost: "kodus.example.com", webhooksHost: "hooks.example.com" };
  test("kubernetes: unset URLs are derived (https with a TLS secret)", () => {
    const json = synthStack("kubernetes", { kubernetes: { ingress: { ...ingress, tlsSecretName: "kodus-tls" } } }).json;
    expect(configMap(json, "web").NEXTAUTH_URL).toBe("https://kodus.example.com");
    expect(configMap(json, "api").API_FRONTEND_URL).toBe("https://kodus.example.com");
    expect(configMap(json, "api").API_GITHUB_CODE_MANAGEMENT_WEBHOOK).toBe("https://hooks.example.com/github/webhook");
    expect(json.output!.web_url.value).toBe("https://kodus.example.com");
    expect(json.output!.webhooks_url.value).toBe("https://hooks.example.com");
  });
  test("kubernetes: http without a TLS secret; explicit URLs win", () => {
    const json = synthStack("kubernetes", { kodus: { webhooksUrl: "https://cdn.example.com/hooks" }, kubernetes: { ingress } }).json;
    expect(configMap(json, "web").NEXTAUTH_URL).toBe("http://kodus.example.com");
    expect(configMap(json, "api").API_GITLAB_CODE_MANAGEMENT_WEBHOOK).toBe("https://cdn.example.com/hooks/gitlab/webhook");
  });
  test("docker ignores the Kubernetes Ingress", () => {
    const c = synthStack("docker", { kubernetes: { ingress } }).json.resource.docker_container;
    expect(envList(c.web.env).NEXTAUTH_URL).toBe("http://localhost:3000");
  });
  test("a localhost URL with an Ingress is rejected, naming the field", () => {
    expect(() => synthStack("kubernetes", { kodus: { publicUrl: "http://localhost:3000" }, kubernetes: { ingress } })).toThrow(ConfigError);
    expect(() => synthStack("kubernetes", { kodus: { publicUrl: "http://localhost:3000" }, kubernetes: { ingress } })).toThrow(
      /kodus\.publicUrl: is a localhost URL while kubernetes\.ingress is enabled/,
    );
    expect(() => synthStack("kubernetes", { kodus: { webhooksUrl: "http://127.0.0.1:3332" }, kubernetes: { ingress } })).toThrow(
      /kodus\.webhooksUrl: is a localhost URL/,
    );
  });
  test("a wildcard host cannot give a URL: rejected unless the URL is set", () => {
    const wild = { ...ingress, webhooksHost: "*.hooks.example.com" };
    expect(() => synthStack("kubernetes", { kubernetes: { ingress: wild } })).toThrow(
      /kodus\.webhooksUrl: is required when kubernetes\.ingress\.webhooksHost is a wildcard/,
    );
    expect(() =>
      synthStack("kubernetes", { kodus: { webhooksUrl: "https://a.hooks.example.com" }, kubernetes: { ingress: wild } }),
    ).not.toThrow();
  });
});

describe("8. No dead settings: the web gets no JWT secrets and no WEB_PORT", () => {
  test("docker", () => {
    const env = envList(containers.web.env);
    for (const name of ["API_JWT_SECRET", "API_JWT_REFRESH_SECRET", "WEB_PORT"]) expect([name, env[name]]).toEqual([name, undefined]);
    expect(env.NEXTAUTH_SECRET).toBe("${var.nextauth_secret}");
    expect(envList(containers.api.env).API_JWT_SECRET).toBe("${var.api_jwt_secret}");
  });
  test("kubernetes", () => {
    const env = k8s.resource.kubernetes_deployment_v1.web.spec.template.spec.container[0].env.map((e: any) => e.name);
    expect(env.sort()).toEqual(["NEXTAUTH_SECRET", "WEB_NEXTAUTH_SECRET"]);
    expect(configMap(k8s, "web").WEB_PORT).toBeUndefined();
  });
});

describe("9. Bundled data stores: startup and liveness probes, configurable resources, pinned MongoDB", () => {
  test("docker and kubernetes pin MongoDB to an exact release", () => {
    expect(docker.resource.docker_image["image-mongodb"].name).toMatch(/^mongo:\d+\.\d+\.\d+$/);
    expect(sts(k8s, "mongodb").container[0].image).toMatch(/^mongo:\d+\.\d+\.\d+$/);
  });

  test("kubernetes: every store has startup, liveness and (unchanged) readiness probes", () => {
    const pg = sts(k8s, "postgres").container[0];
    expect(pg.liveness_probe.exec.command).toEqual(["pg_isready", "-U", "kodus", "-d", "kodus_db"]);
    expect(pg.startup_probe.exec.command).toEqual(["pg_isready", "-U", "kodus", "-d", "kodus_db"]);
    expect(pg.readiness_probe.exec.command).toEqual(["pg_isready", "-U", "kodus", "-d", "kodus_db"]);
    const mongo = sts(k8s, "mongodb").container[0];
    expect(mongo.liveness_probe.tcp_socket).toEqual([{ port: "27017" }]);
    expect(mongo.startup_probe.tcp_socket).toEqual([{ port: "27017" }]);
    expect(mongo.readiness_probe.exec.command).toEqual(["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]);
    const rabbit = sts(k8s, "rabbitmq").container[0];
    expect(rabbit.liveness_probe.tcp_socket).toEqual([{ port: "5672" }]);
    expect(rabbit.startup_probe.tcp_socket).toEqual([{ port: "5672" }]);
    expect(rabbit.readiness_probe.exec.command).toEqual(["rabbitmq-diagnostics", "-q", "check_running"]);
    // The startup budget covers a first start (initdb, WiredTiger recovery, Erlang + plugins + vhost).
    for (const c of [pg, mongo, rabbit])
      expect(c.startup_probe.period_seconds * c.startup_probe.failure_threshold).toBeGreaterThanOrEqual(150);
  });

  test("kubernetes: resources per store from the config", () => {
    const json = synthStack("kubernetes", {
      kubernetes: {
        dataStores: {
          mode: "bundled",
          storageSize: "50Gi",
          resources: { postgres: { requests: { memory: "2Gi" }, limits: { cpu: "4", memory: "4Gi" } } },
        },
      },
    }).json;
    expect(sts(json, "postgres").container[0].resources).toEqual({
      requests: { cpu: "250m", memory: "2Gi" },
      limits: { cpu: "4", memory: "4Gi" },
    });
    expect(sts(json, "mongodb").container[0].resources).toEqual({
      requests: { cpu: "100m", memory: "512Mi" },
      limits: { cpu: "500m", memory: "1Gi" },
    });
    expect(json.resource.kubernetes_stateful_set_v1.postgres.spec.volume_claim_template[0].spec.resources.requests.storage).toBe("50Gi");
  });
});

describe("10. Telemetry is an operator choice (KODUS_TELEMETRY_DISABLED)", () => {
  test("on by default (Kodus' default), said explicitly on the back end", () => {
    for (const c of BACKEND)
      expect([c, envList(containers[c].env).KODUS_TELEMETRY_DISABLED, configMap(k8s, c).KODUS_TELEMETRY_DISABLED]).toEqual([
        c,
        "false",
        "false",
      ]);
  });
  test("kodus.telemetryDisabled: true turns the heartbeat off in both stacks", () => {
    const input = { kodus: { telemetryDisabled: true } };
    const d = synthStack("docker", input).json.resource.docker_container;
    const k = synthStack("kubernetes", input).json;
    for (const c of BACKEND)
      expect([c, envList(d[c].env).KODUS_TELEMETRY_DISABLED, configMap(k, c).KODUS_TELEMETRY_DISABLED]).toEqual([c, "true", "true"]);
  });
});

describe("11. Kodus' LLM clients stay on Chutes: OPENAI_BASE_URL and API_TRUST_JSON_SCHEMA_BASE_URLS", () => {
  const base = "https://llm.example.com/v1";
  const variants = {
    docker: (input: ConfigInput) => {
      const c = synthStack("docker", input).json.resource.docker_container;
      return (component: string) => envList(c[component]?.env ?? []);
    },
    kubernetes: (input: ConfigInput) => {
      const json = synthStack("kubernetes", input).json;
      return (component: string) => configMap(json, component) as Record<string, string>;
    },
  };
  test.each(Object.keys(variants))("%s: exactly the components holding the key get both, valued as Kodus reads them", (stack) => {
    const env = variants[stack as keyof typeof variants]({ llm: { baseUrl: `${base}/` } });
    for (const [component, names] of Object.entries(EXPECTED_LLM_CLIENT_ENV)) {
      const e = env(component);
      const got = ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"].filter((n) => e[n] !== undefined);
      expect([component, got]).toEqual([component, [...names]]);
      if (names.length === 0) continue;
      expect(e.OPENAI_BASE_URL).toBe(base);
      // A BYOK or env provider pointing at Chutes, with or without a trailing slash, is trusted; others are not.
      expect(kodusTrustsJsonSchema(e.API_TRUST_JSON_SCHEMA_BASE_URLS, base)).toBe(true);
      expect(kodusTrustsJsonSchema(e.API_TRUST_JSON_SCHEMA_BASE_URLS, `${base}/`)).toBe(true);
      expect(kodusTrustsJsonSchema(e.API_TRUST_JSON_SCHEMA_BASE_URLS, "https://api.openai.com/v1")).toBe(false);
    }
  });
  test.each(Object.keys(variants))("%s: llm.structuredOutput false leaves the trust list unset, OPENAI_BASE_URL stays", (stack) => {
    const env = variants[stack as keyof typeof variants]({ llm: { structuredOutput: false } });
    for (const c of LLM_CLIENTS) {
      expect(env(c).API_TRUST_JSON_SCHEMA_BASE_URLS).toBeUndefined();
      expect(env(c).OPENAI_BASE_URL).toBe("https://llm.chutes.ai/v1");
    }
  });
  test.each(Object.keys(variants))(
    "%s: llm.keepOpenAIClientsOnChutes false leaves OPENAI_BASE_URL unset (BYOK OpenAI organizations)",
    (stack) => {
      const env = variants[stack as keyof typeof variants]({ llm: { keepOpenAIClientsOnChutes: false } });
      for (const c of LLM_CLIENTS) {
        expect(env(c).OPENAI_BASE_URL).toBeUndefined();
        expect(env(c).API_TRUST_JSON_SCHEMA_BASE_URLS).toBe("https://llm.chutes.ai/v1");
      }
    },
  );
  test("a comma in llm.baseUrl is refused: Kodus would read two broader entries", () => {
    expect(() => synthStack("docker", { llm: { baseUrl: "https://llm.example.com/v1,x" } })).toThrow(ConfigError);
  });
});
