/**
 * GitOps safety of the chart's generated secrets. Under `helm template` / Argo CD, `lookup`
 * sees no cluster: the chart must refuse to generate secrets there (they would change on every
 * render) and say what to do. Under `helm install`/`upgrade` it must read back what it
 * generated before. The cluster side is proven with a stand-in Kubernetes API server and
 * `helm template --dry-run=server`, which runs `lookup` for real; a mutation test shows that
 * removing the `lookup` from the template breaks these tests.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CHART_DIR,
  EXPLICIT_SECRET_VALUES,
  MINIMAL_VALUES,
  TEST_CHUTES_KEY,
  find,
  helmBin,
  isHook,
  namespaceObjects,
  render,
  renderOnCluster,
  secretData,
  startFakeCluster,
  tryRender,
  tryRenderOnCluster,
  type FakeCluster,
} from "./helm";

/** What a previous install left in the cluster: the chart's Secret, owned by the release. */
const PREVIOUS = {
  API_OPEN_AI_API_KEY: TEST_CHUTES_KEY,
  API_JWT_SECRET: "previousJwtAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  API_JWT_REFRESH_SECRET: "previousRefreshBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
  NEXTAUTH_SECRET: "previousNextauthCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
  WEB_NEXTAUTH_SECRET: "previousNextauthCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
  API_CRYPTO_KEY: "5eed".padEnd(64, "7"),
  CODE_MANAGEMENT_SECRET: "5eed".padEnd(64, "8"),
  CODE_MANAGEMENT_WEBHOOK_TOKEN: "previous_hook-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
  API_PG_DB_PASSWORD: "feed00000000000000000000000000000000000000000001",
  API_MG_DB_PASSWORD: "feed00000000000000000000000000000000000000000002",
  RABBITMQ_DEFAULT_PASS: "feed00000000000000000000000000000000000000000003",
  API_RABBITMQ_URI: "amqp://kodus:feed00000000000000000000000000000000000000000003@kodus-rabbitmq:5672/kodus-ai",
};
const previousSecret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name: "kodus-secrets",
    namespace: "kodus",
    labels: { "app.kubernetes.io/managed-by": "Helm" },
    annotations: { "meta.helm.sh/release-name": "kodus", "meta.helm.sh/release-namespace": "kodus" },
  },
  type: "Opaque",
  data: Object.fromEntries(Object.entries(PREVIOUS).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
};
const kubeSystem = { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } };
const GENERATED_INPUTS = ["api_jwt_secret", "api_jwt_refresh_secret", "nextauth_secret", "api_crypto_key", "code_management_secret", "code_management_webhook_token", "postgres_password", "mongodb_password", "rabbitmq_password"];

let cluster: FakeCluster;
beforeAll(async () => {
  helmBin();
  cluster = await startFakeCluster();
});
afterAll(() => cluster?.close());

const kodusSecret = (objects: ReturnType<typeof render>) => secretData(objects.find((o) => o.kind === "Secret" && !isHook(o) && o.metadata.name === "kodus-secrets")!);

describe("helm template / Argo CD (no cluster): never generate a secret", () => {
  test("a value that would be generated fails the render, naming every such value and the three ways out", () => {
    const r = tryRender({ values: MINIMAL_VALUES });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("helm cannot see the cluster here (helm template, Argo CD, --dry-run=client)");
    for (const input of GENERATED_INPUTS) expect(r.stderr).toContain(`secrets.values.${input}`);
    expect(r.stderr).toContain("secrets.mode=existing");
    expect(r.stderr).toContain("secrets.mode=externalSecret");
  });

  test("only the values still missing are named", () => {
    const r = tryRender({ values: { secrets: { values: { ...EXPLICIT_SECRET_VALUES, api_crypto_key: undefined, rabbitmq_password: undefined } } } });
    expect(r.status).not.toBe(0);
    const named = r.stderr.match(/secrets\.values\.[a-z_]+/g)!.filter((n) => GENERATED_INPUTS.includes(n.slice("secrets.values.".length)));
    expect([...new Set(named)].sort()).toEqual(["secrets.values.api_crypto_key", "secrets.values.rabbitmq_password"]);
  });

  test("with every value set, or a Secret of your own, it renders (and the same values give the same output)", () => {
    const explicit = { secrets: { values: EXPLICIT_SECRET_VALUES } };
    const a = tryRender({ values: explicit });
    expect([a.status, a.stderr]).toEqual([0, ""]);
    expect(tryRender({ values: explicit }).stdout).toBe(a.stdout);
    expect(kodusSecret(render({ values: explicit })).API_CRYPTO_KEY).toBe(EXPLICIT_SECRET_VALUES.api_crypto_key);
    const existing = tryRender({ values: { secrets: { mode: "existing", name: "kodus-own" } } });
    expect([existing.status, existing.stderr]).toEqual([0, ""]);
  });
});

