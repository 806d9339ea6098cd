/**
 * The two components the official installer adds (the MCP manager, the analytics worker), in the
 * Docker and the Kubernetes stacks: on or off as the official installer has them, switchable,
 * with the same hardening, probes and policies as the others, and the facts of
 * test/helpers/kodus-expected.ts (never read back from contract/).
 */
import { EXPECTED_COMPONENTS, EXPECTED_OPTIONAL_COMPONENTS, EXPECTED_SECRET_ENV } from "../helpers/kodus-expected";
import { envList, synthStack, type TfJson } from "../helpers/synth";

const MCP = EXPECTED_COMPONENTS["mcp-manager"];
const ANALYTICS = EXPECTED_COMPONENTS["worker-analytics"];
const both = { kodus: { components: { "worker-analytics": { enabled: true } } } };
const mcpOff = { kodus: { components: { "mcp-manager": { enabled: false } } } };
const MCP_VARS = [
  "API_MCP_SERVER_ENABLED",
  "API_KODUS_SERVICE_MCP_MANAGER",
  "API_KODUS_MCP_SERVER_URL",
  "WEB_HOSTNAME_MCP_MANAGER",
  "WEB_PORT_MCP_MANAGER",
];

describe("docker", () => {
  const defaults = synthStack("docker").json;
  const all = synthStack("docker", { ...both, kubernetes: { enabled: false } }).json;
  const off = synthStack("docker", { ...mcpOff, kubernetes: { enabled: false } }).json;
  const container = (json: TfJson, c: string) => json.resource.docker_container[c];

  test("by default the MCP manager runs and the analytics worker does not (the official compose file's defaults)", () => {
    expect(EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].enabledByDefault).toBe(true);
    expect(EXPECTED_OPTIONAL_COMPONENTS["worker-analytics"].enabledByDefault).toBe(false);
    expect(container(defaults, "mcp-manager")).toBeDefined();
    expect(container(defaults, "worker-analytics")).toBeUndefined();
  });

  test("the MCP manager: its image at the Kodus version, its health path, hardened like the API, not published on the host", () => {
    const mcp = container(defaults, "mcp-manager");
    const api = container(defaults, "api");
    expect(defaults.resource.docker_image["image-mcp-manager"].name).toBe(`${MCP.image}:2.1.28`);
    expect(mcp.healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${MCP.port}${MCP.readiness}`);
    expect(mcp.ports).toBeUndefined();
    for (const field of ["restart", "security_opts", "capabilities", "log_driver", "log_opts", "networks_advanced", "stop_timeout", "wait"])
      expect([field, mcp[field]]).toEqual([field, api[field]]);
    expect(mcp.depends_on).toContain("docker_container.api"); // after the API's migrations
  });

  test("the MCP manager gets its own settings, and the API, the worker and the web know where it is", () => {
    const env = envList(container(defaults, "mcp-manager").env);
    expect(env).toMatchObject(EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].env);
    expect(env).toMatchObject({ API_PG_DB_HOST: "kodus-postgres", API_KODUS_MCP_SERVER_URL: "http://kodus-api:3001/mcp" });
    expect(envList(container(defaults, "api").env)).toMatchObject({
      API_KODUS_SERVICE_MCP_MANAGER: `http://kodus-mcp-manager:${MCP.port}`,
      API_MCP_SERVER_ENABLED: "true",
    });
    expect(envList(container(defaults, "worker").env).API_KODUS_SERVICE_MCP_MANAGER).toBe(`http://kodus-mcp-manager:${MCP.port}`);
    expect(envList(container(defaults, "web").env)).toMatchObject({
      WEB_HOSTNAME_MCP_MANAGER: "kodus-mcp-manager",
      WEB_PORT_MCP_MANAGER: String(MCP.port),
    });
    expect(defaults.variable.mcp_manager_encryption_secret).toMatchObject({ sensitive: true, nullable: false });
    expect(env.API_MCP_MANAGER_ENCRYPTION_SECRET).toBe("${var.mcp_manager_encryption_secret}");
  });

  test("switched off: no container, no image, no variable to fill, no MCP setting anywhere", () => {
    expect(container(off, "mcp-manager")).toBeUndefined();
    expect(off.resource.docker_image["image-mcp-manager"]).toBeUndefined();
    expect(off.variable.mcp_manager_encryption_secret).toBeUndefined();
    for (const c of ["api", "worker", "webhooks", "web"])
      expect([c, MCP_VARS.filter((n) => n in envList(container(off, c).env))]).toEqual([c, []]);
  });

  test("the analytics worker, when on: the worker's image (one pull), role analytics, its drain, its secrets, hardened like the worker", () => {
    const analytics = container(all, "worker-analytics");
    const worker = container(all, "worker");
    expect(analytics.image).toBe("${docker_image.image-worker.image_id}");
    expect(all.resource.docker_image["image-worker-analytics"]).toBeUndefined();
    const env = envList(analytics.env);
    expect(env).toMatchObject(EXPECTED_OPTIONAL_COMPONENTS["worker-analytics"].env);
    expect(env.API_WORKER_DRAIN_TIMEOUT_MS).toBe(envList(worker.env).API_WORKER_DRAIN_TIMEOUT_MS);
    expect(analytics.healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${ANALYTICS.port}${ANALYTICS.readiness}`);
    expect(analytics.ports).toBeUndefined();
    for (const field of ["restart", "security_opts", "capabilities", "stop_timeout", "destroy_grace_seconds"])
      expect([field, analytics[field]]).toEqual([field, worker[field]]);
    for (const name of EXPECTED_SECRET_ENV["worker-analytics"]) expect([name, name in env]).toEqual([name, true]);
  });
});

describe("kubernetes", () => {
  const bundled = { kubernetes: { dataStores: { mode: "bundled" as const } } };
  const defaults = synthStack("kubernetes", bundled).json;
  const all = synthStack("kubernetes", { ...bundled, ...both, docker: { enabled: false } }).json;
  const off = synthStack("kubernetes", { ...bundled, ...mcpOff, docker: { enabled: false } }).json;
  const deployment = (json: TfJson, c: string) => json.resource.kubernetes_deployment_v1[c];
  const pod = (json: TfJson, c: string) => deployment(json, c).spec.template.spec;

  test("the MCP manager: one replica, its image, probes on its health path, the same pod hardening as the API", () => {
    const d = deployment(defaults, "mcp-manager");
    expect(d.spec.replicas).toBe("1");
    const ctr = pod(defaults, "mcp-manager").container[0];
    expect(ctr.image).toBe(`${MCP.image}:2.1.28`);
    expect(ctr.startup_probe.http_get).toMatchObject({ path: MCP.liveness, port: String(MCP.port) });
    expect(ctr.readiness_probe.http_get).toMatchObject({ path: MCP.readiness, port: String(MCP.port) });
    const api = pod(defaults, "api");
    expect(ctr.security_context).toEqual(api.container[0].security_context);
    expect(pod(defaults, "mcp-manager").security_context).toEqual(api.security_context);
    expect(pod(defaults, "mcp-manager").automount_service_account_token).toEqual(api.automount_service_account_token);
    expect(defaults.resource.kubernetes_service_v1["mcp-manager"].spec.port[0].port).toBe(MCP.port);
  });

  test("bundled stores: the MCP manager may reach PostgreSQL only", () => {
    const from = (store: string) =>
      defaults.resource.kubernetes_network_policy_v1[store].spec.ingress[0].from.map(
        (f: any) => f.pod_selector.match_labels["app.kubernetes.io/component"],
      );
    expect(from("postgres")).toContain("mcp-manager");
    expect(from("mongodb")).not.toContain("mcp-manager");
    expect(from("rabbitmq")).not.toContain("mcp-manager");
  });

  test("switched off: no MCP manager objects, no Secret key, no MCP setting", () => {
    for (const type of ["kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_network_policy_v1"])
      expect([type, off.resource[type]["mcp-manager"]]).toEqual([type, undefined]);
    expect(off.resource.kubernetes_config_map_v1["env-mcp-manager"]).toBeUndefined();
    expect(off.resource.kubernetes_secret_v1.secret.data_wo).not.toHaveProperty("API_MCP_MANAGER_ENCRYPTION_SECRET");
    expect(off.variable.mcp_manager_encryption_secret).toBeUndefined();
    for (const c of ["api", "worker", "webhooks", "web"])
      expect([c, MCP_VARS.filter((n) => n in off.resource.kubernetes_config_map_v1[`env-${c}`].data)]).toEqual([c, []]);
  });

  test("the analytics worker, when on: no Service, nobody may connect, role analytics, the worker's image and digest, all three stores", () => {
    expect(deployment(all, "worker-analytics")).toBeDefined();
    expect(all.resource.kubernetes_service_v1["worker-analytics"]).toBeUndefined();
    expect(all.resource.kubernetes_network_policy_v1["worker-analytics"].spec.ingress).toEqual([]);
    expect(all.resource.kubernetes_config_map_v1["env-worker-analytics"].data).toMatchObject(
      EXPECTED_OPTIONAL_COMPONENTS["worker-analytics"].env,
    );
    expect(pod(all, "worker-analytics").container[0].liveness_probe.http_get).toMatchObject({
      path: ANALYTICS.liveness,
      port: String(ANALYTICS.port),
    });
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = synthStack("kubernetes", {
      ...both,
      docker: { enabled: false },
      kubernetes: { images: { digests: { worker: digest } } },
    }).json;
    expect(pod(pinned, "worker-analytics").container[0].image).toBe(`${ANALYTICS.image}:2.1.28@${digest}`);
    for (const store of ["postgres", "mongodb", "rabbitmq"]) {
      const from = all.resource.kubernetes_network_policy_v1[store].spec.ingress[0].from.map(
        (f: any) => f.pod_selector.match_labels["app.kubernetes.io/component"],
      );
      expect([store, from.includes("worker-analytics")]).toEqual([store, true]);
    }
  });
});
