import { parseConfig } from "../../config/load";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  EXPECTED_COMPONENTS,
  EXPECTED_OPTIONAL_COMPONENTS,
  EXPECTED_OPTIONAL_SECRET_ENV,
  EXPECTED_OPTIONAL_SECRET_INPUTS,
  EXPECTED_SECRET_INPUTS,
  EXPECTED_SECRET_VARIABLE,
  expectedSecretEnv,
} from "../helpers/kodus-expected";
import { deploymentEnv, podSpecs } from "../helpers/kubernetes";
import { synthStack, type TfJson } from "../helpers/synth";
import { terraformStringValue } from "../../constructs/terraform-literal";

const k8s = (input: object = {}) => synthStack("kubernetes", input).json;
const { json } = synthStack("kubernetes");
const deployments = json.resource.kubernetes_deployment_v1;
const kodus = ["api", "worker", "webhooks", "web"] as const;
const llmComponents = ["api", "worker"] as const; // api and worker load Kodus' LLM module; the webhooks service does not (see test/helpers/kodus-expected.ts)
const SECRET_REF = "${kubernetes_secret_v1.secret.metadata[0].name}";

const inventory = (tf: TfJson) =>
  Object.entries(tf.resource)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
const each = (type: string, names: string[]) => names.map((n) => `${type}.${n}`);
// By default: the four, and the MCP manager (on by default, one replica: no PDB); the analytics worker is off.
const KODUS = ["api", "web", "webhooks", "worker"];

test("the stack has exactly these resources (a new or lost one fails here)", () => {
  expect(inventory(json)).toEqual(
    [
      ...each("kubernetes_config_map_v1", ["chutes-probe", "env-api", "env-web", "env-webhooks", "env-worker", "env-mcp-manager"]),
      "kubernetes_cron_job_v1.chutes-healthcheck",
      ...each("kubernetes_deployment_v1", [...KODUS, "mcp-manager"]),
      ...each("kubernetes_job_v1", ["chutes-preflight", "migrate"]),
      "kubernetes_namespace_v1.namespace",
      ...each("kubernetes_network_policy_v1", [...KODUS, "mcp-manager", "chutes-probe-egress"]),
      ...each("kubernetes_pod_disruption_budget_v1", KODUS),
      ...each("kubernetes_secret_v1", ["preflight-key", "secret"]),
      "kubernetes_service_account_v1.service-account",
      ...each("kubernetes_service_v1", ["api", "web", "webhooks", "mcp-manager"]),
      "terraform_data.chutes-preflight-trigger",
    ].sort(),
  );
  const bundled = inventory(k8s({ kubernetes: { dataStores: { mode: "bundled" } } }));
  const stores = ["mongodb", "postgres", "rabbitmq"];
  expect(bundled.filter((r) => !inventory(json).includes(r))).toEqual(
    [
      "kubernetes_config_map_v1.postgres-init",
      "kubernetes_config_map_v1.rabbitmq-conf",
      ...each("kubernetes_network_policy_v1", stores),
      ...each("kubernetes_service_v1", stores),
      ...each("kubernetes_stateful_set_v1", stores),
    ].sort(),
  );
});

test("the deployed secrets revision is a stack output", () => {
  expect(json.output!.secrets_revision.value).toBe("${var.secrets_revision}");
});

describe("secrets", () => {
  test("no secret value anywhere: the Secret has only write-only data built from variables", () => {
    const secret = json.resource.kubernetes_secret_v1.secret;
    expect(secret.data).toBeUndefined();
    expect(secret.binary_data).toBeUndefined();
    expect(secret.data_wo).toEqual({
      ...Object.fromEntries(Object.entries(EXPECTED_SECRET_VARIABLE).map(([name, variable]) => [name, `\${var.${variable}}`])),
      ...Object.fromEntries(Object.entries(EXPECTED_OPTIONAL_SECRET_ENV).map(([name, o]) => [name, `\${var.${o.variable}}`])),
      // A whole URI (amqps://) given in rabbitmq_uri wins; empty, the one built from the settings.
      API_RABBITMQ_URI:
        '${coalesce(var.rabbitmq_uri, "amqp://kodus:${urlencode(var.rabbitmq_password)}@${var.rabbitmq_host}:5672/kodus-ai")}',
    });
    expect(secret.data_wo_revision).toBe("${var.secrets_revision}");
  });

  test("secret inputs are sensitive and ephemeral (never in plan or state); Terraform >= 1.11 is required", () => {
    const sensitive = Object.entries(json.variable)
      .filter(([, v]) => v.sensitive)
      .map(([name]) => name);
    expect(sensitive.sort()).toEqual([...EXPECTED_SECRET_INPUTS, ...EXPECTED_OPTIONAL_SECRET_INPUTS.kubernetes].sort());
    for (const variable of EXPECTED_SECRET_INPUTS)
      expect(json.variable[variable]).toMatchObject({ sensitive: true, ephemeral: true, nullable: false });
    expect(json.variable.secrets_revision).toMatchObject({ type: "number", default: 1 });
    expect(json.terraform.required_version).toBe(">= 1.11.0");
  });

  test.each(llmComponents)("%s reads the Chutes key through secretKeyRef", (component) => {
    expect(deploymentEnv(json, component).API_OPEN_AI_API_KEY.value_from.secret_key_ref).toEqual({
      name: SECRET_REF,
      key: "API_OPEN_AI_API_KEY",
    });
  });

  test.each(kodus)("%s gets exactly its secrets, each by secretKeyRef to the same key, none as a literal", (component) => {
    const env = deploymentEnv(json, component);
    expect(Object.keys(env).sort()).toEqual(expectedSecretEnv(component, "kubernetes").sort());
    // The optional ones may be missing from a Secret you manage.
    for (const [name, e] of Object.entries(env))
      expect(e).toEqual({
        name,
        value_from: {
          secret_key_ref: { name: SECRET_REF, key: name, ...(name in EXPECTED_OPTIONAL_SECRET_ENV ? { optional: true } : {}) },
        },
      });
  });

  test("Fixed Mode model and base URL are in the ConfigMap of every LLM component", () => {
    for (const c of llmComponents) {
      const data = json.resource.kubernetes_config_map_v1[`env-${c}`].data;
      expect(data).toMatchObject({
        API_LLM_PROVIDER_MODEL: "deepseek-ai/DeepSeek-V3.2-TEE",
        API_OPENAI_FORCE_BASE_URL: "https://llm.chutes.ai/v1",
      });
      expect(data).not.toHaveProperty("API_OPEN_AI_API_KEY");
    }
  });

  test("rotation: every Kodus pod template carries the revision, and the preflight re-runs on it", () => {
    for (const c of kodus)
      expect(deployments[c].spec.template.metadata.annotations["kodus.io/secrets-revision"]).toBe("${var.secrets_revision}");
    expect(json.resource.kubernetes_job_v1["chutes-preflight"].metadata.name).toMatch(
      /^kodus-chutes-preflight-[0-9a-f]{8}-r\$\{var\.secrets_revision\}$/,
    );
  });

  test("a ConfigMap change rolls its pods (hash computed by Terraform)", () => {
    for (const c of kodus) {
      expect(deployments[c].spec.template.metadata.annotations["kodus.io/config-hash"]).toBe(
        `\${sha256(jsonencode(kubernetes_config_map_v1.env-${c}.data))}`,
      );
    }
  });

  test("existing mode: no Secret resource, no secret variables, references by name, same rotation annotation", () => {
    const existing = k8s({ kubernetes: { secrets: { mode: "existing", name: "kodus-from-vault" } } });
    expect(existing.resource.kubernetes_secret_v1).toBeUndefined();
    for (const variable of EXPECTED_SECRET_INPUTS) expect(existing.variable[variable]).toBeUndefined();
    expect(deploymentEnv(existing, "api").API_OPEN_AI_API_KEY.value_from.secret_key_ref).toEqual({
      name: "kodus-from-vault",
      key: "API_OPEN_AI_API_KEY",
    });
    expect(existing.resource.kubernetes_deployment_v1.web.spec.template.metadata.annotations["kodus.io/secrets-revision"]).toBe(
      "${var.secrets_revision}",
    );
    const preflightEnv = podSpecs(existing)["kubernetes_job_v1.chutes-preflight"].container[0].env;
    expect(preflightEnv.find((e: any) => e.name === "CHUTES_API_KEY").value_from.secret_key_ref).toEqual({
      name: "kodus-from-vault",
      key: "API_OPEN_AI_API_KEY",
    });
  });
});

