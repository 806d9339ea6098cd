/**
 * What real clusters need from the chart, rendered by the real helm: ExternalSecret delivery,
 * scheduling, registries and digests, extra pod metadata, and the values schema's rejections.
 */
import { EXPLICIT_SECRET_FLAGS, EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, MINIMAL_VALUES, byKind, find, helmBin, isHook, podSpec, render, tryRender, workloads, type K8sObject } from "./helm";

beforeAll(() => helmBin());

const ES = { mode: "externalSecret", externalSecret: { secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" }, remoteKey: "kodus/production" } };

describe("secrets.mode=externalSecret (External Secrets Operator)", () => {
  test("an ExternalSecret writes the Secret every Kodus pod reads; the chart renders no Secret and generates nothing", () => {
    const objects = render({ values: { secrets: ES } });
    expect(byKind(objects, "Secret")).toEqual([]);
    const es = byKind(objects, "ExternalSecret").filter((o) => !isHook(o));
    expect(es).toHaveLength(1);
    expect(es[0].apiVersion).toBe("external-secrets.io/v1");
    expect(es[0].spec).toMatchObject({
      secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" },
      target: { name: "kodus-secrets", creationPolicy: "Owner" },
      dataFrom: [{ extract: { key: "kodus/production" } }],
    });
    const api = podSpec(find(objects, "Deployment", "kodus-api")).containers[0];
    expect(api.env.find((e: any) => e.name === "API_CRYPTO_KEY").valueFrom.secretKeyRef).toEqual({ name: "kodus-secrets", key: "API_CRYPTO_KEY" });
  });

  test("per-key data entries win over remoteKey; the preflight gets its own ExternalSecret with the Chutes key alone", () => {
    const values = { secrets: { ...ES, externalSecret: { ...ES.externalSecret, data: { API_OPEN_AI_API_KEY: { key: "chutes", property: "api_key" } } } } };
    const objects = render({ values });
    const main = byKind(objects, "ExternalSecret").find((o) => !isHook(o))!;
    expect(main.spec.data).toEqual([{ secretKey: "API_OPEN_AI_API_KEY", remoteRef: { key: "chutes", property: "api_key" } }]);
    const hook = byKind(objects, "ExternalSecret").find(isHook)!;
    expect(hook.metadata.name).toBe("kodus-chutes-preflight");
    expect(hook.metadata.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
    expect(Number(hook.metadata.annotations?.["helm.sh/hook-weight"])).toBeLessThan(0);
    expect(hook.spec.target.name).toBe("kodus-chutes-preflight");
    expect(hook.spec.data).toEqual([{ secretKey: "API_OPEN_AI_API_KEY", remoteRef: { key: "chutes", property: "api_key" } }]);
    expect(hook.spec.dataFrom).toBeUndefined();
    const preflight = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-chutes-preflight-"))!;
    expect(podSpec(preflight).containers[0].env.find((e: any) => e.name === "CHUTES_API_KEY").valueFrom.secretKeyRef).toEqual({ name: "kodus-chutes-preflight", key: "API_OPEN_AI_API_KEY" });
    // Without per-key data the hook reads the Chutes key from remoteKey by its name.
    const byName = byKind(render({ values: { secrets: ES } }), "ExternalSecret").find(isHook)!;
    expect(byName.spec.data).toEqual([{ secretKey: "API_OPEN_AI_API_KEY", remoteRef: { key: "kodus/production", property: "API_OPEN_AI_API_KEY" } }]);
  });

  test.each([
    [{ mode: "externalSecret", externalSecret: { remoteKey: "k" } }, /'\/secrets\/externalSecret\/secretStoreRef': missing property 'name'/],
    [{ mode: "externalSecret", externalSecret: { secretStoreRef: { name: "s" } } }, /'\/secrets\/externalSecret': 'anyOf' failed/],
    [{ ...ES, externalSecret: { ...ES.externalSecret, secretStoreRef: { name: "s", kind: "Vault" } } }, /'\/secrets\/externalSecret\/secretStoreRef\/kind'/],
    [{ ...ES, externalSecret: { ...ES.externalSecret, data: { API_CRYPTOKEY: { key: "x" } } } }, /additional properties 'API_CRYPTOKEY'/],
    [{ ...ES, externalSecret: { ...ES.externalSecret, refreshInterval: "hourly" } }, /'\/secrets\/externalSecret\/refreshInterval'/],
  ])("rejected: %j", (secrets, message) => {
    const r = tryRender({ values: { secrets } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe("scheduling, registries, digests and pod metadata", () => {
  let full: K8sObject[];
  beforeAll(() => {
    full = render({ files: [FULL_VALUES_FILE] });
  });

  test("every pod of the release gets the node selector, tolerations, affinity, priority class and pull secrets", () => {
    const pods = workloads(full);
    expect(pods.length).toBeGreaterThanOrEqual(6);
    for (const w of pods) {
      const spec = podSpec(w);
      expect([w.metadata.name, spec.nodeSelector]).toEqual([w.metadata.name, { "kubernetes.io/os": "linux", "node-pool": "kodus" }]);
      expect(spec.tolerations).toEqual([
        { key: "dedicated", operator: "Equal", value: "kodus", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 120 },
      ]);
      expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] });
      expect(spec.priorityClassName).toBe("kodus-critical");
      expect(spec.imagePullSecrets).toEqual([{ name: "mirror-credentials" }]);
    }
  });

  test("topologySpreadConstraints replace the default spread, each with its component's own selector", () => {
    const api = podSpec(find(full, "Deployment", "kodus-api")).topologySpreadConstraints;
    expect(api).toEqual([
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": "api" } } },
      { maxSkew: 2, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", minDomains: 2, labelSelector: { matchLabels: { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": "api" } } },
    ]);
    expect(podSpec(find(full, "Deployment", "kodus-web")).topologySpreadConstraints[1].labelSelector.matchLabels["app.kubernetes.io/component"]).toBe("web");
    const plain = render({ flags: EXPLICIT_SECRET_FLAGS });
    expect(podSpec(find(plain, "Deployment", "kodus-worker")).topologySpreadConstraints).toEqual([
      // pod-template-hash: during a rollout only the new ReplicaSet's pods count for the skew.
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", matchLabelKeys: ["pod-template-hash"], labelSelector: { matchLabels: { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": "worker" } } },
    ]);
    expect(podSpec(find(plain, "Deployment", "kodus-worker")).nodeSelector).toBeUndefined();
  });

  test("a registry mirror repoints every image; digests pin the Kodus images", () => {
    const images = workloads(full).flatMap((w) => podSpec(w).containers.map((c: any) => c.image));
    for (const image of images) expect(image.startsWith("registry.internal.example.com:5000/mirror/kodustech/")).toBe(true);
    expect(podSpec(find(full, "Deployment", "kodus-api")).containers[0].image).toBe(
      `registry.internal.example.com:5000/mirror/kodustech/kodus-ai-api:2.1.27@sha256:${"1".repeat(64)}`,
    );
    expect(podSpec(find(full, "Deployment", "kodus-worker")).containers[0].image).toBe("registry.internal.example.com:5000/mirror/kodustech/kodus-ai-worker:2.1.27");
    // Bundled stores: docker.io names (official ones under library/) and ghcr.io alike.
    const bundled = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set-string", "images.registry=mirror.example.com"] });
    const storeImage = (name: string) => podSpec(find(bundled, "StatefulSet", name)).containers[0].image;
    expect([storeImage("kodus-postgres"), storeImage("kodus-mongodb"), storeImage("kodus-rabbitmq")]).toEqual([
      "mirror.example.com/pgvector/pgvector:pg16",
      "mirror.example.com/library/mongo:8.3.11",
      "mirror.example.com/kodustech/kodus-rabbitmq:4.2.2-kodus",
    ]);
  });

  test("pods.<component> adds labels and annotations to that component only; the selector labels cannot be overridden", () => {
    const tpl = (c: string) => find(full, "Deployment", `kodus-${c}`).spec.template.metadata;
    expect(tpl("api").labels.team).toBe("platform");
    expect(tpl("api").annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "3001" });
    expect(tpl("worker").labels["cost-center"]).toBe("reviews");
    expect(tpl("web").labels.team).toBeUndefined();
    const clash = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set-string", "pods.api.labels.app\\.kubernetes\\.io/component=hijack"] });
    expect(find(clash, "Deployment", "kodus-api").spec.template.metadata.labels["app.kubernetes.io/component"]).toBe("api");
  });

  test.each([
    [["--set", "scheduling.tolerations[0].effect=NoWhere"], /'\/scheduling\/tolerations\/0\/effect'/],
    [["--set", "scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=k", "--set", "scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Like"], /matchExpressions\/0\/operator'/],
    [["--set", "scheduling.affinity.nodeAfinity.x=1"], /additional properties 'nodeAfinity'/],
    [["--set", "scheduling.topologySpreadConstraints[0].maxSkew=1", "--set", "scheduling.topologySpreadConstraints[0].topologyKey=zone"], /missing property 'whenUnsatisfiable'/],
    [["--set", "scheduling.topologySpreadConstraints[0].maxSkew=1", "--set", "scheduling.topologySpreadConstraints[0].topologyKey=zone", "--set", "scheduling.topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway", "--set", "scheduling.topologySpreadConstraints[0].labelSelector.matchLabels.a=b"], /additional properties 'labelSelector'/],
    [["--set-string", "scheduling.priorityClassName=Not_A_Name"], /'\/scheduling\/priorityClassName'/],
    [["--set-string", "scheduling.nodeSelector.pool=bad value"], /'\/scheduling\/nodeSelector\/pool'/],
    [["--set-string", "images.registry=https://registry.example.com"], /'\/images\/registry'/],
    [["--set-string", "images.digests.api=sha256:abc"], /'\/images\/digests\/api'/],
    [["--set-string", "images.digests.mongo=sha256:abc"], /additional properties 'mongo'/],
    [["--set", "images.pullSecrets[0]=Bad_Name"], /'\/images\/pullSecrets\/0'/],
    [["--set-string", "pods.api.labels.team=has spaces"], /'\/pods\/api\/labels\/team'/],
    [["--set-string", "pods.scheduler.labels.a=b"], /additional properties 'scheduler'/],
  ])("rejected before rendering: %j", (flags, message) => {
    const r = tryRender({ flags: [...EXPLICIT_SECRET_FLAGS, ...(flags as string[])] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe("network policies", () => {
  let full: K8sObject[];
  let plain: K8sObject[];
  beforeAll(() => {
    full = render({ files: [FULL_VALUES_FILE] });
    plain = render({ flags: EXPLICIT_SECRET_FLAGS });
  });
  const np = (objects: K8sObject[], name: string) => find(objects, "NetworkPolicy", name);
  const release = { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus" };

  test("defaultDeny: every pod of the release is selected and denied both ways; egress only where Kodus needs it", () => {
    const deny = np(full, "kodus-default-deny");
    expect(deny.spec).toEqual({ podSelector: { matchLabels: release }, policyTypes: ["Ingress", "Egress"] });
    // Every pod the release runs carries the selected labels (hooks and the helm test included).
    const pods = [...workloads(full).map((w) => (w.kind === "CronJob" ? w.spec.jobTemplate.spec.template : w.spec.template).metadata.labels), testPodLabels(full)];
    for (const labels of pods) expect(labels).toMatchObject(release);
    const egress = np(full, "kodus-egress").spec;
    expect(egress.policyTypes).toEqual(["Egress"]);
    expect(egress.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
      { to: [{ podSelector: { matchLabels: release } }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }, { ipBlock: { cidr: "fd00:10::/64" } }], ports: [6432, 27018, 5671].map((port) => ({ port, protocol: "TCP" })) },
      // networkPolicy.egress.extra: its CIDR on its own ports only.
      { to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [3128, 7999].map((port) => ({ port, protocol: "TCP" })) },
    ]);
  });

  test("off by default; bundled stores need no external egress rule; a base URL with its own port is allowed on it", () => {
    expect(byKind(plain, "NetworkPolicy").map((p) => p.metadata.name)).not.toContain("kodus-default-deny");
    const bundled = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set", "networkPolicy.defaultDeny=true", "--set-string", "llm.baseUrl=https://llm.example.com:8443/v1"] });
    const rules = np(bundled, "kodus-egress").spec.egress;
    expect(rules).toHaveLength(3);
    expect(rules[2].ports).toEqual([{ port: 443, protocol: "TCP" }, { port: 8443, protocol: "TCP" }]);
    expect(rules[0].to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("kube-system");
  });

  test("web and webhooks admit only the ingress controller when it is named; from anyone when not; the API only from the web, the worker and the MCP manager", () => {
    for (const c of ["web", "webhooks"]) {
      expect(np(full, `kodus-${c}`).spec.ingress[0].from).toEqual([
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } } },
      ]);
      expect(np(plain, `kodus-${c}`).spec.ingress[0].from).toBeUndefined();
    }
    const nsOnly = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set", "networkPolicy.ingressController.namespace=traefik"] });
    expect(np(nsOnly, "kodus-web").spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }]);
    expect(np(full, "kodus-api").spec.ingress[0].from).toEqual(
      ["web", "worker", "mcp-manager"].map((c) => ({ podSelector: { matchLabels: { ...release, "app.kubernetes.io/component": c } } })),
    );
    expect(np(full, "kodus-worker").spec.ingress).toEqual([]);
  });

  test.each([
    [["--set", "networkPolicy.ingressController.podLabels.app=nginx"], /dependentRequired|'namespace'/],
    [["--set-string", "networkPolicy.egress.httpsCidrs[0]=10.0.0.0"], /'\/networkPolicy\/egress\/httpsCidrs\/0'/],
    [["--set-string", "networkPolicy.egress.dataStoreCidrs[0]=10.0.0.0/33"], /'\/networkPolicy\/egress\/dataStoreCidrs\/0'/],
    [["--set-string", "networkPolicy.egress.dnsNamespace=Kube_System"], /'\/networkPolicy\/egress\/dnsNamespace'/],
    [["--set", "networkPolicy.enabled=true"], /additional properties 'enabled'/],
    [["--set-string", "networkPolicy.egress.extra[0].cidr=10.0.0.0", "--set", "networkPolicy.egress.extra[0].ports[0]=22"], /'\/networkPolicy\/egress\/extra\/0\/cidr'/],
    [["--set-string", "networkPolicy.egress.extra[0].cidr=10.0.0.0/8", "--set", "networkPolicy.egress.extra[0].ports[0]=70000"], /'\/networkPolicy\/egress\/extra\/0\/ports\/0'/],
    [["--set-string", "networkPolicy.egress.extra[0].cidr=10.0.0.0/8"], /'\/networkPolicy\/egress\/extra\/0'.*ports/],
  ])("rejected: %j", (flags, message) => {
    const r = tryRender({ flags: [...EXPLICIT_SECRET_FLAGS, ...(flags as string[])] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

function testPodLabels(objects: K8sObject[]): Record<string, string> {
  return find(objects, "Pod", "kodus-test").metadata.labels!;
}

describe("OpenShift: podSecurity.fixedIds false lets the restricted SCC assign the ids", () => {
  const ID_FIELDS = ["runAsUser", "runAsGroup", "fsGroup"];
  /** Every id field set anywhere in an object (pod or container security contexts, init containers included). */
  const idFieldsIn = (node: unknown, path = ""): string[] => {
    if (Array.isArray(node)) return node.flatMap((n, i) => idFieldsIn(n, `${path}[${i}]`));
    if (node === null || typeof node !== "object") return [];
    return Object.entries(node).flatMap(([k, v]) => (ID_FIELDS.includes(k) ? [`${path}.${k}`] : idFieldsIn(v, `${path}.${k}`)));
  };
  const pods = (values: object) => {
    const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES }, dataStores: { mode: "bundled" }, ...values } });
    return [...workloads(objects), ...objects.filter((o) => o.kind === "Pod")].map((o) => ({ name: `${o.kind}/${o.metadata.name}`, spec: o.kind === "Pod" ? o.spec : podSpec(o) }));
  };

  test("by default every pod runs with the images' fixed ids (Kodus 1000, stores 999)", () => {
    const all = pods({});
    expect(all.length).toBeGreaterThan(8);
    for (const p of all) expect([p.name, p.spec.securityContext.runAsUser]).toEqual([p.name, p.name.includes("StatefulSet/") ? 999 : 1000]);
  });

  test("fixedIds false: no id anywhere, runAsNonRoot and seccomp kept on every pod and container", () => {
    const all = pods({ podSecurity: { fixedIds: false } });
    expect(all.length).toBeGreaterThan(8);
    for (const p of all) {
      expect([p.name, idFieldsIn(p.spec)]).toEqual([p.name, []]);
      expect([p.name, p.spec.securityContext]).toEqual([p.name, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }]);
      for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
        expect([p.name, c.name, c.securityContext]).toEqual([p.name, c.name, expect.objectContaining({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } })]);
      }
    }
  });

  test("a value that is not a boolean is refused by the values schema", () => {
    const r = tryRender({ values: { ...MINIMAL_VALUES, podSecurity: { fixedIds: "no" } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("/podSecurity/fixedIds");
  });
});

describe("extra env per component (pods.<component>.env)", () => {
  const proxy = { name: "HTTPS_PROXY", value: "http://proxy.corp.example:3128" };
  const token = { name: "GITLAB_TOKEN", valueFrom: { secretKeyRef: { name: "corp-git", key: "token" } } };
  test("after Kodus' own variables, on that component only", () => {
    const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES }, pods: { worker: { env: [proxy, token] } } } });
    const env = podSpec(find(objects, "Deployment", "kodus-worker")).containers[0].env;
    expect(env.slice(-2)).toEqual([proxy, token]);
    expect(podSpec(find(objects, "Deployment", "kodus-api")).containers[0].env.map((e: { name: string }) => e.name)).not.toContain("HTTPS_PROXY");
  });
  test("a name the chart sets fails the render, naming it", () => {
    const r = tryRender({ values: { secrets: { values: EXPLICIT_SECRET_VALUES }, pods: { worker: { env: [{ name: "WORKER_ROLE", value: "analytics" }] } } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("pods.worker.env[0].name: WORKER_ROLE is set by this chart for worker");
  });
  test("an entry with neither value nor valueFrom is refused by the values schema", () => {
    const r = tryRender({ values: { ...MINIMAL_VALUES, pods: { api: { env: [{ name: "X", valueFrom: {} }] } } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("/pods/api/env/0");
  });
});

test("bundled data stores: images.digests.<store> pins the store's image, init containers included; the tag stays", () => {
  const d = (n: string) => `sha256:${n.repeat(64)}`;
  const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES }, dataStores: { mode: "bundled" }, images: { digests: { mongodb: d("c"), rabbitmq: d("b") } } } });
  const images = (name: string) => {
    const spec = podSpec(find(objects, "StatefulSet", name));
    return [...(spec.initContainers ?? []), ...spec.containers].map((c: { image: string }) => c.image);
  };
  expect(images("kodus-mongodb")).toEqual([expect.stringMatching(/^mongo:8[^@]*@sha256:c{64}$/)]);
  expect(images("kodus-mongodb").every((i: string) => i.endsWith(`@${d("c")}`))).toBe(true);
  expect(images("kodus-rabbitmq").length).toBeGreaterThan(1);
  expect(images("kodus-rabbitmq").every((i: string) => i === `ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus@${d("b")}`)).toBe(true);
  expect(images("kodus-postgres").every((i: string) => !i.includes("@"))).toBe(true);
});

test("pods.<component>.scheduling: each field set replaces the global one for that component only", () => {
  const global = { nodeSelector: { pool: "general" }, tolerations: [{ key: "shared", operator: "Exists", effect: "NoSchedule" }] };
  const gpu = { nodeSelector: { pool: "workers" } };
  const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES }, scheduling: global, pods: { worker: { scheduling: gpu } } } });
  const worker = podSpec(find(objects, "Deployment", "kodus-worker"));
  expect(worker.nodeSelector).toEqual({ pool: "workers" }); // replaced, not merged
  expect(worker.tolerations).toEqual(global.tolerations); // not overridden: the global one
  expect(podSpec(find(objects, "Deployment", "kodus-api")).nodeSelector).toEqual({ pool: "general" });
  expect(podSpec(find(objects, "StatefulSet", "kodus-postgres")).nodeSelector).toEqual({ pool: "general" });
});

