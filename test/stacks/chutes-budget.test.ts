/**
 * The Chutes budget watch as the stacks deploy it: which mode each check runs the probe in,
 * the Kubernetes CronJob's separate "budget" container, and the probes' egress policy.
 * Values are written out here (env names, modes, ports), not read back from the code.
 */
import { synthStack } from "../helpers/synth";

const envOf = (container: { env: { name: string; value?: string }[] }) =>
  Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
const dockerEnv = (list: string[]) => Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

describe("Docker", () => {
  test("the preflight reports the budget, the monitor alerts on it; URL and thresholds from the config", () => {
    const { json } = synthStack("docker", {
      llm: { managementUrl: "https://mgmt.example.com/" },
      healthcheck: { budget: { warnPercent: 70, criticalPercent: 90 } },
    });
    const preflight = dockerEnv(json.resource.docker_container["chutes-preflight"].env);
    const monitor = dockerEnv(json.resource.docker_container["chutes-monitor"].env);
    expect(preflight).toMatchObject({
      PROBE_BUDGET: "report",
      PROBE_MANAGEMENT_URL: "https://mgmt.example.com",
      PROBE_BUDGET_WARN_PERCENT: "70",
      PROBE_BUDGET_CRITICAL_PERCENT: "90",
    });
    expect(monitor).toMatchObject({ PROBE_BUDGET: "alert", PROBE_MANAGEMENT_URL: "https://mgmt.example.com" });
    // The monitor's healthcheck is the probe itself: its exit 3 (budget_critical) is "unhealthy".
    expect(json.resource.docker_container["chutes-monitor"].healthcheck.test).toEqual([
      "CMD",
      "node",
      "/opt/kodus-chutes-probe/chutes-probe.mjs",
    ]);
  });

  test("budget off: both run the probe without it, and no check block", () => {
    const { json } = synthStack("docker", { healthcheck: { budget: { enabled: false } } });
    expect(dockerEnv(json.resource.docker_container["chutes-preflight"].env).PROBE_BUDGET).toBe("off");
    expect(dockerEnv(json.resource.docker_container["chutes-monitor"].env).PROBE_BUDGET).toBe("off");
    expect(json.check).toBeUndefined();
  });
});

describe("Kubernetes", () => {
  const { json } = synthStack("kubernetes");
  const cronPod = json.resource.kubernetes_cron_job_v1["chutes-healthcheck"].spec.job_template.spec.template.spec;
  const preflightPod = json.resource.kubernetes_job_v1["chutes-preflight"].spec.template.spec;

  test("the CronJob pod: 'probe' reports the budget, 'budget' reads only the budget; same image, key and code", () => {
    expect(cronPod.container.map((c: { name: string }) => c.name)).toEqual(["probe", "budget"]);
    const [probe, budget] = cronPod.container;
    expect(envOf(probe)).toMatchObject({
      PROBE_BUDGET: "report",
      PROBE_MANAGEMENT_URL: "https://api.chutes.ai",
      PROBE_BUDGET_WARN_PERCENT: "80",
      PROBE_BUDGET_CRITICAL_PERCENT: "95",
    });
    expect(envOf(budget)).toMatchObject({ PROBE_BUDGET: "only", PROBE_MANAGEMENT_URL: "https://api.chutes.ai" });
    expect(budget.image).toBe(probe.image);
    expect(budget.command).toEqual(probe.command);
    expect(budget.env.find((e: { name: string }) => e.name === "CHUTES_API_KEY")).toEqual(
      probe.env.find((e: { name: string }) => e.name === "CHUTES_API_KEY"),
    );
    expect(budget.termination_message_policy).toBe("FallbackToLogsOnError");
  });

  test("the preflight has one container, in report mode (a near cap never fails a deploy)", () => {
    expect(preflightPod.container).toHaveLength(1);
    expect(envOf(preflightPod.container[0]).PROBE_BUDGET).toBe("report");
  });

  test("budget off: no budget container, the probe does not read it", () => {
    const off = synthStack("kubernetes", { healthcheck: { budget: { enabled: false } } }).json;
    const pod = off.resource.kubernetes_cron_job_v1["chutes-healthcheck"].spec.job_template.spec.template.spec;
    expect(pod.container.map((c: { name: string }) => c.name)).toEqual(["probe"]);
    expect(envOf(pod.container[0]).PROBE_BUDGET).toBe("off");
  });

  test("the probe pods may reach DNS and the inference and management ports, nothing else", () => {
    const policy = json.resource.kubernetes_network_policy_v1["chutes-probe-egress"];
    expect(policy.spec.policy_types).toEqual(["Egress"]);
    expect(policy.spec.pod_selector.match_expressions).toEqual([
      { key: "app.kubernetes.io/component", operator: "In", values: ["chutes-preflight", "chutes-healthcheck"] },
    ]);
    expect(policy.spec.egress).toEqual([
      {
        ports: [
          { port: "53", protocol: "UDP" },
          { port: "53", protocol: "TCP" },
        ],
      },
      { ports: [{ port: "443", protocol: "TCP" }] },
    ]);
    const custom = synthStack("kubernetes", {
      llm: { baseUrl: "https://gw.example.com:8443/v1", managementUrl: "https://mgmt.example.com:9443" },
    }).json;
    expect(custom.resource.kubernetes_network_policy_v1["chutes-probe-egress"].spec.egress[1].ports).toEqual([
      { port: "8443", protocol: "TCP" },
      { port: "9443", protocol: "TCP" },
    ]);
  });
});