describe("pods", () => {
  const hardenedEverywhere = (tf: TfJson, exceptions: Record<string, string> = {}) => {
    const specs = podSpecs(tf);
    expect(Object.keys(specs).length).toBeGreaterThan(5);
    for (const [where, spec] of Object.entries(specs)) {
      expect([where, spec.security_context.run_as_non_root, spec.security_context.seccomp_profile.type]).toEqual([
        where,
        true,
        "RuntimeDefault",
      ]);
      expect([where, spec.automount_service_account_token]).toEqual([where, false]);
      // Init containers too: Pod Security admission checks every container of the pod.
      for (const c of [...(spec.init_container ?? []), ...spec.container]) {
        const sc = c.security_context;
        expect([
          where,
          sc.run_as_non_root,
          sc.allow_privilege_escalation,
          sc.privileged,
          sc.capabilities.drop,
          sc.seccomp_profile.type,
        ]).toEqual([where, true, false, false, ["ALL"], "RuntimeDefault"]);
        if (!(where in exceptions)) expect([where, sc.read_only_root_filesystem]).toEqual([where, true]);
      }
      for (const c of spec.container) expect(c.volume_mount).toEqual(expect.arrayContaining([{ name: "tmp", mount_path: "/tmp" }]));
      expect(spec.volume).toEqual(expect.arrayContaining([{ name: "tmp", empty_dir: { size_limit: "1Gi" } }]));
    }
  };

  test("every container is hardened: non-root, read-only root, no escalation, no capabilities, seccomp, writable /tmp", () => {
    hardenedEverywhere(json);
  });

  test("bundled data stores are hardened too (RabbitMQ keeps a writable root: its entrypoint writes config)", () => {
    const bundled = k8s({ kubernetes: { dataStores: { mode: "bundled" } } });
    expect(Object.values(podSpecs(bundled)).some((spec) => (spec.init_container ?? []).length > 0)).toBe(true); // fix-cookie-mode is checked too
    hardenedEverywhere(bundled, {
      "kubernetes_stateful_set_v1.rabbitmq": "entrypoint writes /etc/rabbitmq",
    });
  });

  test("the namespace enforces the restricted Pod Security Standard", () => {
    expect(json.resource.kubernetes_namespace_v1.namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  test.each([
    ["api", "/health/simple", "/health", 3001],
    ["webhooks", "/health/live", "/health/ready", 3332],
    ["worker", "/health", "/health", 3334],
    ["web", "/api/health", "/api/health", 3000],
  ] as const)("%s probes: startup and liveness on %s, readiness on %s, port %d", (c, live, ready, port) => {
    const container = deployments[c].spec.template.spec.container[0];
    expect(container.startup_probe.http_get).toEqual({ path: live, port: String(port) });
    expect(container.liveness_probe.http_get).toEqual({ path: live, port: String(port) });
    expect(container.readiness_probe.http_get).toEqual({ path: ready, port: String(port) });
  });

  test("requests and limits come from the config", () => {
    expect(deployments.api.spec.template.spec.container[0].resources).toEqual({
      requests: { cpu: "250m", memory: "768Mi" },
      limits: { cpu: "1", memory: "1536Mi" },
    });
    const custom = k8s({ kubernetes: { resources: { worker: { limits: { memory: "3Gi" } } } } });
    expect(custom.resource.kubernetes_deployment_v1.worker.spec.template.spec.container[0].resources.limits).toEqual({
      cpu: "1",
      memory: "3Gi",
    });
  });

  test("the worker has the code-review role and a grace period covering its drain", () => {
    expect(json.resource.kubernetes_config_map_v1["env-worker"].data.WORKER_ROLE).toBe("code-review");
    expect(deployments.worker.spec.template.spec.termination_grace_period_seconds).toBe(25 + 15);
    const slow = k8s({ kodus: { workerDrainTimeoutMs: 120000 } });
    expect(slow.resource.kubernetes_deployment_v1.worker.spec.template.spec.termination_grace_period_seconds).toBe(135);
  });

  test("the web gets a writable Next.js cache", () => {
    expect(deployments.web.spec.template.spec.container[0].volume_mount).toEqual(
      expect.arrayContaining([{ name: "next-cache", mount_path: "/usr/src/app/apps/web/.next/cache" }]),
    );
  });
});

describe("rollouts", () => {
  test.each(kodus)("%s: replicas from config, never below desired during a rollout, fails at its deadline instead of hanging", (c) => {
    const d = deployments[c];
    expect(d.spec.replicas).toBe("2");
    expect(d.spec.strategy.rolling_update).toEqual({ max_unavailable: "0", max_surge: "1" });
    expect(d.wait_for_rollout).toBe(true);
    expect(d.spec.progress_deadline_seconds).toBe(600);
    expect(d.timeouts.update).toBe("720s");
    expect(d.depends_on).toEqual(expect.arrayContaining(["kubernetes_job_v1.migrate", "kubernetes_job_v1.chutes-preflight"]));
  });

  test("replica counts follow the config", () => {
    const tf = k8s({ kubernetes: { replicas: { api: 3, worker: 5, webhooks: 1, web: 4 } } });
    const r = Object.fromEntries(kodus.map((c) => [c, tf.resource.kubernetes_deployment_v1[c].spec.replicas]));
    expect(r).toEqual({ api: "3", worker: "5", webhooks: "1", web: "4" });
  });

  test("exactly one migrator: the migration Job, named from what it runs (image + the API's settings)", () => {
    const migrators = Object.entries(podSpecs(json)).filter(([, spec]) =>
      spec.container.some((c: any) => (c.env ?? []).some((e: any) => e.name === "RUN_MIGRATIONS" && e.value === "true")),
    );
    expect(migrators.map(([where]) => where)).toEqual(["kubernetes_job_v1.migrate"]);
    for (const c of ["api", "worker", "webhooks"])
      expect(json.resource.kubernetes_config_map_v1[`env-${c}`].data.RUN_MIGRATIONS).toBe("false");
    // Terraform hashes the image and the API ConfigMap's data (host variables included) into the name.
    const name = json.resource.kubernetes_job_v1.migrate.metadata.name;
    expect(name).toBe(
      'kodus-migrate-${substr(sha256(join(" ", ["ghcr.io/kodustech/kodus-ai-api:2.1.28", sha256(jsonencode(kubernetes_config_map_v1.env-api.data))])), 0, 10)}',
    );
    expect(k8s({ kodus: { version: "2.2.0" } }).resource.kubernetes_job_v1.migrate.metadata.name).toContain(
      '"ghcr.io/kodustech/kodus-ai-api:2.2.0"',
    );
    const pinned = k8s({ kubernetes: { images: { digests: { api: `sha256:${"b".repeat(64)}` } } } }).resource.kubernetes_job_v1.migrate;
    expect(pinned.metadata.name).toContain(`"ghcr.io/kodustech/kodus-ai-api:2.1.28@sha256:${"b".repeat(64)}"`);
    expect(k8s({ kubernetes: { replicas: { web: 3 } } }).resource.kubernetes_job_v1.migrate.metadata.name).toBe(name);
    // No TTL: a Job deleted by it would be created again (migrations re-run) at the next apply.
    expect(json.resource.kubernetes_job_v1.migrate.spec.ttl_seconds_after_finished).toBeUndefined();
  });

  // Every replica count the schema accepts: a PDB only for multi-replica components, and it always lets one pod go.
  test.each([1, 2, 3, 7, 50])("PDBs never block a node drain (replicas = %d)", (replicas) => {
    const tf = k8s({
      kubernetes: {
        replicas: { api: replicas, worker: replicas, webhooks: replicas, web: replicas },
        scaleLimits: { api: replicas, worker: replicas, webhooks: replicas },
      },
    });
    const pdbs = tf.resource.kubernetes_pod_disruption_budget_v1 ?? {};
    for (const c of kodus) {
      const pdb = pdbs[c];
      if (replicas === 1) {
        expect(pdb).toBeUndefined();
        continue;
      }
      expect(pdb.spec.min_available).toBeUndefined();
      const maxUnavailable = Number(pdb.spec.max_unavailable);
      expect(Math.min(maxUnavailable, replicas)).toBeGreaterThanOrEqual(1); // allowed disruptions when healthy
      expect(pdb.spec.selector.match_labels).toEqual(tf.resource.kubernetes_deployment_v1[c].spec.selector.match_labels);
    }
  });

  test("autoscaling: HPA for api and worker, Terraform leaves the replica count to it", () => {
    const tf = k8s({
      kubernetes: {
        autoscaling: { api: { enabled: true, minReplicas: 2, maxReplicas: 8 }, worker: { enabled: true } },
        scaleLimits: { api: 8 },
      },
    });
    const hpa = tf.resource.kubernetes_horizontal_pod_autoscaler_v2;
    expect(Object.keys(hpa).sort()).toEqual(["api", "worker"]);
    expect(hpa.api.spec).toMatchObject({ min_replicas: 2, max_replicas: 8, scale_target_ref: { kind: "Deployment", name: "kodus-api" } });
    expect(tf.resource.kubernetes_deployment_v1.api.lifecycle.ignore_changes).toEqual(["spec[0].replicas"]);
    expect(json.resource.kubernetes_horizontal_pod_autoscaler_v2).toBeUndefined();
    // The worker scales down one pod per 10 minutes after 15 minutes of lower load (in-flight reviews); the API as Kubernetes does.
    expect(hpa.worker.spec.behavior).toEqual({
      scale_down: [{ stabilization_window_seconds: 900, policy: [{ type: "Pods", value: 1, period_seconds: 600 }] }],
    });
    expect(hpa.api.spec.behavior).toBeUndefined();
  });

  test("autoscaling: scaleDown is configurable for either HPA, within Kubernetes' limits", () => {
    const scaleDown = { stabilizationWindowSeconds: 0, podsPerPeriod: 2, periodSeconds: 60 };
    const tf = k8s({ kubernetes: { autoscaling: { api: { enabled: true, scaleDown } } } });
    expect(tf.resource.kubernetes_horizontal_pod_autoscaler_v2.api.spec.behavior.scale_down).toEqual([
      { stabilization_window_seconds: 0, policy: [{ type: "Pods", value: 2, period_seconds: 60 }] },
    ]);
    expect(() =>
      k8s({ kubernetes: { autoscaling: { worker: { enabled: true, scaleDown: { ...scaleDown, periodSeconds: 3600 } } } } }),
    ).toThrow(/kubernetes\.autoscaling\.worker\.scaleDown\.periodSeconds: must be a whole number from 1 to 1800/);
    expect(() =>
      k8s({ kubernetes: { autoscaling: { worker: { enabled: true, scaleDown: { ...scaleDown, stabilizationWindowSeconds: 4000 } } } } }),
    ).toThrow(/stabilizationWindowSeconds: must be a whole number from 0 to 3600/);
  });

  test("topology spread: over nodes by default, counting only the pods of the same ReplicaSet (pod-template-hash)", () => {
    const spread = json.resource.kubernetes_deployment_v1.worker.spec.template.spec.topology_spread_constraint;
    expect(spread).toEqual([expect.objectContaining({ topology_key: "kubernetes.io/hostname", match_label_keys: ["pod-template-hash"] })]);
  });

  test("PDBs carry no unhealthyPodEvictionPolicy: the frozen provider (2.38.0) has no such attribute; docs/kubernetes.md says so", () => {
    const pdb = json.resource.kubernetes_pod_disruption_budget_v1.api;
    expect(Object.keys(pdb.spec).sort()).toEqual(["max_unavailable", "selector"]);
    expect(readFileSync(join(__dirname, "..", "..", "docs", "kubernetes.md"), "utf8")).toMatch(/unhealthyPodEvictionPolicy[\s\S]*2\.38\.0/);
  });
});

describe("network and exposure", () => {
  test("NetworkPolicies: API from the web, the worker and the MCP manager; the MCP manager from its callers; the worker from nobody; web and webhooks on their port only", () => {
    const np = json.resource.kubernetes_network_policy_v1;
    const from = (...cs: readonly string[]) =>
      cs.map((c) => ({
        pod_selector: {
          match_labels: { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus", "app.kubernetes.io/component": c },
        },
      }));
    expect(np.api.spec.ingress).toEqual([{ ports: [{ port: "3001", protocol: "TCP" }], from: from("web", "worker", "mcp-manager") }]);
    expect(np["mcp-manager"].spec.ingress).toEqual([
      {
        ports: [{ port: String(EXPECTED_COMPONENTS["mcp-manager"].port), protocol: "TCP" }],
        from: from(...EXPECTED_OPTIONAL_COMPONENTS["mcp-manager"].calledBy),
      },
    ]);
    expect(np.worker.spec.ingress).toEqual([]);
    expect(np.worker.spec.policy_types).toEqual(["Ingress"]);
    expect(np.web.spec.ingress).toEqual([{ ports: [{ port: "3000", protocol: "TCP" }] }]);
    expect(np.webhooks.spec.ingress).toEqual([{ ports: [{ port: "3332", protocol: "TCP" }] }]);
  });

  test("Services for api, web, webhooks and the MCP manager; none for the workers", () => {
    expect(Object.keys(json.resource.kubernetes_service_v1).sort()).toEqual(["api", "mcp-manager", "web", "webhooks"]);
  });

  test("optional Ingress routes the web and webhooks hosts", () => {
    expect(json.resource.kubernetes_ingress_v1).toBeUndefined();
    const tf = k8s({
      kubernetes: {
        ingress: {
          enabled: true,
          className: "nginx",
          webHost: "kodus.example.com",
          webhooksHost: "hooks.example.com",
          tlsSecretName: "kodus-tls",
        },
      },
    });
    const ing = tf.resource.kubernetes_ingress_v1.kodus ?? Object.values<any>(tf.resource.kubernetes_ingress_v1)[0];
    expect(ing.spec.ingress_class_name).toBe("nginx");
    expect(ing.spec.rule.map((r: any) => [r.host, r.http.path[0].backend.service.name])).toEqual([
      ["kodus.example.com", "kodus-web"],
      ["hooks.example.com", "kodus-webhooks"],
    ]);
    expect(ing.spec.tls).toEqual([{ hosts: ["kodus.example.com", "hooks.example.com"], secret_name: "kodus-tls" }]);
  });

  test("provider connection comes from kubeconfig settings or the environment, never credentials", () => {
    expect(json.provider.kubernetes).toEqual([{}]);
    expect(k8s({ kubernetes: { kubeconfig: { path: "~/.kube/config", context: "prod" } } }).provider.kubernetes).toEqual([
      { config_path: "~/.kube/config", config_context: "prod" },
    ]);
  });
});

describe("data stores", () => {
  test("external (default): hosts are variables defaulting to the config, no StatefulSets", () => {
    expect(json.resource.kubernetes_stateful_set_v1).toBeUndefined();
    expect(json.variable.postgres_host).toMatchObject({ type: "string" });
    expect(json.variable.postgres_host.default).toBeUndefined();
    expect(json.resource.kubernetes_config_map_v1["env-api"].data.API_PG_DB_HOST).toBe("${var.postgres_host}");
    expect(json.resource.kubernetes_config_map_v1["env-api"].data.API_DATABASE_DISABLE_SSL).toBe("false");
    const named = k8s({ kubernetes: { dataStores: { postgres: { host: "pg.internal.example.com" } } } });
    expect(named.variable.postgres_host.default).toBe("pg.internal.example.com");
  });

  test("bundled: pgvector, MongoDB and Kodus RabbitMQ StatefulSets with volumes; migrations wait for them", () => {
    const tf = k8s({ kubernetes: { dataStores: { mode: "bundled", storageSize: "20Gi" } } });
    const sts = tf.resource.kubernetes_stateful_set_v1;
    expect(Object.keys(sts).sort()).toEqual(["mongodb", "postgres", "rabbitmq"]);
    expect(sts.postgres.spec.template.spec.container[0].image).toBe("pgvector/pgvector:pg16");
    expect(sts.rabbitmq.spec.template.spec.container[0].image).toBe("ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus");
    expect(sts.mongodb.spec.volume_claim_template[0].spec.resources.requests.storage).toBe("20Gi");
    expect(tf.resource.kubernetes_config_map_v1["postgres-init"].data["10-vector.sql"]).toContain("CREATE EXTENSION IF NOT EXISTS vector");
    expect(tf.resource.kubernetes_config_map_v1["env-api"].data).toMatchObject({
      API_PG_DB_HOST: "kodus-postgres",
      API_MG_DB_HOST: "kodus-mongodb",
      API_DATABASE_DISABLE_SSL: "true",
    });
    expect(tf.resource.kubernetes_secret_v1.secret.data_wo.API_RABBITMQ_URI).toBe(
      '${coalesce(var.rabbitmq_uri, "amqp://kodus:${urlencode(var.rabbitmq_password)}@kodus-rabbitmq:5672/kodus-ai")}',
    );
    expect(tf.resource.kubernetes_secret_v1.secret.data_wo.RABBITMQ_DEFAULT_PASS).toBe("${var.rabbitmq_password}");
    expect(tf.resource.kubernetes_job_v1.migrate.depends_on).toEqual(
      expect.arrayContaining(["kubernetes_stateful_set_v1.postgres", "kubernetes_stateful_set_v1.rabbitmq"]),
    );
    expect(tf.variable.postgres_host).toBeUndefined();
    const pgEnv = sts.postgres.spec.template.spec.container[0].env.find((e: any) => e.name === "POSTGRES_PASSWORD");
    expect(pgEnv.value_from.secret_key_ref.key).toBe("API_PG_DB_PASSWORD");
  });
});

describe("Chutes health checks", () => {
  const jobs = json.resource.kubernetes_job_v1;
  const preflight = jobs["chutes-preflight"];
  const cron = json.resource.kubernetes_cron_job_v1["chutes-healthcheck"];
  const envOf = (spec: any) => Object.fromEntries(spec.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from]));

  test("preflight Job: the probe from a ConfigMap, the key under test from its own Secret, no retries, waited for", () => {
    const spec = preflight.spec.template.spec;
    expect(spec.container[0].command).toEqual(["node", "/opt/kodus-chutes-probe/chutes-probe.mjs"]);
    expect(spec.container[0].image).toBe("ghcr.io/kodustech/kodus-ai-api:2.1.28");
    expect(envOf(spec)).toMatchObject({
      PROBE_BASE_URL: "https://llm.chutes.ai/v1",
      PROBE_MODEL: "deepseek-ai/DeepSeek-V3.2-TEE",
      CHUTES_API_KEY: { secret_key_ref: { name: "${kubernetes_secret_v1.preflight-key.metadata[0].name}", key: "API_OPEN_AI_API_KEY" } },
    });
    expect(spec.restart_policy).toBe("Never");
    expect(preflight.spec.backoff_limit).toBe(0);
    expect(preflight.wait_for_completion).toBe(true);
    expect(spec.volume).toEqual(
      expect.arrayContaining([
        { name: "probe", config_map: { name: "${kubernetes_config_map_v1.chutes-probe.metadata[0].name}", default_mode: "0444" } },
      ]),
    );
  });

  test("the deployed probe is the tested probe, byte for byte", () => {
    const source = readFileSync(join(__dirname, "..", "..", "probe", "chutes-probe.mjs"), "utf8");
    // What Terraform hands the provider: its template escapes ($${, %%{) undone.
    const data = json.resource.kubernetes_config_map_v1["chutes-probe"].data;
    expect(terraformStringValue(data["chutes-probe.mjs"])).toBe(source);
    // Every ${ of the probe's JavaScript is escaped: Terraform would parse it as an interpolation.
    expect(data["chutes-probe.mjs"].replaceAll("$${", "")).not.toContain("${");
  });

  test("the preflight fails on any answer slower than healthcheck.timeoutSeconds; the CronJob also on maxLatencyMs", () => {
    expect(envOf(preflight.spec.template.spec)).toMatchObject({ PROBE_TIMEOUT_MS: "30000", PROBE_MAX_LATENCY_MS: "30000" });
    expect(envOf(cron.spec.job_template.spec.template.spec)).toMatchObject({ PROBE_TIMEOUT_MS: "30000", PROBE_MAX_LATENCY_MS: "20000" });
    const tight = k8s({ healthcheck: { timeoutSeconds: 10, maxLatencyMs: 5000 } }).resource;
    expect(envOf(tight.kubernetes_job_v1["chutes-preflight"].spec.template.spec)).toMatchObject({
      PROBE_TIMEOUT_MS: "10000",
      PROBE_MAX_LATENCY_MS: "10000",
    });
    expect(envOf(tight.kubernetes_cron_job_v1["chutes-healthcheck"].spec.job_template.spec.template.spec)).toMatchObject({
      PROBE_TIMEOUT_MS: "10000",
      PROBE_MAX_LATENCY_MS: "5000",
    });
  });

  test("every Deployment waits for the preflight, which re-runs on every deploy", () => {
    for (const c of kodus) expect(deployments[c].depends_on).toContain("kubernetes_job_v1.chutes-preflight");
    // A bare reference: Terraform's JSON syntax rejects "${...}" in replace_triggered_by.
    expect(preflight.lifecycle.replace_triggered_by).toEqual(["terraform_data.chutes-preflight-trigger"]);
    expect(json.resource.terraform_data["chutes-preflight-trigger"].triggers_replace).toEqual({ at: "${timestamp()}" });
  });

  test("a key Chutes rejects never reaches the Kodus Secret: candidate Secret -> preflight -> Kodus Secret", () => {
    const secrets = json.resource.kubernetes_secret_v1;
    expect(secrets["preflight-key"].data_wo).toEqual({ API_OPEN_AI_API_KEY: "${var.chutes_api_key}" });
    expect(secrets["preflight-key"].data_wo_revision).toBe("${var.secrets_revision}");
    expect(preflight.depends_on).toEqual(["kubernetes_secret_v1.preflight-key"]);
    expect(secrets.secret.depends_on).toEqual(["kubernetes_job_v1.chutes-preflight"]);
    expect(cron.depends_on).toEqual(["kubernetes_secret_v1.secret"]);
  });

  test("the preflight's deadline leaves room for a cold image pull", () => {
    expect(preflight.spec.active_deadline_seconds).toBe(30 + 600);
    expect(preflight.timeouts.create).toBe(`${30 + 660}s`);
  });

  test("CronJob: the schedule, no overlap, no retry storm, bounded history and run time", () => {
    expect(cron.spec).toMatchObject({
      schedule: "*/15 * * * *",
      concurrency_policy: "Forbid",
      successful_jobs_history_limit: 3,
      failed_jobs_history_limit: 5,
    });
    expect(cron.spec.starting_deadline_seconds).toBeGreaterThan(0);
    const job = cron.spec.job_template.spec;
    expect(job.backoff_limit).toBe(0);
    expect(job.active_deadline_seconds).toBeGreaterThan(30);
    // The Kodus Secret, by name; depends_on orders the CronJob after it.
    expect(envOf(job.template.spec)).toMatchObject({
      PROBE_MAX_LATENCY_MS: "20000",
      CHUTES_API_KEY: { secret_key_ref: { name: "kodus-secrets", key: "API_OPEN_AI_API_KEY" } },
    });
    expect(k8s({ healthcheck: { schedule: "0 */6 * * *" } }).resource.kubernetes_cron_job_v1["chutes-healthcheck"].spec.schedule).toBe(
      "0 */6 * * *",
    );
  });

  test("healthcheck.enabled: false removes the preflight and the CronJob", () => {
    const off = k8s({ healthcheck: { enabled: false } });
    expect(off.resource.kubernetes_cron_job_v1).toBeUndefined();
    expect(Object.keys(off.resource.kubernetes_job_v1)).toEqual(["migrate"]);
    expect(off.resource.kubernetes_deployment_v1.api.depends_on).toEqual(["kubernetes_job_v1.migrate"]);
  });

  test("healthcheck.preflight: false (a deploy during a Chutes outage) drops only the gate; the CronJob keeps checking", () => {
    const outage = k8s({ healthcheck: { preflight: false } });
    expect(Object.keys(outage.resource.kubernetes_job_v1)).toEqual(["migrate"]);
    expect(outage.resource.terraform_data?.["chutes-preflight-trigger"]).toBeUndefined();
    expect(Object.keys(outage.resource.kubernetes_secret_v1)).toEqual(["secret"]); // no candidate-key Secret
    expect(outage.resource.kubernetes_secret_v1.secret.depends_on).toBeUndefined();
    expect(outage.resource.kubernetes_cron_job_v1["chutes-healthcheck"].spec.schedule).toBe("*/15 * * * *");
    expect(outage.resource.kubernetes_config_map_v1["chutes-probe"]).toBeDefined();
    expect(outage.resource.kubernetes_deployment_v1.worker.depends_on).toEqual(["kubernetes_job_v1.migrate"]);
    expect(outage.output?.preflight_logs).toBeUndefined();
  });

  test("healthcheck.periodic: false drops only the CronJob; the preflight still gates every Deployment", () => {
    const noCron = k8s({ healthcheck: { periodic: false } });
    expect(noCron.resource.kubernetes_cron_job_v1).toBeUndefined();
    expect(noCron.resource.kubernetes_deployment_v1.api.depends_on).toContain("kubernetes_job_v1.chutes-preflight");
  });
});

describe("scheduling, registries and pod metadata", () => {
  const tf = () =>
    k8s({
      kubernetes: {
        scheduling: {
          nodeSelector: { "node-pool": "kodus" },
          tolerations: [{ key: "dedicated", operator: "Equal", value: "kodus", effect: "NoSchedule", tolerationSeconds: 60 }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "arch", operator: "In", values: ["arm64"] }] }],
              },
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }],
          priorityClassName: "kodus-critical",
        },
        images: { registry: "mirror.example.com", digests: { worker: `sha256:${"c".repeat(64)}` }, pullSecrets: ["mirror-pull"] },
        pods: {
          web: { labels: { team: "ui", "app.kubernetes.io/component": "nope" }, annotations: { "sidecar.istio.io/inject": "false" } },
        },
        dataStores: { mode: "bundled" },
      },
    });

  test("every pod (Kodus, migration, checks, bundled stores) gets the placement in the provider's block shape", () => {
    const json = tf();
    const specs = Object.entries(podSpecs(json));
    expect(specs.length).toBeGreaterThanOrEqual(9);
    for (const [where, spec] of specs) {
      expect([where, spec.node_selector]).toEqual([where, { "node-pool": "kodus" }]);
      expect([where, spec.toleration]).toEqual([
        where,
        [{ key: "dedicated", operator: "Equal", value: "kodus", effect: "NoSchedule", toleration_seconds: "60" }],
      ]);
      expect(spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term).toEqual([
        { match_expressions: [{ key: "arch", operator: "In", values: ["arm64"] }] },
      ]);
      expect(spec.priority_class_name).toBe("kodus-critical");
      expect(spec.image_pull_secrets).toEqual([{ name: "mirror-pull" }]);
    }
    expect(json.resource.kubernetes_deployment_v1.api.spec.template.spec.topology_spread_constraint).toEqual([
      {
        max_skew: 1,
        topology_key: "topology.kubernetes.io/zone",
        when_unsatisfiable: "DoNotSchedule",
        label_selector: [
          {
            match_labels: {
              "app.kubernetes.io/name": "kodus",
              "app.kubernetes.io/instance": "kodus",
              "app.kubernetes.io/component": "api",
            },
          },
        ],
      },
    ]);
  });

  test("images come through the mirror; a digest pins its component; pod labels never override the selector", () => {
    const json = tf();
    const image = (spec: any) => spec.container[0].image;
    const specs = podSpecs(json);
    expect(image(specs["kubernetes_deployment_v1.api"])).toBe("mirror.example.com/kodustech/kodus-ai-api:2.1.28");
    expect(image(specs["kubernetes_deployment_v1.worker"])).toBe(
      `mirror.example.com/kodustech/kodus-ai-worker:2.1.28@sha256:${"c".repeat(64)}`,
    );
    expect(image(specs["kubernetes_stateful_set_v1.mongodb"])).toBe("mirror.example.com/library/mongo:8.3.11");
    expect(image(specs["kubernetes_stateful_set_v1.postgres"])).toBe("mirror.example.com/pgvector/pgvector:pg16");
    const web = json.resource.kubernetes_deployment_v1.web.spec.template.metadata;
    expect(web.labels).toMatchObject({ team: "ui", "app.kubernetes.io/component": "web" });
    expect(web.annotations["sidecar.istio.io/inject"]).toBe("false");
    expect(json.resource.kubernetes_deployment_v1.api.spec.template.metadata.labels.team).toBeUndefined();
  });

  test.each([
    [{ scheduling: { tolerations: [{ effect: "Sometimes" }] } }, "kubernetes.scheduling.tolerations.0.effect"],
    [{ scheduling: { affinity: { nodeAfinity: {} } } }, "kubernetes.scheduling.affinity.nodeAfinity"],
    [{ images: { digests: { api: "latest" } } }, "kubernetes.images.digests.api"],
    [{ images: { registry: "http://mirror" } }, "kubernetes.images.registry"],
    [{ pods: { api: { labels: { "bad key!": "x" } } } }, "kubernetes.pods.api.labels"],
  ])("the config rejects %j, naming %s", (kubernetes, path) => {
    expect(() => parseConfig({ kubernetes } as any, "test")).toThrow(new RegExp(path.replace(/\./g, "\\.")));
  });
});

