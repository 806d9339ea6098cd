/**
 * The Helm chart, rendered by the real helm binary: lint, Kubernetes schema validity of every
 * object, and what the chart must guarantee (secrets by reference, probes, hardening, one
 * migrator, drainable PDBs, a preflight hook that can read its key, rotation).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPONENTS, type Component } from "../../contract/kodus-env";
import { SECRET_FORMAT_PATTERNS, SECRET_INPUTS } from "../../contract/secrets";
import { PROXY_ENV_NAMES } from "../../config/proxy";
import {
  CHART_DIR,
  EXPLICIT_SECRET_FLAGS,
  EXPLICIT_SECRET_VALUES,
  FULL_VALUES_FILE,
  MINIMAL_VALUES,
  PROJECT_ROOT,
  TEST_CHUTES_KEY,
  byKind,
  find,
  helm,
  helmBin,
  hookEvents,
  hookWeight,
  isHook,
  namespaceObjects,
  podSpec,
  mergeValues,
  render as renderOffline,
  renderOnCluster,
  secretData,
  tryRender,
  startFakeCluster,
  validateWithKubernetesModels,
  workloads,
  type FakeCluster,
  type K8sObject,
  type RenderOptions,
} from "./helm";
import {
  EXPECTED_ALL_SECRET_ENV,
  EXPECTED_COMPONENTS,
  EXPECTED_OPTIONAL_COMPONENTS, EXPECTED_OPTIONAL_SECRET_INPUTS, EXPECTED_SECRET_ENV, expectedSecretEnv } from "../helpers/kodus-expected";

/** Kodus' own statement of who holds the Chutes key: the components that call the LLM. */
const callsLlm = (c: Component) => (EXPECTED_SECRET_ENV[c] as readonly string[]).includes("API_OPEN_AI_API_KEY");
/** The components a default install runs (full-values.yaml turns the others on too). */
const kodus = COMPONENTS.filter((c) => !(c in EXPECTED_OPTIONAL_COMPONENTS) || EXPECTED_OPTIONAL_COMPONENTS[c as keyof typeof EXPECTED_OPTIONAL_COMPONENTS].enabledByDefault);
let defaults: K8sObject[];
let full: K8sObject[];
let cluster: FakeCluster;
/**
 * Renders as `helm install` does, against a (stand-in) cluster whose namespace exists and holds
 * no Kodus Secret yet: `lookup` works, so the chart may generate the secrets it is not given.
 * (Offline `helm template` refuses to generate them: see gitops.test.ts.) For the tests about
 * those generated secrets.
 */
const renderInstall = (o: RenderOptions = {}) => renderOnCluster(cluster, o);
/**
 * Everything else renders offline (cached by content: deterministic), every secret given as a
 * GitOps render gives them, unless the values name their own; value files render as they are.
 */
const render = (o: RenderOptions = {}) =>
  renderOffline(o.files ? o : { ...o, values: mergeValues({ secrets: { values: EXPLICIT_SECRET_VALUES } }, (o.values ?? {}) as Record<string, unknown>) });


beforeAll(async () => {
  helmBin(); // fails every test below with an install hint if helm is missing
  cluster = await startFakeCluster();
  await cluster.setObjects(namespaceObjects());
  defaults = renderInstall({ values: MINIMAL_VALUES }); // chart mode, only the key given: the chart generates the rest
  full = render({ files: [FULL_VALUES_FILE] });
});

afterAll(() => cluster?.close());

const deployment = (objects: K8sObject[], c: string) => find(objects, "Deployment", `kodus-${c}`);
const container = (objects: K8sObject[], c: string) => podSpec(deployment(objects, c)).containers[0];
/** Hooks of install/upgrade (the preflight's), not `helm test`'s. */
const installHook = (o: K8sObject) => isHook(o) && !hookEvents(o).includes("test");
const migrateJob = (objects: K8sObject[]) => {
  const jobs = byKind(objects, "Job").filter((j) => j.metadata.name.startsWith("kodus-migrate-"));
  expect(jobs).toHaveLength(1);
  return jobs[0];
};
const envByName = (c: any): Record<string, any> => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e]));

describe("helm lint --strict", () => {
  test.each([
    ["chart defaults", []],
    ["defaults + the Chutes key", ["--set-string", `secrets.values.chutes_api_key=${TEST_CHUTES_KEY}`]],
    ["full values", ["-f", FULL_VALUES_FILE]],
  ])("%s", (_name, flags) => {
    const r = helm(["lint", "--strict", CHART_DIR, ...flags]);
    expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining("0 chart(s) failed")]);
  });
});

describe("every rendered object is valid Kubernetes (kubernetes-models)", () => {
  test.each([
    ["defaults", () => defaults],
    ["full values", () => full],
    ["every secret value explicit", () => render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES } } })],
  ])("%s", (_name, objects) => {
    const rendered = objects();
    const results = validateWithKubernetesModels(rendered);
    expect(results).toHaveLength(rendered.length);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
  });

  test("the validator does reject an invalid object (the check can fail)", () => {
    const broken = JSON.parse(JSON.stringify(deployment(defaults, "api")));
    broken.spec.template.spec.containers[0].ports[0].containerPort = "3001";
    expect(validateWithKubernetesModels([broken])[0].error).toMatch(/containerPort must be integer/);
  });

  test("the renders contain what the stack deploys", () => {
    const kinds = (objects: K8sObject[]) => Object.fromEntries([...new Set(objects.map((o) => o.kind))].sort().map((k) => [k, byKind(objects, k).length]));
    expect(kinds(defaults)).toEqual({
      ConfigMap: 10, // 5 component env (no analytics worker by default) + probe + preflight probe (hook) + postgres init + rabbitmq conf + helm test script (test hook)
      CronJob: 1,
      Deployment: 5,
      Job: 2, // migrate + preflight (hook)
      NetworkPolicy: 10, // 5 components + 3 bundled stores + the Chutes probes' egress + the helm test's (test hook)
      Pod: 1, // helm test (test hook)
      PodDisruptionBudget: 4, // not the MCP manager: one replica
      Secret: 2, // Kodus Secret + the preflight's key (hook)
      Service: 8, // 4 components + 3 stores + the worker's health port for helm test (test hook)
      ServiceAccount: 2,
      StatefulSet: 3,
    });
    expect(kinds(full)).toEqual({
      ConfigMap: 9, // 6 component env (the analytics worker on) + probe + preflight probe + helm test script
      CronJob: 1,
      Deployment: 6,
      HorizontalPodAutoscaler: 2,
      Ingress: 1,
      Job: 2,
      NetworkPolicy: 10, // 6 components + the Chutes probes' egress + default deny + egress + the helm test's (test hook)
      Pod: 1,
      PodDisruptionBudget: 4, // webhooks and the analytics worker have 1 replica, the MCP manager 2
      Service: 5,
      ServiceAccount: 2,
    });
  });
});

