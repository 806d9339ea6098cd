/**
 * Day-two behaviour of the chart under Helm, Flux and Argo CD, checked with the real helm:
 * - the migration Job's name covers its whole pod template (a Job's template is immutable);
 * - migrations run before new pods: a pre-upgrade hook after the preflight under Helm/Flux,
 *   an Argo CD Sync hook in a wave before the Deployments', never re-run on a timer;
 * - the preflight Job is named after what it checks (Argo CD runs a named hook once);
 * - volumeClaimTemplates and data-store major-version changes are refused with what to do;
 * - the chart renders as a subchart (Helm passes it `global`).
 * The rules are Kubernetes' (Job spec.template and StatefulSet volumeClaimTemplates are
 * immutable), Helm's (hooks, weights, delete policies) and Argo CD's (hooks, waves).
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CHART_DIR,
  EXPLICIT_SECRET_VALUES,
  find,
  helm,
  hookEvents,
  hookWeight,
  namespaceObjects,
  parseManifests,
  render,
  startFakeCluster,
  tryRenderOnCluster,
  type FakeCluster,
  type K8sObject,
} from "./helm";

const VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };
const jobs = (objects: K8sObject[], prefix: string) => objects.filter((o) => o.kind === "Job" && o.metadata.name.startsWith(prefix));
const migrate = (objects: K8sObject[]) => {
  const found = jobs(objects, "kodus-migrate-");
  expect(found).toHaveLength(1);
  return found[0];
};
const preflight = (objects: K8sObject[]) => {
  const found = jobs(objects, "kodus-chutes-preflight");
  expect(found).toHaveLength(1);
  return found[0];
};
const annotations = (o: K8sObject) => o.metadata.annotations ?? {};

describe("the migration Job's name covers its whole pod template (no 'field is immutable')", () => {
  const base = migrate(render({ values: VALUES })).metadata.name;
  test.each([
    ["resources.api", { resources: { api: { limits: { cpu: "2", memory: "2Gi" } } } }],
    ["scheduling.nodeSelector", { scheduling: { nodeSelector: { "node-pool": "kodus" } } }],
    ["images.pullSecrets", { images: { pullSecrets: ["registry-creds"] } }],
    ["secrets.name", { secrets: { values: EXPLICIT_SECRET_VALUES, name: "kodus-other" } }],
    ["kodus.version", { kodus: { version: "2.1.27" } }],
  ])("%s changes the Job's name", (_what, values) => {
    const changed = migrate(render({ values: { ...VALUES, ...values } }));
    expect(changed.metadata.name).not.toBe(base);
  });
  test("the same values give the same name (a sync that changes nothing re-runs nothing)", () => {
    expect(migrate(render({ values: VALUES })).metadata.name).toBe(base);
  });
  test("scaling does not touch it", () => {
    expect(migrate(render({ values: { ...VALUES, replicas: { api: 4 } } })).metadata.name).toBe(base);
  });
});

describe("migrations run before new pods: Helm/Flux upgrades, Argo CD syncs", () => {
  const upgrade = render({ values: VALUES, flags: ["--is-upgrade"] });
  const install = render({ values: VALUES });

  test("helm upgrade (Flux too): a pre-upgrade hook after the Chutes preflight, re-created (so retried) by the next upgrade", () => {
    const job = migrate(upgrade);
    expect(hookEvents(job)).toEqual(["pre-upgrade"]);
    expect(hookWeight(job)).toBeGreaterThan(hookWeight(preflight(upgrade)));
    expect(annotations(job)["helm.sh/hook-delete-policy"]).toBe("before-hook-creation");
  });

  test("install / Argo CD: a Sync hook in wave 0 that Argo deletes when it failed (retry) and keeps when it succeeded (no re-run); Deployments in wave 1", () => {
    const job = migrate(install);
    expect(hookEvents(job)).toEqual([]); // a regular object: a pre-install hook would run before the bundled stores exist
    expect(annotations(job)).toMatchObject({
      "argocd.argoproj.io/hook": "Sync",
      "argocd.argoproj.io/sync-wave": "0",
      "argocd.argoproj.io/hook-delete-policy": "HookFailed",
    });
    const deployments = install.filter((o) => o.kind === "Deployment");
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) expect([d.metadata.name, Number(annotations(d)["argocd.argoproj.io/sync-wave"])]).toEqual([d.metadata.name, 1]);
  });

  test("nothing re-runs on a timer: the Job the cluster keeps has no ttlSecondsAfterFinished", () => {
    expect(migrate(install).spec.ttlSecondsAfterFinished).toBeUndefined();
  });
});

describe("the preflight costs nothing on a sync that changes nothing", () => {
  const name = (values: object) => preflight(render({ values: { ...VALUES, ...values } })).metadata.name;
  test("named after what it checks: same values, same name; Argo CD keeps a succeeded one and retries a failed one", () => {
    const job = preflight(render({ values: VALUES }));
    expect(job.metadata.name).toBe(name({}));
    expect(annotations(job)).toMatchObject({ "argocd.argoproj.io/hook": "PreSync", "argocd.argoproj.io/hook-delete-policy": "HookFailed" });
  });
  test("a new key, model or secrets revision is a new check", () => {
    const base = name({});
    expect(name({ secrets: { values: { ...EXPLICIT_SECRET_VALUES, chutes_api_key: "cpk_test1111111111111111.helmchart.tests" } } })).not.toBe(base);
    expect(name({ llm: { model: "deepseek-ai/DeepSeek-V3.1" } })).not.toBe(base);
    expect(name({ secrets: { values: EXPLICIT_SECRET_VALUES, revision: 2 } })).not.toBe(base);
    expect(name({ replicas: { api: 3 } })).toBe(base);
  });
});

describe("StatefulSet changes the API or the database cannot apply are refused, saying what to do (helm sees the cluster)", () => {
  let cluster: FakeCluster;
  beforeAll(async () => {
    cluster = await startFakeCluster();
  });
  afterAll(async () => {
    await cluster.close();
  });
  const live = (store: string, image: string, storage = "10Gi", storageClassName?: string) => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: `kodus-${store}`, namespace: "kodus" },
    spec: {
      template: { spec: { containers: [{ name: store, image }] } },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName, resources: { requests: { storage } } } }],
    },
  });
  const current = () => [...namespaceObjects(), live("postgres", "pgvector/pgvector:pg16"), live("mongodb", "mongo:8.3.11"), live("rabbitmq", "ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus")];

  test("an unchanged upgrade renders", async () => {
    await cluster.setObjects(current());
    const r = tryRenderOnCluster(cluster, { values: VALUES, flags: ["--is-upgrade"] });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(parseManifests(r.stdout).some((o) => o.kind === "StatefulSet")).toBe(true);
  });

  test("dataStores.storageSize: refused, with the PVC resize and orphan-delete steps", async () => {
    await cluster.setObjects(current());
    const r = tryRenderOnCluster(cluster, { values: { ...VALUES, dataStores: { storageSize: "20Gi" } }, flags: ["--is-upgrade"] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("volumeClaimTemplates cannot be updated");
    expect(r.stderr).toContain("patch pvc data-kodus-postgres-0");
    expect(r.stderr).toContain("allowVolumeExpansion");
    expect(r.stderr).toContain("delete statefulset kodus-postgres --cascade=orphan");
  });

  test("dataStores.storageClass: refused", async () => {
    await cluster.setObjects(current());
    const r = tryRenderOnCluster(cluster, { values: { ...VALUES, dataStores: { storageClass: "fast-ssd" } }, flags: ["--is-upgrade"] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/storageClass changed for kodus-postgres/);
  });

  test("a data store's image across a major version (PostgreSQL 15 running, 16 rendered): refused with dump/restore advice", async () => {
    await cluster.setObjects([...current().filter((o) => o.metadata.name !== "kodus-postgres"), live("postgres", "pgvector/pgvector:pg15")]);
    const r = tryRenderOnCluster(cluster, { values: VALUES, flags: ["--is-upgrade"] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("moves from major 15");
    expect(r.stderr).toContain("pg_dumpall");
  });

  test("a mirrored or digest-pinned image of the same major is not a major change", async () => {
    await cluster.setObjects([
      ...current().filter((o) => o.metadata.name !== "kodus-mongodb"),
      live("mongodb", "registry.example.com/mongo:8.3.11@sha256:" + "0".repeat(64)),
    ]);
    const r = tryRenderOnCluster(cluster, { values: VALUES, flags: ["--is-upgrade"] });
    expect([r.status, r.stderr]).toEqual([0, ""]);
  });
});

describe("the chart as a subchart (a wrapper chart, as Argo CD users write)", () => {
  test("helm passes `global`: the strict values schema accepts it and the wrapper renders", () => {
    const dir = mkdtempSync(join(tmpdir(), "kodus-wrapper-"));
    mkdirSync(join(dir, "charts"));
    cpSync(CHART_DIR, join(dir, "charts", "kodus-chutes"), { recursive: true });
    writeFileSync(
      join(dir, "Chart.yaml"),
      "apiVersion: v2\nname: wrapper\nversion: 0.0.1\ndependencies:\n  - name: kodus-chutes\n    version: '>=0.0.0'\n",
    );
    writeFileSync(join(dir, "values.yaml"), `global: { team: platform }\nkodus-chutes:\n  secrets:\n    values: ${JSON.stringify(EXPLICIT_SECRET_VALUES)}\n`);
    const r = helm(["template", "kodus", dir, "--namespace", "kodus"], undefined);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(find(parseManifests(r.stdout), "Deployment", "kodus-api").kind).toBe("Deployment");
  });
});
