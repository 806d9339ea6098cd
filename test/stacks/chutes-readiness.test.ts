/**
 * Review-readiness and cost wiring of the probe (issue #22), as the stacks deploy it: every
 * check requires tools from the listing; only the periodic checks (Docker monitor, Kubernetes
 * CronJob) get the schedule, which makes the probe spend a completion only as often as 1 % of
 * the daily quota allows; the preflights get none (their one completion is always spent); and
 * the periodic check may reach the management API (its free key and quota read) with the budget
 * watch off. Values are written out here, not read back from the code.
 */
import { synthStack } from "../helpers/synth";

const envOf = (container: { env: { name: string; value?: string }[] }) =>
  Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
const dockerEnv = (list: string[]) => Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

test("Docker: the monitor gets the schedule, the preflight does not; both require tools", () => {
  const { json } = synthStack("docker", { healthcheck: { schedule: "*/10 * * * *" } });
  const preflight = dockerEnv(json.resource.docker_container["chutes-preflight"].env);
  const monitor = dockerEnv(json.resource.docker_container["chutes-monitor"].env);
  expect(preflight.PROBE_SCHEDULE).toBeUndefined();
  expect(preflight.PROBE_REQUIRE).toBe("tools,structured-outputs");
  expect(monitor).toMatchObject({ PROBE_SCHEDULE: "*/10 * * * *", PROBE_REQUIRE: "tools,structured-outputs" });
  expect(json.resource.docker_container["chutes-monitor"].healthcheck.interval).toBe("10m0s");
});

test("Kubernetes: the CronJob's containers get the schedule, the preflight Job does not", () => {
  const { json } = synthStack("kubernetes");
  const cron = json.resource.kubernetes_cron_job_v1["chutes-healthcheck"];
  const preflight = json.resource.kubernetes_job_v1["chutes-preflight"].spec.template.spec.container;
  for (const c of cron.spec.job_template.spec.template.spec.container) {
    expect(envOf(c)).toMatchObject({ PROBE_SCHEDULE: cron.spec.schedule, PROBE_REQUIRE: "tools,structured-outputs" });
  }
  expect(cron.spec.schedule).toBe("*/15 * * * *"); // the default schedule is kept
  for (const c of preflight) {
    expect(envOf(c).PROBE_SCHEDULE).toBeUndefined();
    expect(envOf(c).PROBE_REQUIRE).toBe("tools,structured-outputs");
  }
});

test("structured output is required exactly where Kodus is told to trust the base URL with json_schema", () => {
  for (const [input, required, trusted] of [
    [{}, "tools,structured-outputs", "https://llm.chutes.ai/v1"],
    [{ llm: { structuredOutput: false } }, "tools", undefined],
  ] as const) {
    const docker = synthStack("docker", input).json.resource.docker_container;
    expect(dockerEnv(docker["chutes-preflight"].env).PROBE_REQUIRE).toBe(required);
    expect(dockerEnv(docker.api.env).API_TRUST_JSON_SCHEMA_BASE_URLS).toBe(trusted);
    const job = synthStack("kubernetes", input).json.resource.kubernetes_job_v1["chutes-preflight"];
    expect(envOf(job.spec.template.spec.container[0]).PROBE_REQUIRE).toBe(required);
  }
});

test("Kubernetes: with the budget watch off, the periodic check's egress still reaches the management API", () => {
  const { json } = synthStack("kubernetes", {
    llm: { managementUrl: "https://mgmt.example.com:9443" },
    healthcheck: { budget: { enabled: false } },
  });
  const egress = json.resource.kubernetes_network_policy_v1["chutes-probe-egress"].spec.egress;
  expect(egress[1].ports.map((p: { port: string }) => p.port)).toEqual(["443", "9443"]);
  const noPeriodic = synthStack("kubernetes", {
    llm: { managementUrl: "https://mgmt.example.com:9443" },
    healthcheck: { budget: { enabled: false }, periodic: false },
  }).json;
  expect(
    noPeriodic.resource.kubernetes_network_policy_v1["chutes-probe-egress"].spec.egress[1].ports.map((p: { port: string }) => p.port),
  ).toEqual(["443"]);
});