/** Bundled data stores carry their image tag as version. */
const STORE_VERSIONS: Record<string, string> = { postgres: "pg16", mongodb: "8.3.11", rabbitmq: "4.2.2-kodus" };

describe("labels", () => {
  test.each([["defaults"], ["full"]])("every object carries the app.kubernetes.io labels (%s)", (which) => {
    const objects = which === "defaults" ? defaults : full;
    for (const o of objects) {
      expect([o.kind, o.metadata.name, o.metadata.labels]).toEqual([
        o.kind,
        o.metadata.name,
        expect.objectContaining({
          "app.kubernetes.io/name": "kodus",
          "app.kubernetes.io/instance": "kodus",
          "app.kubernetes.io/component": expect.any(String),
          "app.kubernetes.io/part-of": "kodus",
          "app.kubernetes.io/version": STORE_VERSIONS[o.metadata.labels?.["app.kubernetes.io/component"] ?? ""] ?? (which === "defaults" ? "2.1.28" : "2.1.27"),
          "app.kubernetes.io/managed-by": "Helm",
        }),
      ]);
    }
  });

  test("bundled data stores are versioned by their image, so a Kodus upgrade does not restart them", () => {
    const upgraded = render({ values: { ...MINIMAL_VALUES, kodus: { version: "2.2.0" } } });
    for (const store of ["postgres", "mongodb", "rabbitmq"]) {
      expect(find(upgraded, "StatefulSet", `kodus-${store}`).spec.template).toEqual(find(defaults, "StatefulSet", `kodus-${store}`).spec.template);
    }
  });

  test("the instance label and every name follow the release name", () => {
    const other = render({ values: MINIMAL_VALUES, release: "review-bot" });
    expect(find(other, "Deployment", "review-bot-api").spec.template.metadata.labels["app.kubernetes.io/instance"]).toBe("review-bot");
    expect(other.filter((o) => !o.metadata.name.startsWith("review-bot")).map((o) => o.metadata.name)).toEqual([]);
    expect(find(other, "ConfigMap", "review-bot-web-env").data.WEB_HOSTNAME_API).toBe("review-bot-api");
    expect(find(other, "ConfigMap", "review-bot-api-env").data.API_PG_DB_HOST).toBe("review-bot-postgres");
    expect(find(other, "Secret", "review-bot-secrets")).toBeDefined();
  });
});

test("fullnameOverride renames every object and every reference to one; nameOverride the name label and selectors", () => {
  const objects = render({ values: { ...MINIMAL_VALUES, fullnameOverride: "acme-kodus", nameOverride: "review" }, release: "rel" });
  expect(objects.length).toBeGreaterThan(30);
  expect(objects.filter((o) => o.metadata.name !== "acme-kodus" && !o.metadata.name.startsWith("acme-kodus-")).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  // References follow: the web's API host, the stores, the Secret every secretKeyRef reads.
  expect(find(objects, "ConfigMap", "acme-kodus-web-env").data.WEB_HOSTNAME_API).toBe("acme-kodus-api");
  expect(find(objects, "ConfigMap", "acme-kodus-api-env").data.API_PG_DB_HOST).toBe("acme-kodus-postgres");
  const text = JSON.stringify(objects);
  expect(text).not.toMatch(/"rel-(api|worker|web|webhooks|secrets|postgres|mongodb|rabbitmq|migrate|chutes)/);
  const api = find(objects, "Deployment", "acme-kodus-api");
  expect(api.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "review", "app.kubernetes.io/instance": "rel", "app.kubernetes.io/component": "api" });
  for (const o of objects) expect([o.kind, o.metadata.name, o.metadata.labels?.["app.kubernetes.io/name"]]).toEqual([o.kind, o.metadata.name, "review"]);
  for (const np of byKind(objects, "NetworkPolicy")) expect(JSON.stringify(np.spec)).not.toContain('"app.kubernetes.io/name":"kodus"');
  const bad = tryRender({ values: { ...MINIMAL_VALUES, fullnameOverride: "Acme_Kodus" } });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toContain("/fullnameOverride");
});

test("the longest release name Helm allows (53) still gives valid object names (CronJobs: 52)", () => {
  const release = `${"a".repeat(30)}-${"b".repeat(22)}`;
  const objects = render({ values: MINIMAL_VALUES, release });
  for (const o of objects) {
    const limit = o.kind === "CronJob" ? 52 : 63;
    expect([o.kind, o.metadata.name, o.metadata.name.length <= limit && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.metadata.name)]).toEqual([o.kind, o.metadata.name, true]);
  }
});