describe("network policies (config kubernetes.networkPolicy)", () => {
  const release = { "app.kubernetes.io/name": "kodus", "app.kubernetes.io/instance": "kodus" };

  test("off by default: no default deny; web and webhooks open on their port", () => {
    const tf = k8s();
    expect(tf.resource.kubernetes_network_policy_v1["default-deny"]).toBeUndefined();
    expect(tf.resource.kubernetes_network_policy_v1.web.spec.ingress).toEqual([{ ports: [{ port: "3000", protocol: "TCP" }] }]);
  });

  test("defaultDeny: every pod denied both ways, egress for DNS, the deployment's pods, HTTPS and the external stores", () => {
    const tf = k8s({
      kubernetes: {
        networkPolicy: {
          defaultDeny: true,
          ingressController: { namespace: "ingress-nginx" },
          egress: {
            dataStoreCidrs: ["10.1.0.0/16"],
            extra: [
              { cidr: "10.30.0.0/16", ports: [3128, 7999] },
              { cidr: "fd00::/8", ports: [22] },
            ],
          },
        },
        dataStores: {
          postgres: { host: "pg.internal", port: 6432 },
          mongodb: { host: "mongo.internal" },
          rabbitmq: { host: "mq.internal" },
        },
      },
    });
    const policies = tf.resource.kubernetes_network_policy_v1;
    expect(policies["default-deny"].spec).toEqual({ pod_selector: { match_labels: release }, policy_types: ["Ingress", "Egress"] });
    expect(policies.egress.spec.egress).toEqual([
      {
        to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } } }],
        ports: [
          { port: "53", protocol: "UDP" },
          { port: "53", protocol: "TCP" },
        ],
      },
      { to: [{ pod_selector: { match_labels: release } }] },
      { to: [{ ip_block: { cidr: "0.0.0.0/0" } }, { ip_block: { cidr: "::/0" } }], ports: [{ port: "443", protocol: "TCP" }] },
      { to: [{ ip_block: { cidr: "10.1.0.0/16" } }], ports: ["6432", "27017", "5672"].map((port) => ({ port, protocol: "TCP" })) },
      // egress.extra: one rule each, its CIDR on its own ports only.
      { to: [{ ip_block: { cidr: "10.30.0.0/16" } }], ports: ["3128", "7999"].map((port) => ({ port, protocol: "TCP" })) },
      { to: [{ ip_block: { cidr: "fd00::/8" } }], ports: [{ port: "22", protocol: "TCP" }] },
    ]);
    for (const c of ["web", "webhooks"]) {
      expect(policies[c].spec.ingress[0].from).toEqual([
        { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
      ]);
    }
    // Every pod the stack runs carries the labels the default deny selects.
    for (const [where, labels] of Object.entries(podTemplateLabels(tf)))
      expect([where, labels]).toEqual([where, expect.objectContaining(release)]);
  });

  test.each([
    [{ cidr: "10.0.0.0", ports: [22] }, /kubernetes\.networkPolicy\.egress\.extra\.0\.cidr: must be a CIDR/],
    [{ cidr: "10.0.0.0/8", ports: [] }, /kubernetes\.networkPolicy\.egress\.extra\.0\.ports: must list at least one TCP port/],
    [
      { cidr: "10.0.0.0/8", ports: [0] },
      /kubernetes\.networkPolicy\.egress\.extra\.0\.ports\.0: must be a TCP port \(an integer from 1 to 65535\)/,
    ],
    [{ cidr: "10.0.0.0/8", ports: [65536] }, /extra\.0\.ports\.0: must be a TCP port/],
    [{ cidr: "10.0.0.0/8", ports: [22.5] }, /extra\.0\.ports\.0: must be a TCP port/],
    [{ cidr: "10.0.0.0/8", ports: ["22"] }, /extra\.0\.ports\.0: must be a TCP port/],
    [{ cidr: "10.0.0.0/8" }, /extra\.0\.ports/],
    [{ cidr: "10.0.0.0/8", ports: [22], protocol: "UDP" }, /extra\.0.*protocol/],
  ])("egress.extra %j is rejected", (rule, message) => {
    expect(() => parseConfig({ kubernetes: { networkPolicy: { egress: { extra: [rule] } } } } as any, "test")).toThrow(message);
  });

  test("podLabels without the controller's namespace is rejected (it would match only the release's namespace)", () => {
    expect(() => parseConfig({ kubernetes: { networkPolicy: { ingressController: { podLabels: { app: "nginx" } } } } }, "test")).toThrow(
      /kubernetes\.networkPolicy\.ingressController\.namespace/,
    );
  });
});

