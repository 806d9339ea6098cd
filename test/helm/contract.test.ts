/**
 * The chart's generated contract (helm/kodus-chutes/files/contract.json, npm run
 * chart:contract): committed exactly as scripts/chart-contract.ts generates it from contract/,
 * holding what Kodus needs (stated here literally), and rendered by the chart as it says. A
 * contract the chart cannot satisfy (a variable it has no value for, or one it computes that no
 * component gets) fails the render with a message naming the variable.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { PROXY_ENV_NAMES } from "../../config/proxy";
import { buildChartContract, CHART_CONTRACT_FILE } from "../../scripts/chart-contract";
import { EXPECTED_COMPONENTS, EXPECTED_OPTIONAL_COMPONENTS, expectedSecretEnv } from "../helpers/kodus-expected";
import { CHART_DIR, EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, find, helmBin, podSpec, render, tryRender, type K8sObject } from "./helm";

const COMPONENTS = ["api", "worker", "webhooks", "web", "mcp-manager", "worker-analytics"] as const;
type Component = (typeof COMPONENTS)[number];

type Spec = {
  image: string;
  port: number;
  health: { liveness: string; readiness: string };
  startupSeconds: number;
  stopBudget: { kind: "fixed"; seconds: number } | { kind: "drain"; marginSeconds: number };
  service: boolean;
  writablePaths: { name: string; mountPath: string }[];
  peers: { kind: "none" } | { kind: "ingress-controller" } | { kind: "components"; components: string[] };
  optional: boolean;
  digestKey: string;
  dataStores: string[];
  env: { secret: string[]; optionalSecret: string[]; plain: string[]; constants: Record<string, string> };
};
type ChartContract = { generated: string; order: string[]; components: Record<Component, Spec> };

const committed = readFileSync(CHART_CONTRACT_FILE, "utf8");
const contract: ChartContract = JSON.parse(committed);

beforeAll(() => helmBin());

describe("files/contract.json", () => {
  test("the committed file is exactly what scripts/chart-contract.ts generates (npm run chart:contract)", () => {
    expect(CHART_CONTRACT_FILE).toBe(join(CHART_DIR, "files", "contract.json"));
    expect(committed).toBe(buildChartContract());
    expect(contract.generated).toMatch(/npm run chart:contract.*do not edit/);
  });

  test("it holds what each Kodus image needs: image, port, health paths, startup budget, secret env", () => {
    expect(contract.order).toEqual(["api", "worker", "webhooks", "web", "mcp-manager", "worker-analytics"]);
    for (const c of COMPONENTS) {
      const { image, port, liveness, readiness, startupSeconds } = EXPECTED_COMPONENTS[c];
      const spec = contract.components[c];
      expect([c, spec.image, spec.port, spec.health, spec.startupSeconds]).toEqual([c, image, port, { liveness, readiness }, startupSeconds]);
      expect([c, [...spec.env.secret].sort()]).toEqual([c, expectedSecretEnv(c, "kubernetes").sort()]);
      expect(spec.env.plain.filter((n) => spec.env.secret.includes(n))).toEqual([]);
    }
  });

  test("who gets a Service, who may connect, how long each may take to stop, what it may write", () => {
    const { api, worker, webhooks, web } = contract.components;
    expect([api.service, worker.service, webhooks.service, web.service]).toEqual([true, false, true, true]);
    // The web proxies to the API; the worker and the MCP manager reach the MCP server it serves.
    expect(api.peers).toEqual({ kind: "components", components: ["web", "worker", "mcp-manager"] });
    expect(worker.peers).toEqual({ kind: "none" });
    const mcp = contract.components["mcp-manager"];
    const analytics = contract.components["worker-analytics"];
    expect([mcp.service, analytics.service]).toEqual([true, false]);
    expect(mcp.peers).toEqual({ kind: "components", components: EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].calledBy });
    expect(analytics.peers).toEqual({ kind: "none" });
    expect([mcp.optional, analytics.optional, api.optional]).toEqual([true, true, false]);
    // One digest pins the worker image, whichever role runs it.
    expect([analytics.digestKey, mcp.digestKey, worker.digestKey]).toEqual(["worker", "mcp-manager", "worker"]);
    expect(analytics.stopBudget).toEqual({ kind: "drain", marginSeconds: 15 });
    expect([webhooks.peers, web.peers]).toEqual([{ kind: "ingress-controller" }, { kind: "ingress-controller" }]);
    expect(worker.stopBudget).toEqual({ kind: "drain", marginSeconds: 15 });
    for (const spec of [api, webhooks, web]) expect(spec.stopBudget).toEqual({ kind: "fixed", seconds: 30 });
    expect(web.writablePaths).toEqual([{ name: "next-cache", mountPath: "/usr/src/app/apps/web/.next/cache" }]);
    for (const spec of [api, worker, webhooks]) expect(spec.writablePaths).toEqual([]);
  });

  test("plain env names: Fixed Mode on the back end, the worker's role and drain, the web's own", () => {
    for (const c of ["api", "worker"] as const) {
      expect(contract.components[c].env.plain).toEqual(expect.arrayContaining(["API_LLM_PROVIDER_MODEL", "API_OPENAI_FORCE_BASE_URL", "API_LLM_TEMPERATURE_OVERRIDE"]));
    }
    // The webhooks service loads no LLM module.
    expect(contract.components.webhooks.env.plain.filter((n: string) => n.startsWith("API_LLM") || n === "API_OPENAI_FORCE_BASE_URL")).toEqual([]);
    const workerOnly = ["WORKER_ROLE", "API_WORKER_DRAIN_TIMEOUT_MS", "WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH"];
    expect(contract.components.worker.env.plain).toEqual(expect.arrayContaining(workerOnly));
    for (const c of ["api", "webhooks", "web"] as const) expect(contract.components[c].env.plain.filter((n) => workerOnly.includes(n))).toEqual([]);
    expect(contract.components.web.env.plain).toEqual(["WEB_HOSTNAME_MCP_MANAGER", "WEB_PORT_MCP_MANAGER", "WEB_NODE_ENV", "WEB_HOSTNAME_API", "WEB_PORT_API", "HOSTNAME", "NEXTAUTH_URL"]);
    // The workers' roles are contract constants the chart takes as they are.
    expect(contract.components.worker.env.constants.WORKER_ROLE).toBe("code-review");
    expect(contract.components["worker-analytics"].env.constants.WORKER_ROLE).toBe(EXPECTED_OPTIONAL_COMPONENTS["worker-analytics"].env.WORKER_ROLE);
  });
});

/** The settings whose variables are unset by design when the setting is unset. */
const OPTIONAL = { temperature: "API_LLM_TEMPERATURE_OVERRIDE", prefetch: "WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH" };
/** kodus.email (full values set it, defaults do not). */
const EMAIL = ["API_NOTIFICATION_EMAIL_PROVIDER", "API_SMTP_HOST", "API_SMTP_PORT", "API_SMTP_SECURE", "API_SMTP_USER", "API_SMTP_FROM"];