describe("secrets", () => {
  test.each([["defaults"], ["full"]])("%s: the components that call the LLM read the Chutes key through secretKeyRef", (which) => {
    const objects = which === "defaults" ? defaults : full;
    const name = which === "defaults" ? "kodus-secrets" : "kodus-from-vault";
    for (const c of (which === "defaults" ? kodus : COMPONENTS).filter(callsLlm)) {
      expect(envByName(container(objects, c)).API_OPEN_AI_API_KEY).toEqual({ name: "API_OPEN_AI_API_KEY", valueFrom: { secretKeyRef: { name, key: "API_OPEN_AI_API_KEY" } } });
    }
  });

  test.each(kodus)("%s gets exactly its secrets, each by secretKeyRef to the same key, none literal", (c) => {
    for (const objects of [defaults, full]) {
      // The full values set kodus.proxy: its plain variables come after the secrets (tested in cluster-features).
      const env = (container(objects, c).env as any[]).filter((e) => ![...PROXY_ENV_NAMES, "NODE_EXTRA_CA_CERTS"].includes(e.name));
      expect(env.map((e) => e.name).sort()).toEqual(expectedSecretEnv(c, "kubernetes").sort());
      for (const e of env) {
        expect(e.value).toBeUndefined();
        expect(e.valueFrom.secretKeyRef.key).toBe(e.name);
      }
    }
  });

  test("chart mode: the Secret has the contract's keys (+ the bundled RabbitMQ password), explicit values verbatim", () => {
    const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES } } });
    const data = secretData(find(objects, "Secret", "kodus-secrets"));
    expect(Object.keys(data).sort()).toEqual([...EXPECTED_ALL_SECRET_ENV, "RABBITMQ_DEFAULT_PASS"].sort());
    expect(data).toMatchObject({
      API_OPEN_AI_API_KEY: EXPLICIT_SECRET_VALUES.chutes_api_key,
      API_CRYPTO_KEY: EXPLICIT_SECRET_VALUES.api_crypto_key,
      NEXTAUTH_SECRET: EXPLICIT_SECRET_VALUES.nextauth_secret,
      WEB_NEXTAUTH_SECRET: EXPLICIT_SECRET_VALUES.nextauth_secret,
      RABBITMQ_DEFAULT_PASS: EXPLICIT_SECRET_VALUES.rabbitmq_password,
      API_RABBITMQ_URI: `amqp://kodus:${EXPLICIT_SECRET_VALUES.rabbitmq_password}@kodus-rabbitmq:5672/kodus-ai`,
    });
  });

  test("chart mode: unset values are generated in the formats Kodus requires", () => {
    const data = secretData(find(defaults, "Secret", "kodus-secrets"));
    const keyOf: Record<string, string> = { chutes_api_key: "API_OPEN_AI_API_KEY", api_jwt_secret: "API_JWT_SECRET", api_jwt_refresh_secret: "API_JWT_REFRESH_SECRET", nextauth_secret: "NEXTAUTH_SECRET", api_crypto_key: "API_CRYPTO_KEY", code_management_secret: "CODE_MANAGEMENT_SECRET", code_management_webhook_token: "CODE_MANAGEMENT_WEBHOOK_TOKEN", postgres_password: "API_PG_DB_PASSWORD", mongodb_password: "API_MG_DB_PASSWORD", rabbitmq_password: "RABBITMQ_DEFAULT_PASS", mcp_manager_encryption_secret: "API_MCP_MANAGER_ENCRYPTION_SECRET" };
    const optional = [...EXPECTED_OPTIONAL_SECRET_INPUTS.kubernetes] as string[];
    for (const input of SECRET_INPUTS.filter((i) => !optional.includes(i.variable))) {
      expect([input.variable, data[keyOf[input.variable]]]).toEqual([input.variable, expect.stringMatching(new RegExp(SECRET_FORMAT_PATTERNS[input.format].regex))]);
    }
    // The optional ones you give yourself are empty until you do (Kodus ignores them then).
    for (const key of ["MONGODB_URI", "RESEND_API_KEY", "API_SMTP_PASS"]) expect([key, data[key]]).toEqual([key, ""]);
    expect(data.WEB_NEXTAUTH_SECRET).toBe(data.NEXTAUTH_SECRET);
    expect(data.API_RABBITMQ_URI).toBe(`amqp://kodus:${data.RABBITMQ_DEFAULT_PASS}@kodus-rabbitmq:5672/kodus-ai`);
    // Kept on uninstall: API_CRYPTO_KEY and the bundled stores' passwords must survive a reinstall.
    expect(find(defaults, "Secret", "kodus-secrets").metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
  });

  test("a key read with --set-file (trailing newline) is trimmed", () => {
    const objects = render({ values: { secrets: { values: { chutes_api_key: `${TEST_CHUTES_KEY}\n` } } } });
    expect(secretData(find(objects, "Secret", "kodus-secrets")).API_OPEN_AI_API_KEY).toBe(TEST_CHUTES_KEY);
    expect(secretData(find(objects, "Secret", "kodus-chutes-preflight")).API_OPEN_AI_API_KEY).toBe(TEST_CHUTES_KEY);
  });

  test("existing mode: no Secret rendered at all; everything references the named Secret", () => {
    expect(byKind(full, "Secret")).toEqual([]);
    const refs = new Set<string>();
    const walk = (node: any) => {
      if (node && typeof node === "object") {
        if (node.secretKeyRef) refs.add(node.secretKeyRef.name);
        Object.values(node).forEach(walk);
      }
    };
    full.forEach(walk);
    expect([...refs]).toEqual(["kodus-from-vault"]);
  });

  test("no secret value given in values appears in any object other than the Secrets", () => {
    const objects = render({ values: { secrets: { values: EXPLICIT_SECRET_VALUES } } });
    const values = Object.values(EXPLICIT_SECRET_VALUES);
    const others = objects.filter((o) => o.kind !== "Secret");
    expect(others.length).toBeGreaterThan(30);
    for (const o of others) {
      const text = JSON.stringify(o);
      for (const v of values) expect([o.kind, o.metadata.name, text.includes(v)]).toEqual([o.kind, o.metadata.name, false]);
    }
    // ...and no ConfigMap has a key the contract calls secret.
    for (const cm of byKind(objects, "ConfigMap")) for (const name of EXPECTED_ALL_SECRET_ENV) expect(cm.data).not.toHaveProperty(name);
  });

  test("rotation, chart mode: a changed value changes the secret hash of every Kodus pod template; same values, same hashes", () => {
    const annotations = (objects: K8sObject[]) => kodus.map((c) => deployment(objects, c).spec.template.metadata.annotations);
    const a = annotations(renderInstall({ values: MINIMAL_VALUES }));
    const again = annotations(renderInstall({ values: MINIMAL_VALUES }));
    const rotated = annotations(renderInstall({ values: { secrets: { values: { chutes_api_key: `${TEST_CHUTES_KEY}.rotated` } } } }));
    expect(again).toEqual(a); // generated values do not churn the pods
    for (let i = 0; i < kodus.length; i++) {
      expect(a[i]["kodus.io/secret-hash"]).toMatch(/^[0-9a-f]{64}$/);
      expect(rotated[i]["kodus.io/secret-hash"]).not.toBe(a[i]["kodus.io/secret-hash"]);
      expect(rotated[i]["kodus.io/config-hash"]).toBe(a[i]["kodus.io/config-hash"]);
    }
  });

  test("rotation, existing mode: secrets.revision is on every Kodus pod template; bumping it changes them", () => {
    for (const c of kodus) {
      const annotations = deployment(full, c).spec.template.metadata.annotations;
      expect(annotations["kodus.io/secrets-revision"]).toBe("3");
      expect(annotations).not.toHaveProperty("kodus.io/secret-hash");
    }
    const bumped = render({ files: [FULL_VALUES_FILE], flags: ["--set", "secrets.revision=4"] });
    for (const c of kodus) expect(deployment(bumped, c).spec.template.metadata.annotations["kodus.io/secrets-revision"]).toBe("4");
  });

  test("a ConfigMap change rolls exactly the pods that read it", () => {
    const changed = render({ values: { ...MINIMAL_VALUES, llm: { model: "moonshotai/Kimi-K2-Instruct" } } });
    for (const c of kodus) {
      const before = deployment(defaults, c).spec.template.metadata.annotations["kodus.io/config-hash"];
      const after = deployment(changed, c).spec.template.metadata.annotations["kodus.io/config-hash"];
      expect([c, after === before]).toEqual([c, !callsLlm(c)]); // only the components that call the LLM have LLM settings
    }
  });
});

