/**
 * What Kodus needs to come up, checked in the chart with the real helm: the same facts as
 * test/stacks/kodus-needs.test.ts (from Kodus' source and its official installer), written
 * literally, never read back from contract/.
 */
import {
  EXPECTED_DEFAULT_SCALE_LIMITS as LIMITS,
  EXPECTED_PG_CONNECTIONS_PER_POD as POOL,
  EXPECTED_PG_HEADROOM as HEADROOM,
} from "../helpers/kodus-expected";
import { EXPECTED_LLM_CLIENT_ENV, kodusTrustsJsonSchema } from "../helpers/kodus-expected";
import { CHART_DIR, EXPLICIT_SECRET_FLAGS, EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, find, helm, podSpec, render, tryRender, type K8sObject } from "./helm";
import { EXPECTED_RABBITMQ, EXPECTED_SETTINGS } from "../helpers/kodus-expected";

/** Every secret given, so an offline render needs no cluster to read generated ones back. */
const MINIMAL_VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };

const BACKEND = ["api", "worker", "webhooks"] as const;
/** The back-end components holding the Chutes key (the webhooks service does not). */
const LLM_CLIENTS = BACKEND.filter((c) => EXPECTED_LLM_CLIENT_ENV[c].length > 0);
const defaults = render({ values: MINIMAL_VALUES });
const sts = (objects: K8sObject[], store: string) => podSpec(find(objects, "StatefulSet", `kodus-${store}`));
const env = (objects: K8sObject[], component: string) => find(objects, "ConfigMap", `kodus-${component}-env`).data;
/** NOTES.txt as `helm install --dry-run` prints it (`helm template` does not render notes). */
function notes(flags: string[]): string {
  const r = helm(["install", "kodus", CHART_DIR, "--dry-run=client", "--namespace", "kodus", ...flags]);
  expect(r.status).toBe(0);
  return r.stdout.slice(r.stdout.indexOf("NOTES:"));
}

describe("1-3. RabbitMQ: init-definitions.sh, the cookie fix, its memory limit, compose's heartbeat", () => {
  test("the container runs the script that creates the kodus-ai vhost", () => {
    expect(sts(defaults, "rabbitmq").containers[0].command).toEqual(["/usr/local/bin/init-definitions.sh"]);
  });

  test("an init container makes .erlang.cookie 0600 again after the kubelet's fsGroup change", () => {
    const spec = sts(defaults, "rabbitmq");
    expect(spec.securityContext.fsGroup).toBe(999);
    expect(spec.initContainers).toHaveLength(1);
    const init = spec.initContainers[0];
    expect(init.command.join(" ")).toContain('chmod 600 "$c"');
    expect(init.command.join(" ")).toContain("c=/var/lib/rabbitmq/.erlang.cookie");
    expect(init.volumeMounts).toEqual(expect.arrayContaining([{ name: "data", mountPath: "/var/lib/rabbitmq" }]));
  });

  test("total_memory_available_override_value is the memory limit in bytes, mounted into conf.d", () => {
    expect(find(defaults, "ConfigMap", "kodus-rabbitmq-conf").data["20-kodus.conf"]).toBe("total_memory_available_override_value = 1073741824\n");
    const c = sts(defaults, "rabbitmq").containers[0];
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: "conf", mountPath: "/etc/rabbitmq/conf.d/20-kodus.conf", subPath: "20-kodus.conf", readOnly: true }]));
    expect(c.env).toEqual(expect.arrayContaining([{ name: "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", value: EXPECTED_RABBITMQ.erlArgs }]));
    const bigger = render({ values: { ...MINIMAL_VALUES, dataStores: { resources: { rabbitmq: { limits: { memory: "1.5Gi" } } } } } });
    expect(find(bigger, "ConfigMap", "kodus-rabbitmq-conf").data["20-kodus.conf"]).toBe(`total_memory_available_override_value = ${1.5 * 2 ** 30}\n`);
    const decimal = render({ values: { ...MINIMAL_VALUES, dataStores: { resources: { rabbitmq: { limits: { memory: "2G" } } } } } });
    expect(find(decimal, "ConfigMap", "kodus-rabbitmq-conf").data["20-kodus.conf"]).toBe("total_memory_available_override_value = 2000000000\n");
  });
});

describe("Settings the official installer sets: JWT lifetimes, every git provider's webhook URL", () => {
  test("the API and the worker get both token lifetimes, nobody else", () => {
    const { components, ...lifetimes } = EXPECTED_SETTINGS.jwt;
    for (const c of ["api", "worker", "webhooks", "web"]) {
      for (const [name, value] of Object.entries(lifetimes)) expect([c, name, env(defaults, c)[name]]).toEqual([c, name, (components as readonly string[]).includes(c) ? value : undefined]);
    }
  });
  test("a webhook URL per git provider, Forgejo included", () => {
    for (const [name, path] of Object.entries(EXPECTED_SETTINGS.webhookPaths)) expect(env(defaults, "api")[name]).toBe(`http://localhost:3332${path}`);
  });
});