describe.each([
  // Defaults: no temperature, no review limit; worker drain 25000 ms; no ingress-controller namespace.
  // The analytics worker is off by default.
  {
    name: "defaults",
    values: { secrets: { values: EXPLICIT_SECRET_VALUES } },
    optionalSet: false,
    workerGrace: 25 + 15,
    controller: undefined,
    deployed: COMPONENTS.filter((c) => c !== "worker-analytics"),
  },
  // Full values: temperature, maxConcurrentReviews and SMTP e-mail set, drain 120001 ms, a registry mirror, ingress-nginx, every component.
  {
    name: "full values",
    values: parse(readFileSync(FULL_VALUES_FILE, "utf8")),
    optionalSet: true,
    workerGrace: 121 + 15,
    controller: "ingress-nginx",
    deployed: [...COMPONENTS],
  },
])("the chart renders the contract: $name", ({ values, optionalSet, workerGrace, controller, deployed }) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render({ values });
  });
  const container = (c: Component) => podSpec(find(objects, "Deployment", `kodus-${c}`)).containers[0];

  test.each(deployed)("%s: image, port, probes, secret env, plain env names, grace period, writable paths", (c) => {
    const spec = contract.components[c];
    const ctr = container(c);
    const registry = values.images?.registry;
    expect(ctr.image.startsWith(`${registry ? spec.image.replace(/^ghcr\.io/, registry) : spec.image}:`)).toBe(true);
    expect(ctr.ports).toEqual([{ name: "http", containerPort: spec.port }]);
    expect(ctr.startupProbe.httpGet).toEqual({ path: spec.health.liveness, port: spec.port });
    expect(ctr.startupProbe.periodSeconds * ctr.startupProbe.failureThreshold).toBe(spec.startupSeconds);
    expect(ctr.livenessProbe.httpGet).toEqual({ path: spec.health.liveness, port: spec.port });
    expect(ctr.readinessProbe.httpGet).toEqual({ path: spec.health.readiness, port: spec.port });
    // Secret variables by name, each from the same key of the Kodus Secret.
    // (kodus.proxy's plain variables, set in the full values, come after them: test/helm/cluster-features.test.ts.)
    const secretEnv = ctr.env.filter((e: any) => ![...PROXY_ENV_NAMES, "NODE_EXTRA_CA_CERTS"].includes(e.name));
    expect(secretEnv.map((e: any) => e.name)).toEqual(spec.env.secret);
    for (const e of secretEnv) expect(e.valueFrom.secretKeyRef.key).toBe(e.name);
    // The optional ones may be missing from a Secret you manage.
    for (const e of secretEnv) expect([e.name, e.valueFrom.secretKeyRef.optional ?? false]).toEqual([e.name, spec.env.optionalSecret.includes(e.name)]);
    // Plain variables: exactly the contract's, less the optional ones whose setting is unset.
    const data = find(objects, "ConfigMap", `kodus-${c}-env`).data;
    const expected = spec.env.plain.filter((n) => optionalSet || ![...Object.values(OPTIONAL), ...EMAIL].includes(n));
    expect(Object.keys(data).sort()).toEqual([...expected].sort());
    const pod = podSpec(find(objects, "Deployment", `kodus-${c}`));
    expect(pod.terminationGracePeriodSeconds).toBe(spec.stopBudget.kind === "fixed" ? spec.stopBudget.seconds : workerGrace);
    // The full values set caBundle: its read-only mount comes last (test/helm/cluster-features.test.ts).
    expect(ctr.volumeMounts.filter((m: any) => m.name !== "ca-bundle")).toEqual([{ name: "tmp", mountPath: "/tmp" }, ...spec.writablePaths]);
  });

  test("the optional variables are set exactly when their setting is", () => {
    const worker = find(objects, "ConfigMap", "kodus-worker-env").data;
    expect([OPTIONAL.temperature in worker, OPTIONAL.prefetch in worker]).toEqual([optionalSet, optionalSet]);
    if (optionalSet) expect([worker[OPTIONAL.temperature], worker[OPTIONAL.prefetch]]).toEqual(["0.2", String(Math.floor(16 / 5))]);
  });

  test("a Service for each component the contract gives one, on its port; NetworkPolicies from its peers", () => {
    const names = deployed.map((c) => `kodus-${c}`);
    const services = objects.filter((o) => o.kind === "Service" && !o.metadata.annotations?.["helm.sh/hook"] && names.includes(o.metadata.name));
    expect(services.map((s) => s.metadata.name)).toEqual(deployed.filter((c) => contract.components[c].service).map((c) => `kodus-${c}`));
    for (const s of services) expect(s.spec.ports[0].port).toBe(contract.components[s.metadata.name.replace("kodus-", "") as Component].port);
    for (const c of deployed) {
      const { peers, port } = contract.components[c];
      const ingress = find(objects, "NetworkPolicy", `kodus-${c}`).spec.ingress;
      if (peers.kind === "none") {
        expect(ingress).toEqual([]);
        continue;
      }
      expect(ingress[0].ports).toEqual([{ port, protocol: "TCP" }]);
      const from = (ingress[0].from ?? []).map((p: any) => p.podSelector?.matchLabels?.["app.kubernetes.io/component"] ?? p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]);
      expect([c, from]).toEqual([c, peers.kind === "components" ? peers.components : controller ? [controller] : []]);
    }
  });
});