describe("Fixed Mode settings", () => {
  test("model and base URL in the ConfigMap of every LLM component, 'chutes/' and trailing slashes stripped", () => {
    for (const c of COMPONENTS.filter(callsLlm)) {
      expect(find(full, "ConfigMap", `kodus-${c}-env`).data).toMatchObject({
        API_LLM_PROVIDER_MODEL: "Qwen/Qwen3-235B-A22B-Instruct-2507-TEE",
        API_OPENAI_FORCE_BASE_URL: "https://llm.chutes.ai/v1",
        API_LLM_TEMPERATURE_OVERRIDE: "0.2",
      });
    }
    expect(find(full, "ConfigMap", "kodus-web-env").data).not.toHaveProperty("API_LLM_PROVIDER_MODEL");
    expect(find(full, "ConfigMap", "kodus-api-env").data.API_GITHUB_CODE_MANAGEMENT_WEBHOOK).toBe("https://hooks.kodus.example.com/github/webhook");
  });

  test("maxConcurrentReviews is split over the most workers there can be", () => {
    // full values: 16 reviews, worker HPA up to 5 → floor(16 / 5) = 3 per worker
    expect(find(full, "ConfigMap", "kodus-worker-env").data.WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH).toBe("3");
    const fixed = render({ values: { ...MINIMAL_VALUES, llm: { maxConcurrentReviews: 9 }, replicas: { worker: 4 } } });
    expect(find(fixed, "ConfigMap", "kodus-worker-env").data.WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH).toBe("2");
    expect(find(defaults, "ConfigMap", "kodus-worker-env").data).not.toHaveProperty("WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH");
  });
});

describe("pods", () => {
  const containersOf = (spec: any): any[] => [...(spec.initContainers ?? []), ...spec.containers];

  test.each([["defaults"], ["full"]])("every pod and container is hardened (%s)", (which) => {
    const objects = which === "defaults" ? defaults : full;
    const pods = workloads(objects);
    expect(pods.length).toBeGreaterThanOrEqual(which === "defaults" ? 10 : 7);
    for (const o of pods) {
      const where = `${o.kind}/${o.metadata.name}`;
      const spec = podSpec(o);
      expect([where, spec.automountServiceAccountToken, spec.securityContext.runAsNonRoot, spec.securityContext.seccompProfile]).toEqual([where, false, true, { type: "RuntimeDefault" }]);
      expect([where, spec.securityContext.runAsUser]).toEqual([where, o.kind === "StatefulSet" ? 999 : 1000]);
      expect(spec.volumes).toEqual(expect.arrayContaining([{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]));
      for (const c of containersOf(spec)) {
        const sc = c.securityContext;
        expect([where, c.name, sc.runAsNonRoot, sc.allowPrivilegeEscalation, sc.privileged, sc.capabilities, sc.seccompProfile]).toEqual([
          where,
          c.name,
          true,
          false,
          false,
          { drop: ["ALL"] },
          { type: "RuntimeDefault" },
        ]);
        // RabbitMQ's entrypoint writes its config under /etc/rabbitmq (as in the stack); its
        // init container (the cookie fix) does not.
        const writableRoot = o.metadata.name === "kodus-rabbitmq" && c.name === "rabbitmq";
        expect([where, c.name, sc.readOnlyRootFilesystem]).toEqual([where, c.name, !writableRoot]);
        expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: "tmp", mountPath: "/tmp" }]));
      }
    }
  });

  test("the ServiceAccounts mount no token", () => {
    for (const sa of byKind(defaults, "ServiceAccount")) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test.each(kodus.map((c) => [c, EXPECTED_COMPONENTS[c].liveness, EXPECTED_COMPONENTS[c].readiness, EXPECTED_COMPONENTS[c].port] as const))(
    "%s probes: startup and liveness on %s, readiness on %s, port %d",
    (c, live, ready, port) => {
      const ctr = container(defaults, c);
      expect(ctr.ports).toEqual([{ name: "http", containerPort: port }]);
      expect(ctr.startupProbe.httpGet).toEqual({ path: live, port });
      expect(ctr.livenessProbe.httpGet).toEqual({ path: live, port });
      expect(ctr.readinessProbe.httpGet).toEqual({ path: ready, port });
      expect(ctr.startupProbe.periodSeconds * ctr.startupProbe.failureThreshold).toBe(EXPECTED_COMPONENTS[c].startupSeconds);
    },
  );

  test("the web gets a writable Next.js cache", () => {
    expect(container(defaults, "web").volumeMounts).toEqual(expect.arrayContaining([{ name: "next-cache", mountPath: "/usr/src/app/apps/web/.next/cache" }]));
    expect(podSpec(deployment(defaults, "web")).volumes).toEqual(expect.arrayContaining([{ name: "next-cache", emptyDir: { sizeLimit: "1Gi" } }]));
  });

  test("the worker's grace period covers its drain: ceil(drainMs / 1000) + 15", () => {
    expect(podSpec(deployment(defaults, "worker")).terminationGracePeriodSeconds).toBe(25 + 15);
    expect(podSpec(deployment(full, "worker")).terminationGracePeriodSeconds).toBe(121 + 15); // 120001 ms
    expect(podSpec(deployment(defaults, "api")).terminationGracePeriodSeconds).toBe(30);
  });

  test("resources come from values (partial overrides keep the other defaults)", () => {
    expect(container(defaults, "api").resources).toEqual({ requests: { cpu: "250m", memory: "768Mi" }, limits: { cpu: "1", memory: "1536Mi" } });
    expect(container(full, "worker").resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "3Gi" } });
  });
});