function podTemplateLabels(tf: TfJson): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const type of ["kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_job_v1"]) {
    for (const [name, r] of Object.entries<any>(tf.resource[type] ?? {})) out[`${type}.${name}`] = r.spec.template.metadata.labels;
  }
  for (const [name, r] of Object.entries<any>(tf.resource.kubernetes_cron_job_v1 ?? {}))
    out[`cron.${name}`] = r.spec.job_template.spec.template.metadata.labels;
  return out;
}

describe("OpenShift: kubernetes.podSecurity.fixedIds false lets the restricted SCC assign the ids", () => {
  const idFieldsIn = (node: unknown, path = ""): string[] => {
    if (Array.isArray(node)) return node.flatMap((n, i) => idFieldsIn(n, `${path}[${i}]`));
    if (node === null || typeof node !== "object") return [];
    return Object.entries(node).flatMap(([k, v]) =>
      ["run_as_user", "run_as_group", "fs_group"].includes(k) ? [`${path}.${k}`] : idFieldsIn(v, `${path}.${k}`),
    );
  };
  const bundled = { dataStores: { mode: "bundled" as const } };

  test("by default every pod has the images' fixed ids", () => {
    const specs = Object.entries(podSpecs(k8s({ kubernetes: bundled })));
    expect(specs.length).toBeGreaterThan(8);
    for (const [name, spec] of specs)
      expect([name, spec.security_context.run_as_user]).toEqual([name, name.includes("stateful_set") ? "999" : "1000"]);
  });

  test("fixedIds false: no id on any pod or container, runAsNonRoot and seccomp kept", () => {
    const specs = Object.entries(podSpecs(k8s({ kubernetes: { ...bundled, podSecurity: { fixedIds: false } } })));
    expect(specs.length).toBeGreaterThan(8);
    for (const [name, spec] of specs) {
      expect([name, idFieldsIn(spec)]).toEqual([name, []]);
      expect([name, spec.security_context]).toEqual([name, { run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } }]);
    }
  });

  test("a value that is not a boolean is refused, naming the field", () => {
    expect(() => parseConfig({ kubernetes: { podSecurity: { fixedIds: "no" } } }, "test")).toThrow(
      /kubernetes\.podSecurity\.fixedIds: must be true or false/,
    );
  });
});

