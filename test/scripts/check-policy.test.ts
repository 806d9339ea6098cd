/**
 * The policy check's acceptance rules (scripts/check-policy.ts; checkov itself runs in .ci/run,
 * `npm run check:policy`): an unknown finding fails, a narrowed acceptance covers only its place,
 * and every accepted finding is explained in docs/policy-checks.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCEPTED, accepted } from "../../scripts/check-policy";

const finding = (id: string, target: string, resource: string) => ({ id, target, resource, name: "n" });

test("a finding nobody accepted fails; accepted ones pass", () => {
  expect(accepted(finding("CKV_K8S_20", "chart", "Deployment.default.kodus-api"))).toBe(false);
  expect(accepted(finding("CKV_K8S_43", "kubernetes stack", "kubernetes_deployment_v1.api"))).toBe(true);
});

test("narrowed acceptances cover only their place", () => {
  expect(accepted(finding("CKV_K8S_21", "chart", "Deployment.default.kodus-api"))).toBe(true);
  expect(accepted(finding("CKV_K8S_21", "kubernetes stack", "kubernetes_deployment_v1.api"))).toBe(false);
  expect(accepted(finding("CKV_K8S_22", "chart", "StatefulSet.default.kodus-rabbitmq"))).toBe(true);
  expect(accepted(finding("CKV_K8S_22", "chart", "Deployment.default.kodus-api"))).toBe(false);
  expect(accepted(finding("CKV_K8S_8", "chart", "Pod.default.kodus-test"))).toBe(true);
  expect(accepted(finding("CKV_K8S_8", "chart", "Deployment.default.kodus-web"))).toBe(false);
});

test("every accepted finding is explained in docs/policy-checks.md", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "docs", "policy-checks.md"), "utf8");
  for (const id of Object.keys(ACCEPTED)) expect([id, doc.includes(`\`${id}\``)]).toEqual([id, true]);
});
