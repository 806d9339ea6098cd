/**
 * The review on pairs of configurations (and code changes, as edits of the synthesized JSON),
 * in-process: synthesized with the app's own functions, modelled, diffed and rendered. Each
 * test states the report lines a reviewer must see, written out literally.
 */
import type { ConfigInput } from "../../config/schema";
import { synthStack } from "../helpers/synth";
import { modelFromTerraform, modelFromManifests, type DeploymentModel } from "../../review/model";
import { diffModels } from "../../review/diff";
import { EXIT, renderReport } from "../../review/report";
import { forcesReplacement } from "../../review/rules";
import { EXPLICIT_SECRET_VALUES, render } from "../helm/helm";

type Edit = (stack: string, json: any) => void;

/** Both stacks of a config (each synthesized once and cached by the shared helper), optionally edited. */
function synthModel(input: ConfigInput = {}, edit?: Edit): DeploymentModel {
  const enabled = (["docker", "kubernetes"] as const).filter((n) => (input as any)[n]?.enabled !== false);
  return {
    source: "cdktf",
    stacks: enabled.map((n) => {
      const { json } = synthStack(n, input);
      edit?.(n, json);
      return modelFromTerraform(n, json as any);
    }),
  };
}

function review(base: DeploymentModel, head: DeploymentModel, acceptDataLoss = false) {
  const diff = diffModels(base, head);
  const report = renderReport(diff, head, { baseLabel: "base", headLabel: "head", acceptDataLoss });
  return { diff, ...report, lines: report.markdown.split("\n") };
}

const stackOf = (r: ReturnType<typeof review>, name: string) => r.diff.stacks.find((s) => s.name === name)!;

let defaults: DeploymentModel;
beforeAll(() => {
  defaults = synthModel({});
});

test("an unchanged tree: no changes, exit 0", () => {
  const r = review(defaults, synthModel({}));
  expect(r.verdict).toBe("✅ no changes.");
  expect(r.exitCode).toBe(0);
  expect(r.lines).toContain("### stack `docker`: no changes");
  expect(r.lines).toContain("### stack `kubernetes`: no changes");
  // The inventory still describes what deploys.
  expect(r.markdown).toContain("#### worker: Deployment `kodus-worker`");
  expect(r.markdown).toContain("API_OPEN_AI_API_KEY from Secret kodus-secrets / variable chutes_api_key");
});

test("a model change: llm.model A → B, the env variable on the back ends, rolling restarts by config hash", () => {
  const r = review(defaults, synthModel({ llm: { model: "moonshotai/Kimi-K2-Instruct" } }));
  const k8s = stackOf(r, "kubernetes");
  expect(k8s.changes).toContain("llm.model `deepseek-ai/DeepSeek-V3.2-TEE` → `moonshotai/Kimi-K2-Instruct`");
  expect(k8s.changes.find((c) => c.startsWith("API_LLM_PROVIDER_MODEL on api, migrate, worker:"))).toBeDefined();
  const worker = k8s.restarts.find((x) => x.component === "worker")!;
  expect(worker.how).toBe("rolling restart");
  expect(worker.reasons.join(" ")).toContain("config hash");
  expect(worker.reasons.join(" ")).toContain("kodus-worker-env");
  // The web does not read the model: it does not restart.
  expect(k8s.restarts.map((x) => x.component)).not.toContain("web");
  // Docker: env is ForceNew, so the back-end containers are recreated.
  const docker = stackOf(r, "docker");
  expect(docker.restarts.find((x) => x.component === "worker")).toMatchObject({
    how: "recreated (container replaced: downtime)",
    reasons: ["env API_LLM_PROVIDER_MODEL"],
  });
  expect(r.exitCode).toBe(0);
});

test("replicas: worker replicas 2 → 3, scaled without a restart", () => {
  const r = review(defaults, synthModel({ kubernetes: { replicas: { worker: 3 } } }));
  const k8s = stackOf(r, "kubernetes");
  expect(k8s.changes).toContain("worker replicas 2 → 3");
  expect(k8s.restarts).toEqual([]);
  expect(k8s.resources.map((x) => `${x.action} ${x.address}`)).toEqual(["update kubernetes_deployment_v1.worker"]);
  expect(stackOf(r, "docker").status).toBe("unchanged");
});