describe("extra env per component (kubernetes.pods.<component>.env)", () => {
  const proxy = { name: "HTTPS_PROXY", value: "http://proxy.corp.example:3128" };
  const token = { name: "GITLAB_TOKEN", valueFrom: { secretKeyRef: { name: "corp-git", key: "token" } } };

  test("after Kodus' own variables, on that component only, as written (plain value or secretKeyRef)", () => {
    const tf = k8s({ kubernetes: { pods: { worker: { env: [proxy, token] } } } });
    const env = tf.resource.kubernetes_deployment_v1.worker.spec.template.spec.container[0].env;
    expect(env.slice(-2)).toEqual([proxy, { name: "GITLAB_TOKEN", value_from: { secret_key_ref: { name: "corp-git", key: "token" } } }]);
    expect(env.slice(0, -2).every((e: { name: string }) => e.name !== "HTTPS_PROXY")).toBe(true);
    expect(tf.resource.kubernetes_deployment_v1.api.spec.template.spec.container[0].env.map((e: { name: string }) => e.name)).not.toContain(
      "HTTPS_PROXY",
    );
  });

  test.each([
    [
      "a name the deployment sets",
      { worker: { env: [{ name: "API_OPEN_AI_API_KEY", value: "x" }] } },
      /kubernetes\.pods\.worker\.env\.0\.name: is set by this deployment for worker/,
    ],
    ["a name twice", { api: { env: [proxy, proxy] } }, /kubernetes\.pods\.api\.env\.1\.name: is listed twice/],
    [
      "neither value nor valueFrom",
      { api: { env: [{ name: "X" }] } },
      /kubernetes\.pods\.api\.env\.0: needs exactly one of value .* or valueFrom\.secretKeyRef/,
    ],
    ["both", { api: { env: [{ ...proxy, valueFrom: token.valueFrom }] } }, /needs exactly one of value/],
    [
      "a bad name",
      { api: { env: [{ name: "9LIVES", value: "x" }] } },
      /kubernetes\.pods\.api\.env\.0\.name: must be an environment variable name/,
    ],
  ])("refused: %s", (_name, pods, message) => {
    expect(() => parseConfig({ kubernetes: { pods } }, "test")).toThrow(message);
  });
});

