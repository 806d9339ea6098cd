/**
 * Cluster suite (`npm run test:cluster`, not part of `npm test`): the Kubernetes stack applied
 * with real Terraform and the real hashicorp/kubernetes 2.38.0 provider, and the Helm chart
 * installed with real Helm 4, against a real control plane on 127.0.0.1 started by
 * scripts/control-plane.sh (etcd, kube-apiserver with Pod Security `restricted` on the
 * namespaces, controller manager, scheduler, kwok with fake nodes).
 *
 * kwok runs no container: a scheduled pod is marked Running/Ready and a Job's pod Succeeded
 * whatever its container would do. So this proves what the API server and the controllers
 * decide (admission, ordering, gating, what rolls, what Terraform/Helm wait for and leave
 * behind), never that the Chutes probe, the migrations or Kodus work.
 *
 * Skips, saying why, when the binaries are not in the cache: `bash scripts/control-plane.sh build`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers/cli";
import { runnerWith } from "./processes";

/** Every Kodus Deployment of the defaults reads the Kodus Secret, so a secrets revision rolls each of them. */
const ROLLED_BY_A_SECRETS_REVISION = ["kodus-api", "kodus-mcp-manager", "kodus-web", "kodus-webhooks", "kodus-worker"];

const SCRIPT = join(PROJECT_ROOT, "scripts", "control-plane.sh");
const RUN_DIR = mkdtempSync(join(tmpdir(), "kodus-cluster-suite-"));
// Ports of its own, so a control plane a developer left running does not collide.
const ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  KODUS_CLUSTER_RUN: join(RUN_DIR, "cluster"),
  KODUS_ETCD_PORT: "24790",
  KODUS_ETCD_PEER_PORT: "24800",
  KODUS_API_PORT: "27443",
  KODUS_KCM_PORT: "21257",
  KODUS_SCHED_PORT: "21259",
  KODUS_KWOK_PORT: "21247",
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
};
const KUBECONFIG = join(ENV.KODUS_CLUSTER_RUN, "kubeconfig");
const PKI = join(ENV.KODUS_CLUSTER_RUN, "pki");
/** Chutes-key-shaped and fake: kwok runs no probe, nothing is ever sent to Chutes. */
const FAKE_CHUTES_KEY = "cpk_fake0000000000000000.clustersuite.notakey";

const check = spawnSync("bash", [SCRIPT, "check"], { env: ENV, encoding: "utf8" });
const ready = check.status === 0;
if (!ready) {
  console.warn(
    `cluster suite SKIPPED: the control plane's binaries are not in the cache.\n${check.stdout}${check.stderr}` +
      "Build them (Go toolchain + module proxy, about 10 min on 2 cores): bash scripts/control-plane.sh build; see docs/cluster-tests.md",
  );
}
const describeCluster = ready ? describe : describe.skip;

const run = runnerWith(ENV);

/** GET on the API server with the admin's client certificate. */
function kube(path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: Number(ENV.KODUS_API_PORT),
        path,
        ca: readFileSync(join(PKI, "ca.crt")),
        cert: readFileSync(join(PKI, "admin.crt")),
        key: readFileSync(join(PKI, "admin.key")),
      },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ ...JSON.parse(body || "{}"), httpStatus: res.statusCode }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name).sort();
const timings: string[] = [];
const timed = <T extends { ms: number }>(label: string, r: T): T => (timings.push(`${label}: ${r.ms} ms`), r);