test("autoscaling shows the HPA range", () => {
  const r = review(
    defaults,
    synthModel({ kubernetes: { autoscaling: { worker: { enabled: true, minReplicas: 2, maxReplicas: 8 } }, scaleLimits: { worker: 8 } } }),
  );
  expect(stackOf(r, "kubernetes").changes).toContain("worker replicas 2 → HPA 2–8 (CPU 70%)");
});

test("a version bump: kodus.version, new images, the migration Job re-runs, containers recreated, no data at risk", () => {
  const r = review(defaults, synthModel({ kodus: { version: "2.1.29" } }));
  const k8s = stackOf(r, "kubernetes");
  expect(k8s.changes).toContain("kodus.version `2.1.28` → `2.1.29`");
  expect(k8s.changes).toContain("worker image `ghcr.io/kodustech/kodus-ai-worker:2.1.28` → `ghcr.io/kodustech/kodus-ai-worker:2.1.29`");
  expect(k8s.restarts.find((x) => x.component === "migrate")?.how).toBe("re-runs (Job replaced)");
  // A name computed by Terraform is shown as written, not as pages of resolved text.
  for (const res of k8s.resources) expect(res.name.length).toBeLessThan(120);
  expect(k8s.restarts.find((x) => x.component === "api")?.reasons).toContain(
    "image ghcr.io/kodustech/kodus-ai-api:2.1.28 → ghcr.io/kodustech/kodus-ai-api:2.1.29",
  );
  const docker = stackOf(r, "docker");
  expect(docker.resources.find((x) => x.address === "docker_container.worker")).toMatchObject({ action: "replace", forcing: ["image"] });
  // The data stores are untouched by a Kodus upgrade.
  expect(docker.resources.map((x) => x.address)).not.toContain("docker_container.postgres");
  expect(r.diff.dataRisks).toEqual([]);
  expect(r.exitCode).toBe(0);
});

test("a secrets revision bump (code change of the variable default) rolls every pod that reads the Secret", () => {
  const head = synthModel({}, (stack, json) => {
    if (stack === "kubernetes") json.variable.secrets_revision.default = 2;
  });
  const r = review(defaults, head);
  const k8s = stackOf(r, "kubernetes");
  expect(k8s.changes).toContain("variable `secrets_revision` default `1` → `2`");
  for (const c of ["api", "worker", "webhooks", "web"]) {
    expect(k8s.restarts.find((x) => x.component === c)?.reasons).toContain("secrets revision 1 → 2 (kodus.io/secrets-revision)");
  }
});

test("an env variable added on two components is one line", () => {
  const head = synthModel({}, (stack, json) => {
    if (stack !== "kubernetes") return;
    for (const cm of ["env-api", "env-worker"])
      json.resource.kubernetes_config_map_v1[cm].data.API_EXAMPLE_NEW_SETTING = "https://kodus.example.com";
  });
  const r = review(defaults, head);
  expect(stackOf(r, "kubernetes").changes).toContain("API_EXAMPLE_NEW_SETTING added to api, migrate, worker (`https://kodus.example.com`)");
});

test("a data-store volume change is flagged as data loss: exit 2, or 0 with --accept-data-loss", () => {
  const bundled = (size: string) =>
    synthModel({ docker: { enabled: false }, kubernetes: { dataStores: { mode: "bundled", storageSize: size } } });
  const r = review(bundled("10Gi"), bundled("20Gi"));
  const postgres = stackOf(r, "kubernetes").resources.find((x) => x.address === "kubernetes_stateful_set_v1.postgres")!;
  expect(postgres.action).toBe("replace");
  expect(postgres.forcing).toEqual(["spec.volume_claim_template.spec.resources.requests.storage"]);
  expect(postgres.dataRisk).toBeDefined();
  expect(r.exitCode).toBe(EXIT.DATA_LOSS);
  expect(r.verdict).toMatch(/^🛑 DATA CAN BE LOST: 3 changes can lose stored data/);
  expect(r.markdown).toContain("🛑 **`kubernetes_stateful_set_v1.postgres`** (StatefulSet `kodus-postgres`) **REPLACED**");
  expect(review(bundled("10Gi"), bundled("20Gi"), true).exitCode).toBe(0);
});