describe("Kubernetes PrometheusRule (healthcheck.prometheusRule)", () => {
  test("none by default: the CRD is not assumed", () => {
    expect(synthStack("kubernetes").json.resource.kubernetes_manifest).toBeUndefined();
  });

  test("enabled: a PrometheusRule on the CronJob's probe and budget containers, after the CronJob", () => {
    const { json } = synthStack("kubernetes", { healthcheck: { prometheusRule: { enabled: true, labels: { release: "kps" } } } });
    const r = json.resource.kubernetes_manifest["chutes-alerts"];
    expect(r.manifest.kind).toBe("PrometheusRule");
    expect(r.manifest.metadata).toMatchObject({ name: "kodus-chutes", namespace: "kodus", labels: { release: "kps" } });
    expect(r.depends_on).toEqual(["kubernetes_cron_job_v1.chutes-healthcheck"]);
    const rules = r.manifest.spec.groups[0].rules;
    expect(rules.map((x: { alert: string }) => x.alert)).toEqual([
      "KodusChutesCheckStale",
      "KodusChutesCheckFailing",
      "KodusChutesBudgetCritical",
    ]);
    expect(rules[2].expr).toContain(
      'kube_pod_container_status_terminated_reason{namespace="kodus", pod=~"kodus-chutes-healthcheck-[0-9]+-[a-z0-9]+", container="budget", reason!="Completed"} == 1',
    );
  });

  const staleThreshold = (healthcheck: object) => {
    const { json } = synthStack("kubernetes", {
      healthcheck: { ...healthcheck, prometheusRule: { enabled: true, ...(healthcheck as any).prometheusRule } },
    });
    const rule = json.resource.kubernetes_manifest["chutes-alerts"].manifest.spec.groups[0].rules[0];
    expect(rule.alert).toBe("KodusChutesCheckStale");
    expect(rule.expr).toContain('kube_cronjob_status_last_successful_time{namespace="kodus", cronjob="kodus-chutes-healthcheck"}');
    return Number(/\) > ([0-9]+)\n$/.exec(rule.expr)![1]);
  };
  // By hand: 3 x the longest gap between two runs (the chart's table in test/helm/budget.test.ts).
  test.each([
    ["*/15 * * * *", 3 * 15 * 60],
    ["5-20/5 1,13 * * *", 3 * (11 * 60 + 45) * 60],
    ["7 */2 * * 1-5", 3 * (2 * 24 * 60 + 2 * 60) * 60], // Friday 22:07 to Monday 00:07
    ["0 3 1 * *", 3 * 31 * 24 * 60 * 60], // the longest month
  ])("stale alert: schedule %s waits %i s", (schedule, seconds) => {
    expect(staleThreshold({ schedule })).toBe(seconds);
  });

  test("staleAfterMinutes overrides it, and must exceed the schedule's longest gap", () => {
    expect(staleThreshold({ prometheusRule: { staleAfterMinutes: 20 } })).toBe(1200);
    expect(() =>
      synthStack("kubernetes", { healthcheck: { schedule: "7 */2 * * *", prometheusRule: { enabled: true, staleAfterMinutes: 120 } } }),
    ).toThrow(
      /healthcheck\.prometheusRule\.staleAfterMinutes: must be more than the longest gap between two runs of healthcheck\.schedule "7 \*\/2 \* \* \*" \(120 minutes\)/,
    );
  });

  test("without the periodic check there is nothing to alert on", () => {
    expect(
      synthStack("kubernetes", { healthcheck: { prometheusRule: { enabled: true }, periodic: false } }).json.resource.kubernetes_manifest,
    ).toBeUndefined();
  });
});

test("healthcheck.resources: every check container (preflight Job, the CronJob's probe and budget) gets them", () => {
  const resources = { requests: { cpu: "20m", memory: "96Mi" }, limits: { cpu: "300m", memory: "192Mi" } };
  const { json } = synthStack("kubernetes", { healthcheck: { resources } });
  const cron = Object.values(json.resource.kubernetes_cron_job_v1 as Record<string, any>)[0].spec.job_template.spec.template.spec;
  const jobs = Object.values(json.resource.kubernetes_job_v1 as Record<string, any>).filter((j) =>
    j.metadata.name.includes("chutes-preflight"),
  );
  const containers = [...cron.container, ...jobs.flatMap((j) => j.spec.template.spec.container)];
  expect(containers.map((c: { name: string }) => c.name).sort()).toEqual(["budget", "probe", "probe"]);
  for (const c of containers) expect([c.name, c.resources]).toEqual([c.name, resources]);
  expect(() => synthStack("kubernetes", { healthcheck: { resources: { requests: { memory: "256Mi" } } } })).toThrow(
    /healthcheck\.resources/,
  );
});
