/**
 * Summary snapshots: what each target deploys, in tens of lines per component (see summary.ts),
 * so a reviewer sees a deployed change in the snapshot diff. They guard against unintended
 * change; the focused tests elsewhere prove intent. Jest runs with `ci: true`: a missing
 * snapshot fails. Update with `npx jest test/summary -u` only after reading the diff and
 * agreeing that the deployment should change that way (docs/development.md).
 */
import { modelFromManifests, modelFromTerraform } from "../../review/model";
import { EXPLICIT_SECRET_FLAGS, render } from "../helm/helm";
import { synthStack } from "../helpers/synth";
import { deployedSummary } from "./summary";

const stackSummary = (name: "docker" | "kubernetes", input = {}) => deployedSummary(modelFromTerraform(name, synthStack(name, input).json));
const chartSummary = (flags: string[] = []) =>
  deployedSummary(
    modelFromManifests("helm", render({ flags: [...EXPLICIT_SECRET_FLAGS, ...flags] }) as unknown as Record<string, unknown>[]).stacks[0],
  );

test("Docker stack, defaults", () => {
  expect(stackSummary("docker")).toMatchSnapshot();
});

test("Kubernetes stack, defaults", () => {
  expect(stackSummary("kubernetes")).toMatchSnapshot();
});

test("Helm chart, default render", () => {
  expect(chartSummary()).toMatchSnapshot();
});

test("the summaries change when a deployed setting changes, and never show a secret value", () => {
  const base = stackSummary("kubernetes");
  const scaled = stackSummary("kubernetes", { kubernetes: { replicas: { worker: 3 } } });
  expect(scaled).not.toBe(base);
  expect(scaled.replace(/replicas: 3/, "replicas: 2")).toContain("replicas: 2");
  expect(chartSummary(["--set", "replicas.web=4"])).not.toBe(chartSummary());
  for (const text of [base, stackSummary("docker"), chartSummary()]) {
    expect(text).toContain("API_OPEN_AI_API_KEY = (secret:");
    expect(text).not.toMatch(/cpk_[A-Za-z0-9]/);
  }
});