describeCluster("a real control plane on 127.0.0.1 (kwok nodes: no container runs)", () => {
  jest.setTimeout(600_000);

  beforeAll(() => {
    const start = timed("control plane start", run("bash", [SCRIPT, "start"], { timeoutMs: 180_000 }));
    if (start.status !== 0) throw new Error(`control plane did not start:\n${start.output}`);
  });

  afterAll(() => {
    run("bash", [SCRIPT, "stop"], { timeoutMs: 60_000 });
    rmSync(RUN_DIR, { recursive: true, force: true });
    console.log(`cluster suite timings:\n  ${timings.join("\n  ")}`);
  });

  describe("the Kubernetes stack with terraform and hashicorp/kubernetes 2.38.0 (bundled data stores)", () => {
    const work = join(RUN_DIR, "stack");
    const stackDir = join(work, "cdktf.out", "stacks", "kubernetes");
    const varFile = join(work, "secrets.tfvars.json");
    // The CLI config the script generated: providers from the filesystem mirror, never the registry.
    const cliConfig = /TF_CLI_CONFIG_FILE=(\S+)/.exec(run("bash", [SCRIPT, "env"]).output)?.[1] ?? "";
    const tfEnv = { KUBE_CONFIG_PATH: KUBECONFIG, TF_CLI_CONFIG_FILE: cliConfig };
    const tf = (label: string, args: string[]) =>
      timed(label, run("terraform", [...args, "-input=false", "-no-color", `-var-file=${varFile}`], { cwd: stackDir, env: tfEnv }));
    const replicaSets = async () => names(await kube("/apis/apps/v1/namespaces/kodus/replicasets"));
    /** What Terraform must create and destroy: every resource of the synthesized stack. */
    const resourceCount = () =>
      Object.values<Record<string, unknown>>(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).resource).reduce(
        (n, byName) => n + Object.keys(byName).length,
        0,
      );

    beforeAll(() => {
      const config = join(work, "kodus.config.yaml");
      mkdirSync(work, { recursive: true });
      writeFileSync(config, "docker:\n  enabled: false\nkubernetes:\n  dataStores:\n    mode: bundled\n");
      const synth = run(process.execPath, [join(PROJECT_ROOT, "scripts", "ts-run.cjs"), join(PROJECT_ROOT, "main.ts")], {
        env: { KODUS_CONFIG: config, CDKTF_OUTDIR: join(work, "cdktf.out") },
      });
      if (synth.status !== 0) throw new Error(synth.output);
      const secrets = run(
        process.execPath,
        [
          join(PROJECT_ROOT, "scripts", "ts-run.cjs"),
          join(PROJECT_ROOT, "scripts", "generate-secrets.ts"),
          "init",
          "--out",
          varFile,
          "--no-check",
        ],
        {
          env: { CHUTES_API_KEY: FAKE_CHUTES_KEY },
        },
      );
      if (secrets.status !== 0) throw new Error(secrets.output);
      const init = timed(
        "terraform init (filesystem mirror)",
        run("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir, env: tfEnv }),
      );
      if (init.status !== 0) throw new Error(init.output);
    });

    test("apply: everything created; the preflight and migration Jobs complete before the Deployments roll", async () => {
      const apply = tf("apply (create)", ["apply", "-auto-approve"]);
      expect(apply.output).toContain(`Apply complete! Resources: ${resourceCount()} added, 0 changed, 0 destroyed.`);
      expect(apply.status).toBe(0);

      const ns = await kube("/api/v1/namespaces/kodus");
      expect(ns.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
      const jobs = (await kube("/apis/batch/v1/namespaces/kodus/jobs")).items;
      const job = (prefix: string) => jobs.find((j: any) => j.metadata.name.startsWith(prefix));
      for (const prefix of ["kodus-chutes-preflight-", "kodus-migrate-"]) expect(job(prefix)?.status.succeeded).toBe(1);
      const deployments = (await kube("/apis/apps/v1/namespaces/kodus/deployments")).items;
      expect(deployments.map((d: any) => [d.metadata.name, d.status.availableReplicas])).toEqual([
        ["kodus-api", 2],
        ["kodus-mcp-manager", 1], // one replica, as the official chart runs it
        ["kodus-web", 2],
        ["kodus-webhooks", 2],
        ["kodus-worker", 2],
      ]);
      // Ordering (second resolution): preflight done <= migration started; migration done <= every ReplicaSet created.
      const t = (s: string) => Date.parse(s);
      expect(t(job("kodus-chutes-preflight-").status.completionTime)).toBeLessThanOrEqual(t(job("kodus-migrate-").status.startTime));
      const rsCreated = (await kube("/apis/apps/v1/namespaces/kodus/replicasets")).items.map((r: any) => t(r.metadata.creationTimestamp));
      for (const c of rsCreated) expect(t(job("kodus-migrate-").status.completionTime)).toBeLessThanOrEqual(c);
      // Pod Security `restricted` admitted every pod (a refused pod would leave a Job or a rollout unfinished).
      // (The CronJob's pods are left out: it may fire during the run.)
      const pods = names(await kube("/api/v1/namespaces/kodus/pods")).filter((n) => !n.startsWith("kodus-chutes-healthcheck-"));
      expect(pods.length).toBe(2 * 4 + 1 + 3 + 2); // four components x 2, the MCP manager, three stores, two Jobs
      // The probe reaches the cluster byte for byte (Terraform's template escapes undone).
      const probe = await kube("/api/v1/namespaces/kodus/configmaps/kodus-chutes-probe");
      expect(probe.data["chutes-probe.mjs"]).toBe(readFileSync(join(PROJECT_ROOT, "probe", "chutes-probe.mjs"), "utf8"));
      const outputs = JSON.parse(run("terraform", ["output", "-json"], { cwd: stackDir, env: tfEnv }).output);
      expect(outputs.namespace_name.value).toBe("kodus");
    });

    test("a second apply changes only the every-apply preflight (by design); no Deployment rolls", async () => {
      const before = await replicaSets();
      const plan = tf("plan (unchanged)", ["plan", "-detailed-exitcode"]);
      expect(plan.output).toContain("Plan: 2 to add, 0 to change, 2 to destroy.");
      expect(plan.output).toContain("terraform_data.chutes-preflight-trigger must be replaced");
      expect(plan.output).toContain("kubernetes_job_v1.chutes-preflight will be replaced due to changes in replace_triggered_by");
      const apply = tf("apply (unchanged)", ["apply", "-auto-approve"]);
      expect(apply.status).toBe(0);
      expect(await replicaSets()).toEqual(before);
    });

    test("a secrets revision bump rewrites both Secrets, re-runs the preflight and rolls exactly the Deployments that read the Secret", async () => {
      const before = await replicaSets();
      const sts = async () => (await kube("/apis/apps/v1/namespaces/kodus/statefulsets")).items.map((s: any) => s.status.updateRevision);
      const stsBefore = await sts();
      const apply = tf("apply (secrets_revision=2)", ["apply", "-auto-approve", "-var", "secrets_revision=2"]);
      // Changed: the two Secrets and the five Deployments (the MCP manager is on by default);
      // replaced: the every-apply trigger and the preflight Job.
      expect(apply.output).toContain("Apply complete! Resources: 2 added, 7 changed, 2 destroyed.");
      const after = await replicaSets();
      const added = after.filter((n) => !before.includes(n)).map((n) => n.replace(/-[a-z0-9]+$/, ""));
      expect(added.sort()).toEqual(ROLLED_BY_A_SECRETS_REVISION);
      expect(await sts()).toEqual(stsBefore);
      const jobs = names(await kube("/apis/batch/v1/namespaces/kodus/jobs"));
      expect(jobs.filter((n) => n.startsWith("kodus-chutes-preflight-"))).toEqual([expect.stringMatching(/-r2$/)]);
    });

    test("destroy removes the namespace; the bundled stores' claims go with it (volumes Released)", async () => {
      const destroy = tf("destroy", ["destroy", "-auto-approve", "-var", "secrets_revision=2"]);
      expect(destroy.output).toContain(`Destroy complete! Resources: ${resourceCount()} destroyed.`);
      expect((await kube("/api/v1/namespaces/kodus")).httpStatus).toBe(404);
      const released = (await kube("/api/v1/persistentvolumes")).items.filter((pv: any) => pv.status.phase === "Released");
      expect(released.map((pv: any) => pv.spec.claimRef.name).sort()).toEqual([
        "data-kodus-mongodb-0",
        "data-kodus-postgres-0",
        "data-kodus-rabbitmq-0",
      ]);
      expect(run("bash", [SCRIPT, "release-volumes"]).status).toBe(0);
    });
  });

  describe("the Helm chart with Helm 4 (server-side apply), namespace kodus-helm", () => {
    const helm = (label: string, args: string[]) =>
      timed(
        label,
        run(process.env.HELM_BIN || join(PROJECT_ROOT, ".tools", "bin", "helm"), [...args, "-n", "kodus-helm", "--kubeconfig", KUBECONFIG]),
      );
    const chart = join(PROJECT_ROOT, "helm", "kodus-chutes");

    test("install --wait, upgrade with a revision bump rolls the Deployments that read the Secret, helm test passes, uninstall keeps what the README says", async () => {
      const install = helm("helm install --wait", [
        "install",
        "kodus",
        chart,
        "--set-string",
        `secrets.values.chutes_api_key=${FAKE_CHUTES_KEY}`,
        "--wait",
        "--timeout",
        "5m",
      ]);
      expect(install.output).toContain("STATUS: deployed");
      const api = await kube("/apis/apps/v1/namespaces/kodus-helm/deployments/kodus-api");
      expect(api.metadata.managedFields.map((f: any) => `${f.manager}/${f.operation}`)).toContain("helm/Apply");

      const before = names(await kube("/apis/apps/v1/namespaces/kodus-helm/replicasets"));
      const upgrade = helm("helm upgrade --wait (revision 2)", [
        "upgrade",
        "kodus",
        chart,
        "--reuse-values",
        "--set",
        "secrets.revision=2",
        "--wait",
        "--timeout",
        "5m",
      ]);
      expect(upgrade.output).toContain("REVISION: 2");
      const after = names(await kube("/apis/apps/v1/namespaces/kodus-helm/replicasets"));
      const added = after.filter((n) => !before.includes(n)).map((n) => n.replace(/-[a-z0-9]+$/, ""));
      expect(added.sort()).toEqual(ROLLED_BY_A_SECRETS_REVISION);

      const test = helm("helm test", ["test", "kodus", "--timeout", "3m"]);
      expect(test.output).toMatch(/TEST SUITE:\s+kodus-test[\s\S]*Phase:\s+Succeeded/);
      expect(test.status).toBe(0);

      const uninstall = helm("helm uninstall --wait", ["uninstall", "kodus", "--wait"]);
      expect(uninstall.status).toBe(0);
      // Kept on purpose (helm.sh/resource-policy: keep): the Secret, the migration Job and the volumes' claims.
      expect(names(await kube("/api/v1/namespaces/kodus-helm/secrets"))).toEqual(["kodus-secrets"]);
      expect(names(await kube("/api/v1/namespaces/kodus-helm/persistentvolumeclaims"))).toEqual([
        "data-kodus-mongodb-0",
        "data-kodus-postgres-0",
        "data-kodus-rabbitmq-0",
      ]);
      expect(names(await kube("/apis/apps/v1/namespaces/kodus-helm/deployments"))).toEqual([]);
    });
  });
});
