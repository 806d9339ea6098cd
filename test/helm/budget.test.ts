/**
 * The chart's Chutes budget watch: values checks that JSON Schema cannot express, the URL
 * validation shared with the config file, and the probe egress policy's ports.
 */
import { EXPLICIT_SECRET_VALUES, MINIMAL_VALUES, byKind, find, helmBin, podSpec, render, tryRender } from "./helm";

const VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };

beforeAll(() => helmBin());

test("warnPercent above criticalPercent fails the render, naming both values", () => {
  const r = tryRender({ values: { ...MINIMAL_VALUES, healthcheck: { budget: { warnPercent: 96 } } } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("healthcheck.budget.warnPercent (96) must not exceed healthcheck.budget.criticalPercent (95)");
});

test.each([
  ["plain http management URL", { llm: { managementUrl: "http://api.chutes.ai" } }, "managementUrl"],
  ["percent above 100", { healthcheck: { budget: { criticalPercent: 101 } } }, "criticalPercent"],
])("the values schema rejects a %s", (_name, values, field) => {
  const r = tryRender({ values: { ...MINIMAL_VALUES, ...values } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(field);
});

test("the CronJob's budget container and the egress ports follow the values", () => {
  const objects = render({ values: { ...VALUES, llm: { managementUrl: "https://mgmt.example.com:9443" } } });
  const containers = podSpec(find(objects, "CronJob", "kodus-chutes-healthcheck")).containers;
  expect(containers.map((c: { name: string }) => c.name)).toEqual(["probe", "budget"]);
  expect(containers[1].env).toEqual(expect.arrayContaining([{ name: "PROBE_BUDGET", value: "only" }, { name: "PROBE_MANAGEMENT_URL", value: "https://mgmt.example.com:9443" }]));
  const egress = find(objects, "NetworkPolicy", "kodus-chutes-probe-egress").spec.egress;
  expect(egress[1].ports).toEqual([{ port: 443, protocol: "TCP" }, { port: 9443, protocol: "TCP" }]);
  const off = render({ values: { ...VALUES, healthcheck: { budget: { enabled: false } } } });
  expect(podSpec(find(off, "CronJob", "kodus-chutes-healthcheck")).containers).toHaveLength(1);
  expect(byKind(off, "PrometheusRule")).toEqual([]);
});
