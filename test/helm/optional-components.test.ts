/**
 * The two components the official installer adds, in the chart (test/stacks/optional-components
 * tests the stacks; test/helm/parity.test.ts compares all three field by field): on or off as
 * the official installer has them, switchable, and the Kodus Secret holds the MCP manager's key
 * only while it runs. Facts from test/helpers/kodus-expected.ts, never read back from contract/.
 */
import { EXPECTED_COMPONENTS, EXPECTED_OPTIONAL_COMPONENTS } from "../helpers/kodus-expected";
import { EXPLICIT_SECRET_VALUES, find, podSpec, render, secretData, tryRender, type K8sObject } from "./helm";

const MCP = EXPECTED_COMPONENTS["mcp-manager"];
const ANALYTICS = EXPECTED_COMPONENTS["worker-analytics"];
const SECRETS = { secrets: { values: EXPLICIT_SECRET_VALUES } };
const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const env = (objects: K8sObject[], c: string) => find(objects, "ConfigMap", `kodus-${c}-env`).data;
const MCP_VARS = ["API_MCP_SERVER_ENABLED", "API_KODUS_SERVICE_MCP_MANAGER", "API_KODUS_MCP_SERVER_URL", "WEB_HOSTNAME_MCP_MANAGER", "WEB_PORT_MCP_MANAGER"];

const defaults = render({ values: SECRETS });
const { mcp_manager_encryption_secret: _unused, ...withoutMcpKey } = EXPLICIT_SECRET_VALUES;
const off = render({ values: { kodus: { components: { "mcp-manager": { enabled: false } } }, secrets: { values: withoutMcpKey } } });
const analytics = render({ values: { ...SECRETS, kodus: { components: { "worker-analytics": { enabled: true } } } } });

test("by default: the MCP manager runs, the analytics worker does not", () => {
  expect(EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].enabledByDefault).toBe(true);
  expect(names(defaults)).toEqual(expect.arrayContaining(["Deployment/kodus-mcp-manager", "Service/kodus-mcp-manager", "NetworkPolicy/kodus-mcp-manager"]));
  expect(names(defaults).filter((n) => n.includes("worker-analytics"))).toEqual([]);
});

test("the MCP manager: its image, its probes, one replica, its settings and key; the others know where it is", () => {
  const d = find(defaults, "Deployment", "kodus-mcp-manager");
  expect(d.spec.replicas).toBe(1);
  const ctr = podSpec(d).containers[0];
  expect(ctr.image).toBe(`${MCP.image}:2.1.28`);
  expect(ctr.livenessProbe.httpGet).toEqual({ path: MCP.liveness, port: MCP.port });
  expect(ctr.readinessProbe.httpGet).toEqual({ path: MCP.readiness, port: MCP.port });
  expect(ctr.securityContext).toEqual(podSpec(find(defaults, "Deployment", "kodus-api")).containers[0].securityContext);
  expect(env(defaults, "mcp-manager")).toMatchObject(EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].env);
  expect(env(defaults, "mcp-manager").API_MCP_MANAGER_REDIRECT_URI).toBe("http://localhost:3000/setup/mcp/oauth");
  expect(env(defaults, "api")).toMatchObject({ API_MCP_SERVER_ENABLED: "true", API_KODUS_SERVICE_MCP_MANAGER: `http://kodus-mcp-manager:${MCP.port}` });
  expect(env(defaults, "web")).toMatchObject({ WEB_HOSTNAME_MCP_MANAGER: "kodus-mcp-manager", WEB_PORT_MCP_MANAGER: String(MCP.port) });
  expect(secretData(find(defaults, "Secret", "kodus-secrets")).API_MCP_MANAGER_ENCRYPTION_SECRET).toBe(EXPLICIT_SECRET_VALUES.mcp_manager_encryption_secret);
});

test("the MCP manager switched off: no objects, no Secret key (none required), no MCP setting anywhere", () => {
  expect(names(off).filter((n) => n.includes("mcp-manager"))).toEqual([]);
  expect(secretData(find(off, "Secret", "kodus-secrets"))).not.toHaveProperty("API_MCP_MANAGER_ENCRYPTION_SECRET");
  for (const c of ["api", "worker", "webhooks", "web"]) expect([c, MCP_VARS.filter((n) => n in env(off, c))]).toEqual([c, []]);
});

test("the MCP manager on under helm template without its key: the render refuses to generate one it could not read back", () => {
  const r = tryRender({ values: { secrets: { values: withoutMcpKey } } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("secrets.values.mcp_manager_encryption_secret");
});

test("the analytics worker, when on: role analytics, the worker's image and digest, its probes, nobody may connect, no Service", () => {
  const d = find(analytics, "Deployment", "kodus-worker-analytics");
  const ctr = podSpec(d).containers[0];
  expect(ctr.image).toBe(`${ANALYTICS.image}:2.1.28`);
  expect(ctr.startupProbe.httpGet).toEqual({ path: ANALYTICS.liveness, port: ANALYTICS.port });
  expect(env(analytics, "worker-analytics")).toMatchObject(EXPECTED_OPTIONAL_COMPONENTS["worker-analytics"].env);
  expect(find(analytics, "NetworkPolicy", "kodus-worker-analytics").spec.ingress).toEqual([]);
  expect(names(analytics)).not.toContain("Service/kodus-worker-analytics");
  const digest = `sha256:${"b".repeat(64)}`;
  const pinned = render({ values: { ...SECRETS, kodus: { components: { "worker-analytics": { enabled: true } } }, images: { digests: { worker: digest } } } });
  expect(podSpec(find(pinned, "Deployment", "kodus-worker-analytics")).containers[0].image).toBe(`${ANALYTICS.image}:2.1.28@${digest}`);
});