describe("rollouts", () => {
  test.each(kodus)("%s: replicas from values, never below desired during a rollout", (c) => {
    const d = deployment(defaults, c);
    expect(d.spec.replicas).toBe(c === "mcp-manager" ? 1 : 2); // the MCP manager: one, as the official chart
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": c });
  });

  test("exactly one migrator: the migration Job, a regular object (not a hook), named per release revision", () => {
    const configMaps = Object.fromEntries(byKind(defaults, "ConfigMap").map((cm) => [cm.metadata.name, cm.data]));
    const runsMigrations = (o: K8sObject) =>
      podSpec(o).containers.some(
        (c: any) =>
          (c.env ?? []).some((e: any) => e.name === "RUN_MIGRATIONS" && e.value === "true") ||
          (c.envFrom ?? []).some((f: any) => configMaps[f.configMapRef?.name]?.RUN_MIGRATIONS === "true"),
      );
    for (const objects of [defaults, full]) {
      const migrators = workloads(objects).filter(runsMigrations);
      expect(migrators.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([expect.stringMatching(/^Job\/kodus-migrate-[0-9a-f]{10}$/)]);
      const job = migrators[0];
      expect(isHook(job)).toBe(false);
      const c = podSpec(job).containers[0];
      expect(c.image).toBe(container(objects, "api").image);
      expect(c.args.slice(0, 2)).toEqual(["node", "-e"]);
      expect(c.command).toBeUndefined(); // the image's entrypoint runs the migrations
      expect(envByName(c)).toMatchObject({ RUN_MIGRATIONS: { value: "true" }, RUN_SEEDS: { value: "true" } });
    }
    for (const c of ["api", "worker", "webhooks"]) expect(find(defaults, "ConfigMap", `kodus-${c}-env`).data).toMatchObject({ RUN_MIGRATIONS: "false", RUN_SEEDS: "false" });
  });

  test("bundled mode: the migration waits for the three stores (init container), and that wait works", async () => {
    const job = migrateJob(defaults);
    const init = podSpec(job).initContainers;
    // The wait, then the PostgreSQL extension check (test/stacks/postgres-check.test.ts); external stores: the check only.
    expect(init.map((c: any) => c.name)).toEqual(["wait-for-data-stores", "postgres-extensions"]);
    expect(envByName(init[0]).WAIT_FOR.value).toBe("kodus-postgres:5432 kodus-mongodb:27017 kodus-rabbitmq:5672");
    expect(podSpec(migrateJob(full)).initContainers.map((c: any) => c.name)).toEqual(["postgres-extensions"]);
    // Run the init container's program against a local listener: it must exit 0 once the port answers.
    const { createServer } = await import("node:net");
    const { spawn } = await import("node:child_process");
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const [cmd, ...args] = init[0].command;
      expect(cmd).toBe("node");
      const code = await new Promise<number | null>((r) => {
        const child = spawn(process.execPath, args, { env: { WAIT_FOR: `127.0.0.1:${port}` }, stdio: "ignore" });
        const timer = setTimeout(() => child.kill(), 10_000);
        child.on("exit", (c) => (clearTimeout(timer), r(c)));
      });
      expect(code).toBe(0);
    } finally {
      server.close();
    }
  });

  // Every replica count the schema accepts: a PDB only for multi-replica components, and it always lets one pod go.
  test.each([1, 2, 3, 7, 50])("PDBs never block a node drain (replicas = %d)", (replicas) => {
    const objects = render({
      values: {
        ...MINIMAL_VALUES,
        replicas: Object.fromEntries(kodus.map((c) => [c, replicas])),
        scaleLimits: { api: replicas, worker: replicas, webhooks: replicas, "mcp-manager": replicas, "worker-analytics": replicas },
      },
    });
    for (const c of kodus) {
      const pdb = byKind(objects, "PodDisruptionBudget").find((p) => p.metadata.name === `kodus-${c}`);
      if (replicas === 1) {
        expect(pdb).toBeUndefined();
        continue;
      }
      expect(pdb!.spec.minAvailable).toBeUndefined();
      expect(Math.min(Number(pdb!.spec.maxUnavailable), replicas)).toBeGreaterThanOrEqual(1);
      expect(pdb!.spec.selector.matchLabels).toEqual(deployment(objects, c).spec.selector.matchLabels);
    }
  });

  test("an autoscaled component gets a PDB from its maximum, and the HPA owns its replica count", () => {
    const objects = render({ values: { ...MINIMAL_VALUES, replicas: { api: 1 }, autoscaling: { api: { enabled: true, minReplicas: 1, maxReplicas: 3 } } } });
    expect(find(objects, "PodDisruptionBudget", "kodus-api").spec.maxUnavailable).toBe(1);
    expect(deployment(objects, "api").spec).not.toHaveProperty("replicas");
    const hpas = byKind(full, "HorizontalPodAutoscaler");
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(["kodus-api", "kodus-worker"]);
    expect(find(full, "HorizontalPodAutoscaler", "kodus-api").spec).toMatchObject({ minReplicas: 2, maxReplicas: 8, scaleTargetRef: { kind: "Deployment", name: "kodus-api" } });
    expect(deployment(full, "api").spec).not.toHaveProperty("replicas");
    expect(deployment(full, "web").spec.replicas).toBe(2);
    expect(byKind(defaults, "HorizontalPodAutoscaler")).toEqual([]);
    // The worker scales down one pod per 10 minutes after 15 minutes of lower load (in-flight reviews); the API as Kubernetes does.
    expect(find(full, "HorizontalPodAutoscaler", "kodus-worker").spec.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 900, policies: [{ type: "Pods", value: 1, periodSeconds: 600 }] },
    });
    expect(find(full, "HorizontalPodAutoscaler", "kodus-api").spec.behavior).toBeUndefined();
  });

  test("every PDB lets a node drain evict an unhealthy pod (unhealthyPodEvictionPolicy AlwaysAllow)", () => {
    const pdbs = byKind(full, "PodDisruptionBudget");
    expect(pdbs.length).toBeGreaterThan(0);
    for (const p of pdbs) expect([p.metadata.name, p.spec.unhealthyPodEvictionPolicy]).toEqual([p.metadata.name, "AlwaysAllow"]);
  });

  test("a scaleDown outside Kubernetes' limits is refused by the values schema", () => {
    const r = tryRender({ values: { ...MINIMAL_VALUES, autoscaling: { worker: { enabled: true, scaleDown: { stabilizationWindowSeconds: 900, podsPerPeriod: 1, periodSeconds: 3600 } } } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("/autoscaling/worker/scaleDown/periodSeconds");
  });
});

describe("network and exposure", () => {
  test("NetworkPolicies: API from the web, the worker and the MCP manager; the MCP manager from api, worker and web; the workers from nobody; web and webhooks on their port only", () => {
    const np = (c: string) => find(defaults, "NetworkPolicy", `kodus-${c}`).spec;
    const from = (...cs: string[]) => cs.map((c) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": c } } }));
    expect(np("api").ingress).toEqual([{ ports: [{ port: 3001, protocol: "TCP" }], from: from("web", "worker", "mcp-manager") }]);
    expect(np("mcp-manager").ingress).toEqual([{ ports: [{ port: EXPECTED_COMPONENTS["mcp-manager"].port, protocol: "TCP" }], from: from(...EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].calledBy) }]);
    expect(np("worker")).toMatchObject({ ingress: [], policyTypes: ["Ingress"] });
    expect(find(full, "NetworkPolicy", "kodus-worker-analytics").spec).toMatchObject({ ingress: [], policyTypes: ["Ingress"] });
    expect(np("web").ingress).toEqual([{ ports: [{ port: 3000, protocol: "TCP" }] }]);
    expect(np("webhooks").ingress).toEqual([{ ports: [{ port: 3332, protocol: "TCP" }] }]);
  });

  test("Services for api, web, webhooks and the MCP manager; none for the two workers", () => {
    expect(byKind(full, "Service").filter((s) => !isHook(s)).map((s) => s.metadata.name).sort()).toEqual(["kodus-api", "kodus-mcp-manager", "kodus-web", "kodus-webhooks"]);
    // `helm test` alone brings one for the worker's health port (a test hook, not part of the release).
    expect(byKind(full, "Service").filter(isHook).map((s) => [s.metadata.name, hookEvents(s)])).toEqual([["kodus-worker-health", ["test"]]]);
  });

  test("optional Ingress routes the web and webhooks hosts", () => {
    const ing = find(full, "Ingress", "kodus");
    expect(ing.spec.ingressClassName).toBe("nginx");
    expect(ing.spec.rules.map((r: any) => [r.host, r.http.paths[0].backend.service.name, r.http.paths[0].backend.service.port.number])).toEqual([
      ["kodus.example.com", "kodus-web", 3000],
      ["hooks.kodus.example.com", "kodus-webhooks", 3332],
    ]);
    expect(ing.spec.tls).toEqual([{ hosts: ["kodus.example.com", "hooks.kodus.example.com"], secretName: "kodus-tls" }]);
    expect(ing.metadata.annotations).toMatchObject({ "cert-manager.io/cluster-issuer": "letsencrypt" });
  });
});

describe("data stores", () => {
  test("bundled (default): pgvector, MongoDB and Kodus RabbitMQ StatefulSets, reachable only from the back end and the migration", () => {
    const sts = byKind(defaults, "StatefulSet");
    expect(sts.map((s) => [s.metadata.name, podSpec(s).containers[0].image])).toEqual([
      ["kodus-postgres", "pgvector/pgvector:pg16"],
      ["kodus-mongodb", "mongo:8.3.11"],
      ["kodus-rabbitmq", "ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus"],
    ]);
    expect(find(defaults, "ConfigMap", "kodus-postgres-init").data["10-vector.sql"]).toContain("CREATE EXTENSION IF NOT EXISTS vector");
    const from = (store: string) => find(defaults, "NetworkPolicy", `kodus-${store}`).spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/component"]);
    // The MCP manager uses PostgreSQL only.
    expect(from("postgres")).toEqual(["api", "worker", "webhooks", "mcp-manager", "migrate"]);
    expect(from("mongodb")).toEqual(["api", "worker", "webhooks", "migrate"]);
    expect(from("rabbitmq")).toEqual(["api", "worker", "webhooks", "migrate"]);
    expect(find(defaults, "ConfigMap", "kodus-api-env").data).toMatchObject({ API_PG_DB_HOST: "kodus-postgres", API_MG_DB_HOST: "kodus-mongodb", API_DATABASE_DISABLE_SSL: "true" });
  });

  test("external: hosts and ports from values, no StatefulSets", () => {
    expect(byKind(full, "StatefulSet")).toEqual([]);
    expect(find(full, "ConfigMap", "kodus-api-env").data).toMatchObject({ API_PG_DB_HOST: "pg.internal.example.com", API_PG_DB_PORT: "6432", API_MG_DB_PORT: "27018", API_DATABASE_DISABLE_SSL: "true" });
  });
});

describe("Chutes preflight and periodic check", () => {
  const source = readFileSync(join(PROJECT_ROOT, "probe", "chutes-probe.mjs"), "utf8");
  const preflight = (objects: K8sObject[]) => {
    const jobs = objects.filter((o) => o.kind === "Job" && /^kodus-chutes-preflight-[0-9a-f]{10}$/.test(o.metadata.name));
    expect(jobs).toHaveLength(1);
    return jobs[0];
  };
  const envOf = (o: K8sObject) => Object.fromEntries(podSpec(o).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  test("the chart ships the tested probe byte for byte (npm run chart:sync)", () => {
    expect(readFileSync(join(CHART_DIR, "files", "chutes-probe.mjs"), "utf8")).toBe(source);
    for (const name of ["kodus-chutes-probe", "kodus-chutes-preflight"]) expect(find(defaults, "ConfigMap", name).data).toEqual({ "chutes-probe.mjs": source });
  });

  test("the preflight is a pre-install,pre-upgrade hook; the migration and the Kodus objects are not", () => {
    const job = preflight(defaults);
    expect(hookEvents(job).sort()).toEqual(["pre-install", "pre-upgrade"]);
    expect(job.metadata.annotations?.["helm.sh/hook-delete-policy"]).toBe("before-hook-creation");
    const hooks = defaults.filter(installHook).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(hooks).toEqual(["ConfigMap/kodus-chutes-preflight", `Job/${job.metadata.name}`, "Secret/kodus-chutes-preflight", "ServiceAccount/kodus-chutes-preflight"]);
  });

  test.each([["chart mode", "defaults"], ["existing mode", "full"]])("%s: everything the preflight pod needs exists before it runs", (_mode, which) => {
    const objects = which === "defaults" ? defaults : full;
    const job = preflight(objects);
    const spec = podSpec(job);
    // Created before the Job in the same hook phases: lower weight, same events.
    const before = (kind: string, name: string) => {
      const o = find(objects, kind, name);
      expect([kind, isHook(o), hookEvents(o).sort(), hookWeight(o) < hookWeight(job)]).toEqual([kind, true, hookEvents(job).sort(), true]);
      return o;
    };
    before("ServiceAccount", spec.serviceAccountName);
    const cm = before("ConfigMap", spec.volumes.find((v: any) => v.name === "probe").configMap.name);
    expect(cm.data["chutes-probe.mjs"]).toBe(source);
    const ref = envOf(job).CHUTES_API_KEY.secretKeyRef;
    expect(ref.key).toBe("API_OPEN_AI_API_KEY");
    if (which === "defaults") {
      const secret = before("Secret", ref.name);
      expect(secretData(secret)).toEqual({ API_OPEN_AI_API_KEY: TEST_CHUTES_KEY });
      expect(secret.metadata.annotations?.["helm.sh/hook-delete-policy"]).toContain("hook-succeeded"); // the copy lives only while the check runs
    } else {
      expect(ref.name).toBe("kodus-from-vault"); // yours, created before the install
      expect(byKind(objects, "Secret")).toEqual([]);
    }
  });

  test("preflight: the probe on the API image, no retries, gates on reachability within the timeout", () => {
    const job = preflight(full);
    const c = podSpec(job).containers[0];
    expect(c.command).toEqual(["node", "/opt/kodus-chutes-probe/chutes-probe.mjs"]);
    expect(c.image).toBe(`registry.internal.example.com:5000/mirror/kodustech/kodus-ai-api:2.1.27@sha256:${"1".repeat(64)}`); // full values: mirror + digest
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: "probe", mountPath: "/opt/kodus-chutes-probe", readOnly: true }]));
    expect(podSpec(job).volumes).toEqual(expect.arrayContaining([{ name: "probe", configMap: { name: "kodus-chutes-preflight", defaultMode: 0o444 } }]));
    expect(envOf(job)).toMatchObject({
      PROBE_BASE_URL: "https://llm.chutes.ai/v1",
      PROBE_MODEL: "Qwen/Qwen3-235B-A22B-Instruct-2507-TEE",
      PROBE_TIMEOUT_MS: "45000",
      PROBE_MAX_LATENCY_MS: "45000", // = the timeout: slowness is the periodic check's business
    });
    expect(podSpec(job).restartPolicy).toBe("Never");
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(45 + 600); // room for a cold image pull
  });

  test("CronJob: the schedule, no overlap, no retry storm, bounded history and run time, key from the Kodus Secret", () => {
    const cron = find(full, "CronJob", "kodus-chutes-healthcheck");
    expect(cron.spec).toMatchObject({ schedule: "7 */2 * * 1-5", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 5 });
    expect(cron.spec.startingDeadlineSeconds).toBeGreaterThan(0);
    const job = cron.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    expect(job.activeDeadlineSeconds).toBeGreaterThan(45);
    expect(envOf(cron)).toMatchObject({ PROBE_MAX_LATENCY_MS: "15000", PROBE_TIMEOUT_MS: "45000", CHUTES_API_KEY: { secretKeyRef: { name: "kodus-from-vault", key: "API_OPEN_AI_API_KEY" } } });
    expect(envOf(find(defaults, "CronJob", "kodus-chutes-healthcheck")).CHUTES_API_KEY).toEqual({ secretKeyRef: { name: "kodus-secrets", key: "API_OPEN_AI_API_KEY" } });
    expect(isHook(cron)).toBe(false);
  });

  test("healthcheck.enabled: false removes the preflight, its hooks, the CronJob and the probe", () => {
    const off = render({ values: { ...MINIMAL_VALUES, healthcheck: { enabled: false } } });
    expect(off.filter(installHook)).toEqual([]);
    expect(byKind(off, "CronJob")).toEqual([]);
    expect(byKind(off, "Job").map((j) => j.metadata.name)).toEqual([migrateJob(defaults).metadata.name]);
    expect(byKind(off, "ConfigMap").map((c) => c.metadata.name)).not.toContain("kodus-chutes-probe");
  });

  test("healthcheck.preflight: false (an upgrade during a Chutes outage) skips only the preflight hook; the periodic check stays", () => {
    // Rendered as the defaults are (on the stand-in cluster), so the two can be compared object for object.
    const outage = renderInstall({ values: { ...MINIMAL_VALUES, healthcheck: { preflight: false } } });
    expect(outage.filter((o) => o.metadata.name.startsWith("kodus-chutes-preflight"))).toEqual([]);
    expect(outage.filter(installHook)).toEqual([]);
    expect(find(outage, "CronJob", "kodus-chutes-healthcheck").spec.schedule).toBe("*/15 * * * *");
    expect(find(outage, "ConfigMap", "kodus-chutes-probe").data["chutes-probe.mjs"]).toContain("chat/completions");
    // Nothing else changes: no pod rolls because the gate was skipped.
    const keyed = (objects: K8sObject[]) => objects.filter((o) => !isHook(o) && o.kind !== "Secret").map((o) => JSON.stringify(o)).sort();
    expect(keyed(outage)).toEqual(keyed(defaults));
    const notes = helm(["install", "kodus", CHART_DIR, "--dry-run=client", "--namespace", "kodus", ...EXPLICIT_SECRET_FLAGS, "--set", "healthcheck.preflight=false"]);
    expect(notes.stdout).toContain("The Chutes preflight is off");
    expect(notes.stdout).toContain("kubectl -n kodus get cronjob kodus-chutes-healthcheck");
  });

  test("healthcheck.periodic: false removes only the CronJob and its probe ConfigMap; the preflight still gates", () => {
    const noCron = render({ values: { ...MINIMAL_VALUES, healthcheck: { periodic: false } } });
    expect(byKind(noCron, "CronJob")).toEqual([]);
    expect(noCron.map((o) => o.metadata.name)).not.toContain("kodus-chutes-probe");
    expect(hookEvents(preflight(noCron))).toEqual(["pre-install", "pre-upgrade"]);
  });
});