test("bundled data stores: images.digests.<store> pins the store's image, mirror and init containers included", () => {
  const d = (n: string) => `sha256:${n.repeat(64)}`;
  const tf = k8s({
    kubernetes: {
      dataStores: { mode: "bundled" },
      images: { registry: "mirror.example.com", digests: { postgres: d("a"), rabbitmq: d("b") } },
    },
  });
  const sts = tf.resource.kubernetes_stateful_set_v1;
  const images = (name: string) => {
    const spec = sts[name].spec.template.spec;
    return [...(spec.init_container ?? []), ...spec.container].map((c: { image: string }) => c.image);
  };
  expect(images("postgres")).toEqual([`mirror.example.com/pgvector/pgvector:pg16@${d("a")}`]);
  expect(new Set(images("rabbitmq"))).toEqual(new Set([`mirror.example.com/kodustech/kodus-rabbitmq:4.2.2-kodus@${d("b")}`]));
  expect(images("mongodb").every((i: string) => !i.includes("@"))).toBe(true);
  expect(() => k8s({ kubernetes: { images: { digests: { mongodb: "latest" } } } })).toThrow(/kubernetes\.images\.digests\.mongodb/);
});

test("pods.<component>.scheduling: each field set replaces the global one for that component only", () => {
  const tf = k8s({
    kubernetes: {
      dataStores: { mode: "bundled" },
      scheduling: { nodeSelector: { pool: "general" }, tolerations: [{ key: "shared", operator: "Exists", effect: "NoSchedule" }] },
      pods: { worker: { scheduling: { nodeSelector: { pool: "workers" } } } },
    },
  });
  const spec = (type: string, name: string) => tf.resource[type][name].spec.template.spec;
  expect(spec("kubernetes_deployment_v1", "worker").node_selector).toEqual({ pool: "workers" });
  expect(spec("kubernetes_deployment_v1", "worker").toleration).toEqual([{ key: "shared", operator: "Exists", effect: "NoSchedule" }]);
  expect(spec("kubernetes_deployment_v1", "api").node_selector).toEqual({ pool: "general" });
  expect(spec("kubernetes_stateful_set_v1", "postgres").node_selector).toEqual({ pool: "general" });
});

