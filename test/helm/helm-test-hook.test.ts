/**
 * `helm test`: the rendered test pod, and its program run for real (the script and the probe
 * exactly as the chart's ConfigMap ships them) against local stand-ins for the API, a worker
 * and Chutes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_MODEL, chutesError, startChutesServer, type ChutesServer } from "../probe/chutes-server";
import { EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, TEST_CHUTES_KEY, byKind, find, helmBin, hookEvents, podSpec, render, type K8sObject } from "./helm";

let defaults: K8sObject[];
let full: K8sObject[];
beforeAll(() => {
  helmBin();
  defaults = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES } } });
  full = render({ files: [FULL_VALUES_FILE] });
});

const testPod = (objects: K8sObject[]) => find(objects, "Pod", "kodus-test");
const env = (pod: K8sObject): Record<string, any> => Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe("the helm test hook (rendered)", () => {
  test("a test-hook pod on the API image checks the API, a worker and Chutes with the deployed key", () => {
    for (const [objects, secret] of [[defaults, "kodus-secrets"], [full, "kodus-from-vault"]] as const) {
      const pod = testPod(objects);
      expect(hookEvents(pod)).toEqual(["test"]);
      expect(pod.metadata.annotations?.["helm.sh/hook-delete-policy"]).toBe("before-hook-creation"); // its log stays readable
      const c = pod.spec.containers[0];
      expect(c.image).toBe(podSpec(find(objects, "Deployment", "kodus-api")).containers[0].image);
      expect(c.command).toEqual(["node", "/opt/kodus-test/kodus-helm-test.mjs"]);
      expect(env(pod)).toMatchObject({
        API_HEALTH_URL: "http://kodus-api:3001/health",
        WORKER_HEALTH_URL: "http://kodus-worker-health:3334/health",
        PROBE_PROGRAM: "/opt/kodus-test/chutes-probe.mjs",
        CHUTES_API_KEY: { secretKeyRef: { name: secret, key: "API_OPEN_AI_API_KEY" } },
      });
      expect(pod.spec.restartPolicy).toBe("Never");
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    }
    expect(env(testPod(full))).toMatchObject({ PROBE_MODEL: "Qwen/Qwen3-235B-A22B-Instruct-2507-TEE", PROBE_TIMEOUT_MS: "45000" });
    expect(testPod(full).spec.nodeSelector).toEqual({ "kubernetes.io/os": "linux", "node-pool": "kodus" });
  });

  test("its helpers exist only for the test: a Service on the worker's health port and a NetworkPolicy admitting the test pod", () => {
    const svc = find(defaults, "Service", "kodus-worker-health");
    expect(hookEvents(svc)).toEqual(["test"]);
    expect(svc.spec.selector).toEqual({ "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": "worker" });
    expect(svc.spec.ports).toEqual([{ name: "health", port: 3334, targetPort: 3334, protocol: "TCP" }]);
    const np = find(defaults, "NetworkPolicy", "kodus-test");
    expect(np.spec.podSelector.matchExpressions).toEqual([{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "worker"] }]);
    expect(np.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: testPod(defaults).metadata.labels && { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": "test" } } }]);
    expect(np.spec.ingress[0].ports.map((p: any) => p.port)).toEqual([3001, 3334]);
    for (const o of byKind(defaults, "ConfigMap").filter((c) => c.metadata.name === "kodus-test")) {
      expect(Object.keys(o.data).sort()).toEqual(["chutes-probe.mjs", "kodus-helm-test.mjs"]);
    }
  });
});

describe("the helm test program, run against stand-ins", () => {
  let dir: string;
  let chutes: ChutesServer | undefined;
  const servers: http.Server[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kodus-helm-test-"));
    const cm = find(defaults, "ConfigMap", "kodus-test");
    for (const [file, text] of Object.entries<string>(cm.data)) writeFileSync(join(dir, file), text);
  });
  afterEach(async () => {
    await chutes?.close();
    chutes = undefined;
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.close(r), s.closeAllConnections()))));
  });

  async function healthServer(status: number, body: object): Promise<string> {
    const server = http.createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  }

  async function runTest(opts: { worker?: number; chutesReply?: Parameters<typeof startChutesServer>[0] }) {
    chutes = await startChutesServer(opts.chutesReply ?? {});
    const pod = env(testPod(defaults));
    const childEnv: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      API_HEALTH_URL: await healthServer(200, { status: "ok", info: { rabbitmq: { status: "up" }, database: { status: "up" } } }),
      WORKER_HEALTH_URL: await healthServer(opts.worker ?? 200, { status: opts.worker === 503 ? "error" : "ok" }),
      PROBE_PROGRAM: join(dir, "chutes-probe.mjs"),
      PROBE_BASE_URL: chutes.baseUrl,
      // A model the stand-in's (real, 2026-07) listing has with tools; the chart's default id is not in it.
      PROBE_MODEL: TEST_MODEL,
      PROBE_TIMEOUT_MS: pod.PROBE_TIMEOUT_MS,
      PROBE_MAX_LATENCY_MS: pod.PROBE_MAX_LATENCY_MS,
      CHUTES_API_KEY: TEST_CHUTES_KEY,
    };
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, "kodus-helm-test.mjs")], { env: childEnv });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => resolve({ code, out }));
    });
  }

  test("all healthy: exit 0, every check PASS, the probe's classified line printed, the key never", async () => {
    const { code, out } = await runTest({});
    expect(out).toMatch(/^PASS api: GET http:\/\/127\.0\.0\.1:\d+\/health -> 200/m);
    expect(out).toMatch(/^PASS worker: GET .* -> 200/m);
    expect(out).toMatch(/^PASS chutes: ok$/m);
    const line = out.split("\n").find((l) => l.startsWith("{"))!;
    expect(JSON.parse(line)).toMatchObject({ status: "ok", ok: true, model: TEST_MODEL });
    expect(out).toContain("PASS: 3/3 checks passed");
    expect(out).not.toContain(TEST_CHUTES_KEY);
    expect(code).toBe(0);
    // The probe really asked the stand-in, with the deployed key.
    expect(chutes!.requests.find((r) => r.path === "/v1/chat/completions")?.headers.authorization).toBe(`Bearer ${TEST_CHUTES_KEY}`);
  });

  test("a worker whose consumers are down fails the test, and the other checks still run", async () => {
    const { code, out } = await runTest({ worker: 503 });
    expect(out).toMatch(/^FAIL worker: GET .* -> 503/m);
    expect(out).toMatch(/^PASS chutes: ok$/m);
    expect(out).toContain("FAIL: 2/3 checks passed");
    expect(code).toBe(1);
  });

  test("a key Chutes rejects fails the test with the probe's classification and hint", async () => {
    const { code, out } = await runTest({ chutesReply: { completion: chutesError(401, "Invalid token or user not found") } });
    expect(out).toMatch(/^FAIL chutes: auth_failed \(.+\)$/m);
    expect(JSON.parse(out.split("\n").find((l) => l.startsWith("{"))!)).toMatchObject({ status: "auth_failed", httpStatus: 401 });
    expect(code).toBe(1);
  });
});