describe("a contract the chart cannot satisfy fails the render, naming the variable", () => {
  const VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };
  /** A copy of the chart with its contract.json edited. */
  function withContract(edit: (c: ChartContract) => void): string {
    const dir = join(mkdtempSync(join(tmpdir(), "kodus-chart-contract-")), "kodus-chutes");
    cpSync(CHART_DIR, dir, { recursive: true });
    const edited: ChartContract = JSON.parse(committed);
    edit(edited);
    writeFileSync(join(dir, "files", "contract.json"), JSON.stringify(edited, null, 2));
    return dir;
  }

  test("a plain variable the chart computes no value for (a new one in contract/kodus-env.ts)", () => {
    const r = tryRender({ values: VALUES, chart: withContract((c) => c.components.web.env.plain.push("KODUS_NEW_SETTING")) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("files/contract.json gives web the plain variable KODUS_NEW_SETTING, but the chart computes no value for it");
  });

  test("a plain variable the chart computes but no component gets (one removed from the contract)", () => {
    const r = tryRender({ values: VALUES, chart: withContract((c) => (c.components.web.env.plain = c.components.web.env.plain.filter((n) => n !== "NEXTAUTH_URL"))) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("computes the plain variable NEXTAUTH_URL, which files/contract.json gives to no component");
  });

  test("a secret variable the chart's Secret has no value for", () => {
    const r = tryRender({ values: VALUES, chart: withContract((c) => c.components.api.env.secret.push("KODUS_NEW_SECRET")) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("files/contract.json names the secret variable KODUS_NEW_SECRET, but the chart's Secret");
  });

  test("what the chart reads from it is not restated anywhere else: an edited row is what renders", () => {
    const chart = withContract((c) => {
      c.components.api.port = 4001;
      c.components.web.health.readiness = "/api/ready";
      c.components.worker.service = true;
      c.components.worker.startupSeconds = 300;
      c.components.webhooks.writablePaths = [{ name: "scratch", mountPath: "/var/scratch" }];
    });
    const objects = render({ values: VALUES, chart });
    const ctr = (c: string) => podSpec(find(objects, "Deployment", `kodus-${c}`)).containers[0];
    expect(ctr("api").ports[0].containerPort).toBe(4001);
    expect(find(objects, "ConfigMap", "kodus-web-env").data.WEB_PORT_API).toBe("4001");
    expect(ctr("web").readinessProbe.httpGet.path).toBe("/api/ready");
    expect(find(objects, "Service", "kodus-worker").spec.ports[0].port).toBe(3334);
    expect(ctr("worker").startupProbe.failureThreshold).toBe(60);
    expect(ctr("webhooks").volumeMounts).toEqual([
      { name: "tmp", mountPath: "/tmp" },
      { name: "scratch", mountPath: "/var/scratch" },
    ]);
  });
});