test("a Docker volume renamed is data loss; the database container it replaces is a restart, not a loss", () => {
  const head = synthModel({ kubernetes: { enabled: false } }, (_stack, json) => {
    json.resource.docker_volume["volume-postgres"].name = "kodus-pg-data";
  });
  const r = review(synthModel({ kubernetes: { enabled: false } }), head);
  const docker = stackOf(r, "docker");
  expect(docker.resources.find((x) => x.address === "docker_volume.volume-postgres")).toMatchObject({
    action: "replace",
    dataRisk: "the volume is deleted and created empty",
  });
  expect(docker.resources.find((x) => x.address === "docker_container.postgres")).toMatchObject({ action: "replace" });
  expect(docker.resources.find((x) => x.address === "docker_container.postgres")?.dataRisk).toBeUndefined();
  expect(r.exitCode).toBe(2);
});

test("switching bundled data stores to external destroys the StatefulSets: data loss", () => {
  const r = review(
    synthModel({ docker: { enabled: false }, kubernetes: { dataStores: { mode: "bundled" } } }),
    synthModel({ docker: { enabled: false } }),
  );
  const destroyed = stackOf(r, "kubernetes")
    .resources.filter((x) => x.action === "delete" && x.dataRisk)
    .map((x) => x.address);
  expect(destroyed).toEqual([
    "kubernetes_stateful_set_v1.mongodb",
    "kubernetes_stateful_set_v1.postgres",
    "kubernetes_stateful_set_v1.rabbitmq",
  ]);
  expect(r.exitCode).toBe(2);
});

test("a stack removed is reported, with what a destroy would delete; a stack enabled is added", () => {
  const r = review(defaults, synthModel({ docker: { enabled: false } }));
  const docker = stackOf(r, "docker");
  expect(docker.status).toBe("removed");
  expect(docker.changes[0]).toMatch(
    /^stack `docker` removed \(api, chutes-monitor, chutes-preflight, mcp-manager, mongodb, postgres, rabbitmq, web, webhooks, worker\)$/,
  );
  // `cdktf destroy docker` fails where the stack no longer synthesizes: destroy it from the base.
  expect(docker.warnings[0]).toContain("git worktree add ../before <base> && cd ../before && npm ci && npx cdktf destroy docker");
  expect(docker.warnings[0]).toContain("terraform -chdir=cdktf.out/stacks/docker destroy");
  expect(docker.warnings[0]).toContain("`docker_volume.volume-postgres`");
  // Removing a stack from the code destroys nothing by itself.
  expect(r.exitCode).toBe(0);
  const back = review(synthModel({ docker: { enabled: false } }), defaults);
  expect(stackOf(back, "docker").status).toBe("added");
  expect(stackOf(back, "kubernetes").status).toBe("unchanged");
});

test("a stack renamed with an environment suffix is discovered by name, not hard-coded", () => {
  const renamed: DeploymentModel = { source: "cdktf", stacks: defaults.stacks.map((s) => ({ ...s, name: `${s.name}-production` })) };
  const r = review(renamed, renamed);
  expect(r.diff.stacks.map((s) => `${s.name} ${s.status}`)).toEqual(["docker-production unchanged", "kubernetes-production unchanged"]);
});

test("an environment rename is a state-key change, not 'added + removed, no data at risk': move the state, never destroy the old stack", () => {
  const head: DeploymentModel = {
    source: "cdktf",
    stacks: (["docker", "kubernetes"] as const).map((n) =>
      modelFromTerraform(`${n}-production`, synthStack(`${n}-production`, { environment: "production" }).json as any),
    ),
  };
  const r = review(defaults, head);
  expect(r.diff.dataRisks).toHaveLength(2);
  const docker = r.diff.dataRisks.find((d) => d.startsWith("stack docker → docker-production"))!;
  expect(docker).toContain("Terraform state key");
  expect(docker).toContain("Docker's named volumes");
  expect(docker).toContain("Do not destroy docker");
  expect(docker).toContain("terraform state pull");
  // The advice to destroy the old stack is gone.
  expect(stackOf(r, "docker").warnings.join("\n")).not.toContain("cdktf destroy");
  expect(r.exitCode).toBe(2);
});

test("a replaced Docker RabbitMQ container keeps its named volume: a restart, not data loss", () => {
  const r = review(
    synthModel({ kubernetes: { enabled: false } }),
    synthModel({ kubernetes: { enabled: false }, docker: { rabbitmqMemory: "2Gi" } }),
  );
  const rabbit = stackOf(r, "docker").resources.find((x) => x.address === "docker_container.rabbitmq")!;
  expect(rabbit.action).toBe("replace");
  expect(rabbit.dataRisk).toBeUndefined();
  expect(r.exitCode).toBe(0);
});