describe("corporate proxy (kodus.proxy)", () => {
  const proxy = { httpsProxy: "http://proxy.corp.example:3128", noProxy: [".corp.example", "10.0.0.0/8"] };
  const envOf = (tf: TfJson, c: string) =>
    tf.resource.kubernetes_deployment_v1[c].spec.template.spec.container[0].env as { name: string; value?: string }[];

  test("every Kodus container gets HTTPS_PROXY and NO_PROXY (yours, then localhost and the cluster's own hosts), upper and lower case; no HTTP_PROXY unless set", () => {
    const tf = k8s({ kodus: { proxy } });
    const noProxy = ".corp.example,10.0.0.0/8,localhost,127.0.0.1,.svc,.cluster.local,kodus-api,kodus-mcp-manager";
    for (const c of [...kodus, "mcp-manager"]) {
      const env = envOf(tf, c).filter((e) => /proxy/i.test(e.name));
      expect([c, env]).toEqual([
        c,
        [
          { name: "HTTPS_PROXY", value: proxy.httpsProxy },
          { name: "NO_PROXY", value: noProxy },
          { name: "https_proxy", value: proxy.httpsProxy },
          { name: "no_proxy", value: noProxy },
        ],
      ]);
    }
    // Unset: none at all.
    expect(envOf(k8s(), "api").filter((e) => /proxy/i.test(e.name))).toEqual([]);
  });

  test.each([
    [{ httpsProxy: "http://user:secret@proxy.corp.example:3128" }, /kodus\.proxy\.httpsProxy: must not contain credentials/],
    [{ httpProxy: "proxy.corp.example:3128" }, /kodus\.proxy\.httpProxy: must be an http:\/\/ or https:\/\/ proxy URL/],
    [{ httpsProxy: "socks5://proxy.corp.example:1080" }, /kodus\.proxy\.httpsProxy: must be an http:\/\/ or https:\/\/ proxy URL/],
    [{ noProxy: [".corp.example"] }, /kodus\.proxy: needs httpProxy or httpsProxy/],
    [{ httpsProxy: "http://proxy:3128", noProxy: ["a.example,b.example"] }, /kodus\.proxy\.noProxy\.0: must be one host/],
    [{ httpsProxy: "http://proxy:3128", port: 3128 }, /kodus\.proxy.*port/],
  ])("kodus.proxy %j is rejected", (bad, message) => {
    expect(() => parseConfig({ kodus: { proxy: bad } } as any, "test")).toThrow(message);
  });

  test("with kodus.proxy, the same variable as extra env is refused (it would be set twice)", () => {
    expect(() =>
      parseConfig({ kodus: { proxy }, kubernetes: { pods: { worker: { env: [{ name: "no_proxy", value: "x" }] } } } } as any, "test"),
    ).toThrow(/kubernetes\.pods\.worker\.env\.0\.name: is set by kodus\.proxy/);
  });
});