describe("corporate proxy (kodus.proxy)", () => {
  const PROXY = ["--set-string", "kodus.proxy.httpsProxy=http://proxy.corp.example:3128", "--set-string", "kodus.proxy.noProxy[0]=.corp.example"];

  test("every Kodus container gets HTTPS_PROXY and NO_PROXY (yours, then localhost and the release's own hosts), upper and lower case", () => {
    const objects = render({ flags: [...EXPLICIT_SECRET_FLAGS, ...PROXY, "--set", "fullnameOverride=corp"] });
    const noProxy = ".corp.example,localhost,127.0.0.1,.svc,.cluster.local,corp-api,corp-mcp-manager";
    const deployments = byKind(objects, "Deployment");
    expect(deployments.length).toBeGreaterThanOrEqual(5);
    for (const d of deployments) {
      const env = (podSpec(d).containers[0].env as { name: string; value?: string }[]).filter((e) => /proxy/i.test(e.name));
      expect([d.metadata.name, env]).toEqual([
        d.metadata.name,
        [
          { name: "HTTPS_PROXY", value: "http://proxy.corp.example:3128" },
          { name: "NO_PROXY", value: noProxy },
          { name: "https_proxy", value: "http://proxy.corp.example:3128" },
          { name: "no_proxy", value: noProxy },
        ],
      ]);
    }
  });

  test.each([
    [["--set-string", "kodus.proxy.httpsProxy=http://user:pw@proxy:3128"], /'\/kodus\/proxy\/httpsProxy'/],
    [["--set-string", "kodus.proxy.noProxy[0]=.corp.example"], /'\/kodus\/proxy'/],
    [["--set-string", "kodus.proxy.httpsProxy=http://proxy:3128", "--set-string", "kodus.proxy.noProxy[0]=a\\,b"], /'\/kodus\/proxy\/noProxy\/0'/],
    [["--set-string", "kodus.proxy.httpsProxy=http://proxy:3128", "--set-string", "pods.worker.env[0].name=HTTPS_PROXY", "--set-string", "pods.worker.env[0].value=x"], /pods\.worker\.env\[0\]\.name: HTTPS_PROXY is set by kodus\.proxy/],
  ])("rejected: %j", (flags, message) => {
    const r = tryRender({ flags: [...EXPLICIT_SECRET_FLAGS, ...(flags as string[])] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe("private CA bundle (caBundle)", () => {
  test("every Kodus container mounts the ConfigMap key read-only (default key ca.crt) and NODE_EXTRA_CA_CERTS names it; root filesystem stays read-only", () => {
    const objects = render({ flags: [...EXPLICIT_SECRET_FLAGS, "--set-string", "caBundle.configMapName=corp-ca"] });
    const deployments = byKind(objects, "Deployment");
    expect(deployments.length).toBeGreaterThanOrEqual(5);
    for (const d of deployments) {
      const pod = podSpec(d);
      const ctr = pod.containers[0];
      expect([d.metadata.name, pod.volumes.filter((v: any) => v.name === "ca-bundle")]).toEqual([
        d.metadata.name,
        [{ name: "ca-bundle", configMap: { name: "corp-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } }],
      ]);
      expect(ctr.volumeMounts.filter((m: any) => m.name === "ca-bundle")).toEqual([{ name: "ca-bundle", mountPath: "/etc/kodus-ca", readOnly: true }]);
      expect(ctr.env.filter((e: any) => e.name === "NODE_EXTRA_CA_CERTS")).toEqual([{ name: "NODE_EXTRA_CA_CERTS", value: "/etc/kodus-ca/ca.crt" }]);
      expect(ctr.securityContext.readOnlyRootFilesystem).toBe(true);
    }
  });

  test.each([
    [["--set-string", "caBundle.configMapName=Corp_CA"], /'\/caBundle\/configMapName'/],
    [["--set-string", "caBundle.configMapName=corp-ca", "--set-string", "caBundle.key=a/b"], /'\/caBundle\/key'/],
    [["--set-string", "caBundle.key=ca.crt"], /'\/caBundle'.*configMapName/],
    [["--set-string", "caBundle.configMapName=corp-ca", "--set-string", "pods.api.env[0].name=NODE_EXTRA_CA_CERTS", "--set-string", "pods.api.env[0].value=/x"], /pods\.api\.env\[0\]\.name: NODE_EXTRA_CA_CERTS is set by caBundle/],
  ])("rejected: %j", (flags, message) => {
    const r = tryRender({ flags: [...EXPLICIT_SECRET_FLAGS, ...(flags as string[])] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