describe("migration Job under GitOps", () => {
  test("named from what it runs: a new image or database setting is a new Job; the same render is the same Job", () => {
    const name = migrateJob(defaults).metadata.name;
    expect(migrateJob(render({ values: MINIMAL_VALUES })).metadata.name).toBe(name);
    // `helm template` has no revisions: the name must not depend on one.
    const revisionless = helm(["template", "kodus", CHART_DIR, "-n", "kodus", ...EXPLICIT_SECRET_FLAGS]);
    expect(revisionless.stdout).toContain(`name: "${name}"`);
    const bumped = migrateJob(render({ values: { ...MINIMAL_VALUES, kodus: { version: "2.1.29" } } }));
    expect(bumped.metadata.name).not.toBe(name);
    expect(podSpec(bumped).containers[0].image).toBe("ghcr.io/kodustech/kodus-ai-api:2.1.29");
    const pinned = migrateJob(render({ values: { ...MINIMAL_VALUES, images: { digests: { api: `sha256:${"a".repeat(64)}` } } } }));
    expect(pinned.metadata.name).not.toBe(name);
    const otherDb = migrateJob(render({ values: { ...MINIMAL_VALUES, dataStores: { postgres: { database: "kodus_other" } } } }));
    expect(otherDb.metadata.name).not.toBe(name);
    // Settings the migration does not read leave it alone (no re-run for a replica count).
    expect(migrateJob(render({ values: { ...MINIMAL_VALUES, replicas: { web: 3 } } })).metadata.name).toBe(name);
  });

  test("Helm never deletes a migration Job (even a running one) when an upgrade renames it; none expires (an expired Job would run again)", () => {
    for (const objects of [defaults, full]) {
      const job = migrateJob(objects);
      expect(job.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
      expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
      expect(isHook(job)).toBe(false);
    }
  });
});

describe("NOTES.txt", () => {
  test.each([["defaults", EXPLICIT_SECRET_FLAGS], ["full", ["-f", FULL_VALUES_FILE]]])("%s: tells how to check the install", (which, flags) => {
    const r = helm(["install", "kodus", CHART_DIR, "--dry-run=client", "--namespace", "kodus", ...flags]);
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    expect(notes).toMatch(/kubectl -n kodus logs job\/kodus-chutes-preflight-[0-9a-f]{10}\n/);
    expect(notes).toContain("kubectl -n kodus rollout status deployment/kodus-worker");
    expect(notes).toContain("kubectl -n kodus get cronjob kodus-chutes-healthcheck");
    expect(notes).toContain('"status":"ok"');
    expect(notes.includes("dataStores.mode=external")).toBe(which === "defaults");
    expect(notes.includes("secrets.revision=4")).toBe(which === "full");
    expect(notes).not.toContain(TEST_CHUTES_KEY);
  });
});
