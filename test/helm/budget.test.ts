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

describe("PrometheusRule (healthcheck.prometheusRule)", () => {
  const rule = (values: object) => byKind(render({ values: { ...VALUES, ...values } }), "PrometheusRule");

  test("off by default: the Prometheus Operator's CRD is not assumed", () => {
    expect(rule({})).toEqual([]);
  });

  test("enabled: one alert per CronJob container, on kube-state-metrics' terminated reason, latest finished pod only", () => {
    const [r] = rule({ healthcheck: { prometheusRule: { enabled: true, labels: { release: "kube-prometheus-stack" } } } });
    expect(r.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(r.metadata.labels?.release).toBe("kube-prometheus-stack");
    const rules = r.spec.groups[0].rules;
    expect(rules.map((x: { alert: string }) => x.alert)).toEqual(["KodusChutesCheckStale", "KodusChutesCheckFailing", "KodusChutesBudgetCritical"]);
    const byAlert = Object.fromEntries(rules.map((x: { alert: string }) => [x.alert, x]));
    for (const [alert, container] of [["KodusChutesCheckFailing", "probe"], ["KodusChutesBudgetCritical", "budget"]]) {
      const expr: string = byAlert[alert].expr;
      expect(expr).toContain(`kube_pod_container_status_terminated_reason{namespace="kodus", pod=~"kodus-chutes-healthcheck-[0-9]+-[a-z0-9]+", container="${container}", reason!="Completed"} == 1`);
      expect(expr).toMatch(/topk by \(namespace\) \(1,\s+kube_pod_created\{/);
      expect(expr).toContain(`kube_pod_container_status_terminated{namespace="kodus", pod=~"kodus-chutes-healthcheck-[0-9]+-[a-z0-9]+", container="${container}"} == 1`);
      // Balanced braces and parentheses (a cheap syntax check of the PromQL).
      for (const [open, close] of [["(", ")"], ["{", "}"]]) expect(expr.split(open).length).toBe(expr.split(close).length);
      expect(byAlert[alert].annotations.description).toContain(`kubectl -n kodus logs {{ $labels.pod }} -c ${container}`);
    }
    expect(byAlert.KodusChutesCheckFailing.labels.severity).toBe("critical");
  });

  test("no budget watch, no budget alert; no periodic check, no rule", () => {
    const [r] = rule({ healthcheck: { prometheusRule: { enabled: true }, budget: { enabled: false } } });
    expect(r.spec.groups[0].rules.map((x: { alert: string }) => x.alert)).toEqual(["KodusChutesCheckStale", "KodusChutesCheckFailing"]);
    expect(rule({ healthcheck: { prometheusRule: { enabled: true }, periodic: false } })).toEqual([]);
  });
});

describe("KodusChutesCheckStale: the CronJob stopped producing successful runs", () => {
  const stale = (healthcheck: object) => {
    const [r] = byKind(render({ values: { ...VALUES, healthcheck: { prometheusRule: { enabled: true }, ...healthcheck } } }), "PrometheusRule");
    return r.spec.groups[0].rules.find((x: { alert: string }) => x.alert === "KodusChutesCheckStale");
  };
  const threshold = (expr: string) => Number(/\) > ([0-9]+)\n$/.exec(expr)![1]);

  test("the last success (before the first one: the CronJob's creation) older than 3 runs of the schedule", () => {
    const { expr, labels, annotations } = stale({});
    const cron = 'namespace="kodus", cronjob="kodus-chutes-healthcheck"';
    expect(expr).toBe(
      `time() - max by (namespace, cronjob) (\n  kube_cronjob_status_last_successful_time{${cron}}\n  or\n  kube_cronjob_created{${cron}}\n) > 2700\n`,
    );
    expect(labels.severity).toBe("warning");
    expect(annotations.description).toContain("for more than 45 minutes");
    expect(annotations.description).toContain("kubectl -n kodus get cronjob,jobs,pods");
  });

  // Thresholds worked out by hand: 3 x the longest gap between two runs of the day.
  test.each([
    ["7 */2 * * *", 3 * 120 * 60],
    ["0,45 * * * *", 3 * 45 * 60],
    ["*/7 * * * *", 3 * 7 * 60], // 0, 7, ..., 56, then 0 of the next hour (4)
    ["5-20/5 1,13 * * *", 3 * (11 * 60 + 45) * 60], // 13:20 to 1:05
    ["* * * * *", 3 * 60],
  ])("schedule %s: %i s", (schedule, seconds) => {
    expect(threshold(stale({ schedule }).expr)).toBe(seconds);
  });

  test("staleAfterMinutes overrides it; a schedule the chart cannot read needs it, and the render says so", () => {
    expect(threshold(stale({ prometheusRule: { enabled: true, staleAfterMinutes: 90 } }).expr)).toBe(5400);
    const r = tryRender({ values: { ...VALUES, healthcheck: { schedule: "7 */2 * * 1-5", prometheusRule: { enabled: true } } } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('healthcheck.schedule "7 */2 * * 1-5"');
    expect(r.stderr).toContain("set healthcheck.prometheusRule.staleAfterMinutes");
    expect(threshold(stale({ schedule: "7 */2 * * 1-5", prometheusRule: { enabled: true, staleAfterMinutes: 9000 } }).expr)).toBe(540_000);
  });
});

test("review readiness (#22): the CronJob's containers get the schedule and require tools; the preflight hook gets no schedule; egress keeps the management port with the budget off", () => {
  const objects = render({ values: { ...VALUES, healthcheck: { schedule: "*/20 * * * *" } } });
  for (const c of podSpec(find(objects, "CronJob", "kodus-chutes-healthcheck")).containers) {
    expect(c.env).toEqual(expect.arrayContaining([{ name: "PROBE_SCHEDULE", value: "*/20 * * * *" }, { name: "PROBE_REQUIRE", value: "tools,structured-outputs" }]));
  }
  const preflight = podSpec(objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-chutes-preflight"))!).containers[0].env as { name: string; value?: string }[];
  expect(preflight).toEqual(expect.arrayContaining([{ name: "PROBE_REQUIRE", value: "tools,structured-outputs" }]));
  const noJsonSchema = render({ values: { ...VALUES, llm: { structuredOutput: false } } });
  expect(podSpec(noJsonSchema.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-chutes-preflight"))!).containers[0].env).toEqual(
    expect.arrayContaining([{ name: "PROBE_REQUIRE", value: "tools" }]),
  );
  expect(preflight.map((e) => e.name)).not.toContain("PROBE_SCHEDULE");
  const off = render({ values: { ...VALUES, llm: { managementUrl: "https://mgmt.example.com:9443" }, healthcheck: { budget: { enabled: false } } } });
  expect(find(off, "NetworkPolicy", "kodus-chutes-probe-egress").spec.egress[1].ports).toEqual([{ port: 443, protocol: "TCP" }, { port: 9443, protocol: "TCP" }]);
});

test("healthcheck.resources: every check container (preflight hook, the CronJob's probe and budget) gets them; a request above its limit fails", () => {
  const resources = { requests: { cpu: "20m", memory: "96Mi" }, limits: { cpu: "300m", memory: "192Mi" } };
  const objects = render({ values: { ...VALUES, healthcheck: { resources } } });
  const checks = objects.filter((o) => ["Job", "CronJob"].includes(o.kind) && o.metadata.name.includes("chutes-"));
  const containers = checks.flatMap((o) => podSpec(o).containers);
  expect(containers.map((c: { name: string }) => c.name).sort()).toEqual(["budget", "probe", "probe"]);
  for (const c of containers) expect([c.name, c.resources]).toEqual([c.name, resources]);
  const r = tryRender({ values: { ...MINIMAL_VALUES, healthcheck: { resources: { requests: { memory: "256Mi" } } } } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("healthcheck.resources");
});