describe("helm install / upgrade (a cluster): lookup reads back what was generated", () => {
  test("upgrade: every generated value is the one already in the cluster's Secret", async () => {
    await cluster.setObjects([...namespaceObjects(), previousSecret]);
    const data = kodusSecret(renderOnCluster(cluster, { values: MINIMAL_VALUES }));
    for (const key of ["API_JWT_SECRET", "API_JWT_REFRESH_SECRET", "NEXTAUTH_SECRET", "WEB_NEXTAUTH_SECRET", "API_CRYPTO_KEY", "CODE_MANAGEMENT_SECRET", "CODE_MANAGEMENT_WEBHOOK_TOKEN", "API_PG_DB_PASSWORD", "API_MG_DB_PASSWORD", "RABBITMQ_DEFAULT_PASS", "API_RABBITMQ_URI"]) {
      expect([key, data[key]]).toEqual([key, PREVIOUS[key as keyof typeof PREVIOUS]]);
    }
    expect(await cluster.requests()).toContain("GET /api/v1/namespaces/kodus/secrets/kodus-secrets");
  });

  test("a value given in values wins over the cluster's (rotation)", async () => {
    await cluster.setObjects([...namespaceObjects(), previousSecret]);
    const rotated = "cafe".padEnd(64, "9");
    const data = kodusSecret(renderOnCluster(cluster, { values: { secrets: { values: { chutes_api_key: TEST_CHUTES_KEY, code_management_secret: rotated } } } }));
    expect([data.CODE_MANAGEMENT_SECRET, data.API_CRYPTO_KEY]).toEqual([rotated, PREVIOUS.API_CRYPTO_KEY]);
  });

  test("first install into an existing namespace: values are generated, in Kodus' formats", async () => {
    await cluster.setObjects(namespaceObjects());
    const data = kodusSecret(renderOnCluster(cluster, { values: MINIMAL_VALUES }));
    expect(data.API_CRYPTO_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(data.API_CRYPTO_KEY).not.toBe(PREVIOUS.API_CRYPTO_KEY);
    expect(Buffer.from(data.API_JWT_SECRET, "base64")).toHaveLength(32);
  });

  test("first install with --create-namespace (the namespace does not exist yet): generated too", async () => {
    await cluster.setObjects([kubeSystem]);
    const r = tryRenderOnCluster(cluster, { values: MINIMAL_VALUES });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(await cluster.requests()).toContain("GET /api/v1/namespaces/kube-system");
  });

  test("a server that holds neither the namespace nor kube-system is not taken for a cluster", async () => {
    await cluster.setObjects([]);
    const r = tryRenderOnCluster(cluster, { values: MINIMAL_VALUES });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("helm cannot see the cluster here");
  });
});

describe("mutation: the tests above catch a chart that stops using lookup", () => {
  /** A copy of the chart with one template edited. */
  function mutant(file: string, from: RegExp, to: string): string {
    const dir = join(mkdtempSync(join(tmpdir(), "kodus-chart-mutant-")), "kodus-chutes");
    cpSync(CHART_DIR, dir, { recursive: true });
    const path = join(dir, "templates", file);
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(from); // the mutation applies
    writeFileSync(path, text.replace(from, to));
    return dir;
  }

  test("without the Secret lookup, an upgrade would replace API_CRYPTO_KEY (the upgrade test fails)", async () => {
    const chart = mutant("secret.yaml", /\(lookup "v1" "Secret" \.Release\.Namespace \$name\)/, "dict");
    await cluster.setObjects([...namespaceObjects(), previousSecret]);
    const data = kodusSecret(renderOnCluster(cluster, { values: MINIMAL_VALUES, chart }));
    expect(data.API_CRYPTO_KEY).not.toBe(PREVIOUS.API_CRYPTO_KEY);
  });

  test("without the cluster check, helm template would generate secrets again (the offline test fails)", () => {
    const chart = mutant("_helpers.tpl", /\{\{- define "kodus\.clusterVisible" -\}\}/, '{{- define "kodus.clusterVisible" -}}true{{- end -}}{{- define "kodus.unusedVisible" -}}');
    const r = tryRender({ values: MINIMAL_VALUES, chart });
    expect(r.status).toBe(0);
    expect(find(render({ values: MINIMAL_VALUES, chart }), "Secret", "kodus-secrets").data.API_CRYPTO_KEY).toBeDefined();
  });
});