describe("private CA bundle (kubernetes.caBundle)", () => {
  test("every Kodus container mounts the ConfigMap key read-only and NODE_EXTRA_CA_CERTS names the file; the root filesystem stays read-only", () => {
    const tf = k8s({ kubernetes: { caBundle: { configMapName: "corp-ca", key: "bundle.pem" } } });
    for (const c of [...kodus, "mcp-manager"]) {
      const pod = tf.resource.kubernetes_deployment_v1[c].spec.template.spec;
      const ctr = pod.container[0];
      expect([c, pod.volume.filter((v: any) => v.name === "ca-bundle")]).toEqual([
        c,
        [{ name: "ca-bundle", config_map: { name: "corp-ca", items: [{ key: "bundle.pem", path: "ca.crt" }] } }],
      ]);
      expect([c, ctr.volume_mount.filter((m: any) => m.name === "ca-bundle")]).toEqual([
        c,
        [{ name: "ca-bundle", mount_path: "/etc/kodus-ca", read_only: true }],
      ]);
      expect([c, ctr.env.filter((e: any) => e.name === "NODE_EXTRA_CA_CERTS")]).toEqual([
        c,
        [{ name: "NODE_EXTRA_CA_CERTS", value: "/etc/kodus-ca/ca.crt" }],
      ]);
      expect([c, ctr.security_context.read_only_root_filesystem]).toEqual([c, true]);
    }
    // Unset: no mount, no variable.
    const api = k8s().resource.kubernetes_deployment_v1.api.spec.template.spec;
    expect(api.volume.map((v: any) => v.name)).not.toContain("ca-bundle");
    expect(api.container[0].env.map((e: any) => e.name)).not.toContain("NODE_EXTRA_CA_CERTS");
  });

  test.each([
    [{ configMapName: "Corp_CA" }, /kubernetes\.caBundle\.configMapName: must be a ConfigMap name/],
    [{ configMapName: "corp-ca", key: "ca/crt" }, /kubernetes\.caBundle\.key: must be a ConfigMap key/],
    [{ configMapName: "corp-ca", key: ".." }, /kubernetes\.caBundle\.key: must be a ConfigMap key/],
    [{ key: "ca.crt" }, /kubernetes\.caBundle\.configMapName/],
    [{ configMapName: "corp-ca", path: "/etc/ssl" }, /kubernetes\.caBundle.*path/],
  ])("kubernetes.caBundle %j is rejected", (bad, message) => {
    expect(() => parseConfig({ kubernetes: { caBundle: bad } } as any, "test")).toThrow(message);
  });

  test("with caBundle, NODE_EXTRA_CA_CERTS as extra env is refused", () => {
    expect(() =>
      parseConfig(
        {
          kubernetes: { caBundle: { configMapName: "corp-ca" }, pods: { api: { env: [{ name: "NODE_EXTRA_CA_CERTS", value: "/x" }] } } },
        } as any,
        "test",
      ),
    ).toThrow(/kubernetes\.pods\.api\.env\.0\.name: is set by kubernetes\.caBundle/);
  });
});