describe("4. PostgreSQL max_connections from Kodus' pools (api 25 + 5, worker 12, webhooks 8 per pod) at scaleLimits pods", () => {
  const atLimits = (l: { api: number; worker: number; webhooks: number }) => l.api * POOL.api + l.worker * POOL.worker + l.webhooks * POOL.webhooks + POOL.api + HEADROOM;
  test("bundled: default scaleLimits + the migration Job + 20 headroom", () => {
    expect(sts(defaults, "postgres").containers[0].args).toEqual(["-c", `max_connections=${atLimits(LIMITS)}`]);
  });
  test("external: NOTES print the max_connections the external PostgreSQL needs", () => {
    // full values: scaleLimits api 8, worker 5, webhooks 2
    expect(notes(["-f", FULL_VALUES_FILE])).toContain(`need max_connections >= ${atLimits({ api: 8, worker: 5, webhooks: 2 })}`);
    expect(notes(EXPLICIT_SECRET_FLAGS)).toContain(`max_connections=${atLimits(LIMITS)}`);
  });
  test("scaling within scaleLimits (replicas, HPA maxima) leaves PostgreSQL's args alone", () => {
    const objects = render({
      values: { ...MINIMAL_VALUES, replicas: { webhooks: 3 }, autoscaling: { api: { enabled: true, maxReplicas: 6 }, worker: { enabled: true, maxReplicas: 5 } } },
    });
    expect(sts(objects, "postgres").containers[0].args).toEqual(sts(defaults, "postgres").containers[0].args);
  });
  test("an HPA maximum above its scaleLimit fails the render, naming both values", () => {
    const r = tryRender({ values: { ...MINIMAL_VALUES, autoscaling: { api: { enabled: true, maxReplicas: 8 } } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/autoscaling\.api\.maxReplicas \(8\) must not exceed scaleLimits\.api \(6\)/);
  });
});

describe("5, 7, 10. Kodus settings: invite URL, URLs from the Ingress, telemetry", () => {
  test("API_USER_INVITE_BASE_URL is the public URL on the back end; telemetry on by default", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, kodus: { publicUrl: "https://kodus.example.com/" } } });
    for (const c of BACKEND) {
      expect([c, env(objects, c).API_USER_INVITE_BASE_URL, env(objects, c).KODUS_TELEMETRY_DISABLED]).toEqual([c, "https://kodus.example.com", "false"]);
    }
  });

  test("kodus.telemetryDisabled: true sets KODUS_TELEMETRY_DISABLED=true", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, kodus: { telemetryDisabled: true } } });
    for (const c of BACKEND) expect([c, env(objects, c).KODUS_TELEMETRY_DISABLED]).toEqual([c, "true"]);
  });

  test("with an Ingress and no URLs, they come from its hosts", () => {
    const ingress = { enabled: true, webHost: "kodus.example.com", webhooksHost: "hooks.example.com", tlsSecretName: "kodus-tls" };
    const objects = render({ values: { ...MINIMAL_VALUES, ingress } });
    expect(env(objects, "web").NEXTAUTH_URL).toBe("https://kodus.example.com");
    expect(env(objects, "api").API_USER_INVITE_BASE_URL).toBe("https://kodus.example.com");
    expect(env(objects, "api").API_GITHUB_CODE_MANAGEMENT_WEBHOOK).toBe("https://hooks.example.com/github/webhook");
    const plain = render({ values: { ...MINIMAL_VALUES, ingress: { ...ingress, tlsSecretName: undefined } } });
    expect(env(plain, "web").NEXTAUTH_URL).toBe("http://kodus.example.com");
  });

  test("a localhost URL or an underivable wildcard host with an Ingress is rejected", () => {
    const ingress = { enabled: true, webHost: "kodus.example.com", webhooksHost: "hooks.example.com" };
    const local = tryRender({ values: { ...MINIMAL_VALUES, ingress, kodus: { publicUrl: "http://localhost:3000" } } });
    expect(local.status).not.toBe(0);
    expect(local.stderr).toContain("kodus.publicUrl (http://localhost:3000) is a localhost URL while ingress is enabled");
    const wild = tryRender({ values: { ...MINIMAL_VALUES, ingress: { ...ingress, webHost: "*.example.com" } } });
    expect(wild.status).not.toBe(0);
    expect(wild.stderr).toContain("kodus.publicUrl is required when ingress.webHost is a wildcard");
  });
});