test("write-only Secret data changed without a revision bump is a warning", () => {
  const head = synthModel({ docker: { enabled: false }, kubernetes: { dataStores: { rabbitmq: { host: "mq.internal" } } } });
  const r = review(synthModel({ docker: { enabled: false }, kubernetes: { dataStores: { rabbitmq: { host: "mq.example" } } } }), head);
  expect(stackOf(r, "kubernetes").warnings.join("\n")).toContain(
    "`kubernetes_secret_v1.secret`: write-only data changes (API_RABBITMQ_URI) but data_wo_revision does not",
  );
});

describe("replacement rules (kreuzwerker/docker 3.6.2, hashicorp/kubernetes 2.38.0)", () => {
  test.each([
    ["docker_container", "env", true],
    ["docker_container", "image", true],
    ["docker_container", "restart", false],
    ["docker_container", "healthcheck.interval", false],
    ["docker_volume", "name", true],
    ["kubernetes_stateful_set_v1", "spec.volume_claim_template.spec.resources.requests.storage", true],
    ["kubernetes_stateful_set_v1", "spec.template.spec.container.image", false],
    ["kubernetes_deployment_v1", "spec.replicas", false],
    ["kubernetes_deployment_v1", "metadata.name", true],
    ["kubernetes_job_v1", "spec.template.spec.container.image", true],
    ["kubernetes_persistent_volume_claim_v1", "spec.resources.requests.storage", false],
    ["kubernetes_persistent_volume_claim_v1", "spec.storage_class_name", true],
    // terraform-provider-kubernetes v2.38.0 schema_job_spec.go / schema_cron_job_spec_v1.go /
    // resource_kubernetes_pod_disruption_budget_v1.go: ForceNew.
    ["kubernetes_cron_job_v1", "spec.job_template.spec.template.spec.container.image", true],
    ["kubernetes_cron_job_v1", "spec.schedule", false],
    ["kubernetes_cron_job_v1", "spec.job_template.spec.backoff_limit", false],
    ["kubernetes_pod_disruption_budget_v1", "spec.max_unavailable", true],
    ["kubernetes_pod_disruption_budget_v1", "metadata.labels.team", false],
  ])("%s %s → replace: %s", (type, path, expected) => {
    expect(forcesReplacement(type, path)).toBe(expected);
  });
});

describe("Helm chart", () => {
  const CANARY = "cpk_CANARY0review0canary.not.a.real.key";
  const PG_CANARY = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00beefcafe";
  const secretValues = { ...EXPLICIT_SECRET_VALUES, chutes_api_key: CANARY, postgres_password: PG_CANARY };
  const chart = (values: Record<string, unknown>) =>
    modelFromManifests("helm", render({ values: { ...values, secrets: { ...((values.secrets as object) ?? {}), values: secretValues } } }));

  test("replicas, secrets revision, storage size: the same report from rendered objects, no secret value in it", () => {
    const base = chart({});
    const head = chart({ replicas: { worker: 3 }, secrets: { revision: 2 }, dataStores: { storageSize: "20Gi" } });
    const r = review(base, head);
    const helm = stackOf(r, "helm");
    expect(helm.changes).toContain("worker replicas 2 → 3");
    expect(helm.restarts.find((x) => x.component === "worker")?.reasons).toContain("secrets revision 1 → 2 (kodus.io/secrets-revision)");
    expect(helm.resources.find((x) => x.address === "StatefulSet/kodus-postgres")?.dataRisk).toBeDefined();
    expect(helm.warnings.join("\n")).toContain("helm upgrade fails");
    expect(r.exitCode).toBe(2);
    for (const secret of [CANARY, PG_CANARY, Buffer.from(CANARY).toString("base64"), Buffer.from(PG_CANARY).toString("base64")])
      expect(r.markdown).not.toContain(secret);
    expect(r.markdown).toContain("API_OPEN_AI_API_KEY from Secret kodus-secrets / key API_OPEN_AI_API_KEY");
  });

  test("the same values twice: no changes", () => {
    const r = review(chart({}), chart({}));
    expect(r.verdict).toBe("✅ no changes.");
  });
});
