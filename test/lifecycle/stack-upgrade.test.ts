/**
 * Upgrading a deployment of the previous release of this package (PREVIOUS_RELEASE) to this
 * one, for the two stacks, as a team would review it: `npm run review -- --base <previous>` in
 * this repository (real git worktree, both sides synthesized with their own code). The
 * expected verdicts come from the providers' documented rules, written out here:
 * - Docker: container env and command are ForceNew (kreuzwerker/docker 3.6.2), so every
 *   container whose settings changed is recreated; the data stores' named volumes are separate
 *   resources and are kept (a restart, never data loss).
 * - Kubernetes: ConfigMap and Deployment changes apply in place (rolling restarts); a Job's pod
 *   template is immutable, so the renamed migration and preflight Jobs are new Jobs; the
 *   write-only Secret is rewritten only with a secrets_revision bump, which `npm run secrets`
 *   makes when it adds the new secret inputs (tested in generate-secrets.test.ts).
 */
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../helpers/cli";
import { PREVIOUS_RELEASE } from "./steps";

let report = "";
let status: number | null = null;

beforeAll(() => {
  const r = spawnSync(
    process.execPath,
    [`${PROJECT_ROOT}/scripts/ts-run.cjs`, `${PROJECT_ROOT}/scripts/review.ts`, "--base", PREVIOUS_RELEASE],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 240_000,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", CHECKPOINT_DISABLE: "1" },
    },
  );
  if (r.error) throw r.error;
  if (r.status === 1) throw new Error(`npm run review failed:\n${r.stderr}`);
  report = r.stdout;
  status = r.status;
}, 300_000);

const section = (stack: string) => {
  const start = report.indexOf(`### stack \`${stack}\``);
  const end = report.indexOf("### stack", start + 1);
  return report.slice(start, end < 0 ? undefined : end);
};

test("nothing can lose data: exit 0 and the verdict says so", () => {
  expect(status).toBe(0);
  expect(report).toMatch(/\*\*Verdict:\*\* .*no data at risk/);
  expect(report).not.toContain("🛑");
});

test("docker: the data stores whose settings changed are recreated with their volumes kept", () => {
  const docker = section("docker");
  expect(docker).toContain("- rabbitmq: recreated (container replaced: downtime) (env RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS)");
  expect(docker).toContain(
    "`docker_container.rabbitmq`: a data-store container is replaced (downtime while it restarts); its named volumes and their data are kept",
  );
  expect(docker).not.toMatch(/docker_volume\.[^\n]*(replaced|destroyed)/);
  expect(docker).toContain("mcp-manager added (container `kodus-mcp-manager`)");
});

test("kubernetes: rolling updates in place, new Jobs for the renamed ones, and the Secret needs the revision bump", () => {
  const k8s = section("kubernetes");
  expect(k8s).toMatch(/updated: `kubernetes_deployment_v1\.api`/);
  expect(k8s).not.toMatch(/kubernetes_deployment_v1\.\w+`[^\n]*replaced/);
  expect(k8s).toMatch(/`kubernetes_job_v1\.migrate` \(Job [^)]*\) replaced by `metadata\.name`/);
  expect(k8s).not.toMatch(/kubernetes_stateful_set_v1[^\n]*replaced/);
  expect(k8s).toContain("bump secrets_revision with this deploy");
});