describe("8-9. The web's secrets; the stores' probes, resources and pinned MongoDB", () => {
  test("the web reads no JWT secrets and gets no WEB_PORT", () => {
    const web = podSpec(find(defaults, "Deployment", "kodus-web")).containers[0];
    expect(web.env.map((e: any) => e.name).sort()).toEqual(["NEXTAUTH_SECRET", "WEB_NEXTAUTH_SECRET"]);
    expect(env(defaults, "web").WEB_PORT).toBeUndefined();
  });

  test("startup and liveness probes on every store, readiness kept", () => {
    const pg = sts(defaults, "postgres").containers[0];
    expect(pg.livenessProbe.exec.command).toEqual(["pg_isready", "-U", "kodus", "-d", "kodus_db"]);
    expect(pg.startupProbe.exec.command).toEqual(["pg_isready", "-U", "kodus", "-d", "kodus_db"]);
    const mongo = sts(defaults, "mongodb").containers[0];
    expect([mongo.livenessProbe.tcpSocket, mongo.startupProbe.tcpSocket]).toEqual([{ port: 27017 }, { port: 27017 }]);
    expect(mongo.readinessProbe.exec.command).toEqual(["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]);
    const rabbit = sts(defaults, "rabbitmq").containers[0];
    expect([rabbit.livenessProbe.tcpSocket, rabbit.startupProbe.tcpSocket]).toEqual([{ port: 5672 }, { port: 5672 }]);
    expect(rabbit.readinessProbe.exec.command).toEqual(["rabbitmq-diagnostics", "-q", "check_running"]);
  });

  test("resources per store from values; MongoDB pinned to an exact release", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, dataStores: { resources: { mongodb: { limits: { memory: "3Gi" } } } } } });
    expect(sts(objects, "mongodb").containers[0].resources).toEqual({ requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "3Gi" } });
    expect(sts(objects, "mongodb").containers[0].image).toMatch(/^mongo:\d+\.\d+\.\d+$/);
  });
});

describe("11. Kodus' LLM clients stay on Chutes: OPENAI_BASE_URL and API_TRUST_JSON_SCHEMA_BASE_URLS", () => {
  const base = "https://llm.example.com/v1";
  test("exactly the components holding the key get both, valued as Kodus reads them", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, llm: { baseUrl: `${base}/` } } });
    for (const [component, names] of Object.entries(EXPECTED_LLM_CLIENT_ENV)) {
      const e = env(objects, component);
      const got = ["OPENAI_BASE_URL", "API_TRUST_JSON_SCHEMA_BASE_URLS"].filter((n) => e[n] !== undefined);
      expect([component, got]).toEqual([component, [...names]]);
      if (names.length === 0) continue;
      expect(e.OPENAI_BASE_URL).toBe(base);
      expect(kodusTrustsJsonSchema(e.API_TRUST_JSON_SCHEMA_BASE_URLS, base)).toBe(true);
      expect(kodusTrustsJsonSchema(e.API_TRUST_JSON_SCHEMA_BASE_URLS, "https://api.openai.com/v1")).toBe(false);
    }
  });
  test("llm.structuredOutput false leaves the trust list unset, OPENAI_BASE_URL stays", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, llm: { structuredOutput: false } } });
    for (const c of LLM_CLIENTS) {
      expect(env(objects, c).API_TRUST_JSON_SCHEMA_BASE_URLS).toBeUndefined();
      expect(env(objects, c).OPENAI_BASE_URL).toBe("https://llm.chutes.ai/v1");
    }
  });
  test("llm.keepOpenAIClientsOnChutes false leaves OPENAI_BASE_URL unset (BYOK OpenAI organizations)", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, llm: { keepOpenAIClientsOnChutes: false } } });
    for (const c of LLM_CLIENTS) {
      expect(env(objects, c).OPENAI_BASE_URL).toBeUndefined();
      expect(env(objects, c).API_TRUST_JSON_SCHEMA_BASE_URLS).toBe("https://llm.chutes.ai/v1");
    }
  });
  test("with the default-deny egress allow-list on, nothing rendered names api.openai.com (no exception is needed for it)", () => {
    const objects = render({ files: [FULL_VALUES_FILE], flags: EXPLICIT_SECRET_FLAGS });
    expect(objects.filter((o) => o.kind === "NetworkPolicy").length).toBeGreaterThan(0);
    expect(JSON.stringify(objects)).not.toMatch(/openai\.com/);
    for (const c of LLM_CLIENTS) expect(env(objects, c).OPENAI_BASE_URL).toBe("https://llm.chutes.ai/v1");
  });
});
