/**
 * Constructs name their Terraform addresses from their own id, so one can be used twice in a
 * stack; a clash that cdktf would silently merge into one resource is an error instead.
 */
import { Testing, TerraformStack } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { addressOf, setAddress } from "../../constructs/addresses";
import { KodusWorkload, type KodusWorkloadProps } from "../../constructs/kubernetes/kodus-workload";
import { WriteOnlySecret } from "../../constructs/kubernetes/write-only-secret";
import { DockerImages } from "../../constructs/docker/docker-images";

const workload = (component: string): KodusWorkloadProps => ({
  component,
  row: { port: 3001, health: { liveness: "/l", readiness: "/r" }, startupSeconds: 60, service: true, writablePaths: [] },
  pod: {
    namespace: "ns",
    labels: { instance: "kodus", version: "1.0.0" },
    image: "example.invalid/api:1",
    resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
    configMapName: "env",
    env: [],
    serviceAccountName: "sa",
  },
  replicas: 2,
  ingressFrom: { kind: "none" },
  rolloutTimeoutSeconds: 600,
});

function k8sStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new KubernetesProvider(stack, "k8s", {});
  return stack;
}
const resources = (stack: TerraformStack) => JSON.parse(Testing.synth(stack)).resource as Record<string, Record<string, any>>;

test("a Kodus component used twice under two ids gets two sets of addresses, each named by its id", () => {
  const stack = k8sStack();
  new KodusWorkload(stack, "api", workload("api"));
  new KodusWorkload(stack, "api-canary", workload("canary"));
  const tf = resources(stack);
  for (const type of [
    "kubernetes_deployment_v1",
    "kubernetes_service_v1",
    "kubernetes_pod_disruption_budget_v1",
    "kubernetes_network_policy_v1",
  ]) {
    expect([type, Object.keys(tf[type]).sort()]).toEqual([type, ["api", "api-canary"]]);
  }
  expect(tf.kubernetes_deployment_v1["api-canary"].metadata.name).toBe("kodus-canary");
});

test("one write-only Secret construct, two Secrets: each addressed by its id", () => {
  const stack = k8sStack();
  const common = { namespace: "ns", labels: { instance: "kodus", version: "1" }, component: "secrets", revision: 1 };
  new WriteOnlySecret(stack, "secret", { ...common, name: "a", data: { K: "${var.k}" } });
  new WriteOnlySecret(stack, "preflight-key", { ...common, name: "b", data: { K: "${var.k}" } });
  expect(Object.keys(resources(stack).kubernetes_secret_v1).sort()).toEqual(["preflight-key", "secret"]);
});

test("two resources of one type given the same address: an error naming both, not a silent merge", () => {
  const stack = k8sStack();
  setAddress(new NamespaceV1(stack, "a", { metadata: { name: "a" } }), "x");
  expect(() => setAddress(new NamespaceV1(stack, "b", { metadata: { name: "b" } }), "x")).toThrow(
    "Two resources would share the Terraform address kubernetes_namespace_v1.x in stack test: test/a and test/b",
  );
});

test("the same address in two types or two stacks is no clash", () => {
  const stack = k8sStack();
  setAddress(new NamespaceV1(stack, "a", { metadata: { name: "a" } }), "x");
  const other = k8sStack();
  expect(() => setAddress(new NamespaceV1(other, "a", { metadata: { name: "a" } }), "x")).not.toThrow();
});

test("addressOf: the construct's id, with a role after it", () => {
  const stack = k8sStack();
  const images = new DockerImages(stack, "image");
  expect(addressOf(images)).toBe("image");
  expect(addressOf(images, { suffix: "api" })).toBe("image-api");
});

test("an image is pulled once per key, and a key cannot name two images", () => {
  const stack = new TerraformStack(Testing.app(), "docker");
  new DockerProvider(stack, "docker", {});
  const images = new DockerImages(stack, "image");
  images.pull("api", "example.invalid/api:1");
  images.pull("api", "example.invalid/api:1");
  expect(() => images.pull("api", "example.invalid/api:2")).toThrow(
    "Image key api is already used for example.invalid/api:1, not example.invalid/api:2",
  );
  expect(Object.keys(resources(stack).docker_image)).toEqual(["image-api"]);
});
