/**
 * The probe's budget watch: the real probe (probe/chutes-probe.mjs) against the local Chutes
 * stand-in, which also answers Chutes' management API (GET /users/me/subscription_usage and
 * GET /users/me/quota_usage/me). Each scenario maps to its documented status and exit code,
 * the budget read never adds a completion, its failure never changes the inference verdict,
 * and the key is never printed.
 *
 * No test here depends on a timing margin: a timeout is reached by moving the probe's virtual
 * clock once the stand-in holds the request (probe-runner.ts). Most runs evaluate the probe in this process
 * (probe-runner.ts); those about exit codes also run it as a real child process.
 */
import { PROBE_LINE_FIELDS as FIELDS } from "./probe-runner";
import {
  OK_COMPLETION,
  TEST_MODEL,
  chutesError,
  closedPortBaseUrl,
  quotaUsage,
  withChutesServer,
  subscriptionUsage,
  type ChutesServer,
  type Reply,
  type Scenario,
} from "./chutes-server";
import { runProbeProgram, type ProbeClock, type ProbeMode } from "./probe-runner";

const FAKE_KEY = "cpk_" + "budget".repeat(6) + ".fake.key"; // key-shaped, obviously fake
/** The documented exit codes (README "Chutes budget"), written out here, not read from the probe. */
const EXIT: Record<string, number> = { ok: 0, budget_warning: 0, config_error: 2, budget_critical: 3, budget_unavailable: 4 };
const exitFor = (status: string) => EXIT[status] ?? 1;

interface Window {
  usage: number | null;
  cap: number | null;
  remaining: number | null;
  percent: number | null;
  resetAt: string | null;
  capAt: string | null;
  uncapped?: boolean;
}
interface Budget {
  status: string;
  plan: string | null;
  window: string | null;
  percent: number | null;
  resetAt: string | null;
  capAt: string | null;
  detail: string;
  monthly: Window | null;
  fourHour: Window | null;
  dailyQuota: Window | null;
}
interface Result {
  status: string;
  ok: boolean;
  httpStatus: number | null;
  detail: string;
  hint: string;
  inference: string | null;
  budget: Budget | null;
}

async function runProbe(
  args: string[],
  env: Record<string, string> = {},
  mode: ProbeMode = "in-process",
  drive?: (clock: ProbeClock) => Promise<void>,
) {
  const run = await runProbeProgram(mode, args, { CHUTES_API_KEY: FAKE_KEY, ...env }, drive);
  expect(run.stdout + run.stderr).not.toContain(FAKE_KEY);
  expect(run.stderr).toBe("");
  const lines = run.stdout.split("\n");
  expect(lines).toHaveLength(2);
  const result = JSON.parse(lines[0]) as Result;
  expect(Object.keys(result)).toEqual(FIELDS);
  expect(run.code).toBe(exitFor(result.status));
  expect(result.ok).toBe(run.code === 0);
  expect(result.hint).toMatch(/^[A-Z].+\.$/);
  expect(result.detail.length).toBeLessThanOrEqual(200);
  return { ...run, result };
}

const completions = (s: ChutesServer) => s.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions");
const managementReads = (s: ChutesServer) => s.requests.filter((r) => r.path.startsWith("/users/me/"));
const args = (s: ChutesServer, mode: string, extra: string[] = []) => [
  "--base-url",
  s.baseUrl,
  "--model",
  TEST_MODEL,
  "--management-url",
  s.managementUrl,
  "--budget",
  mode,
  ...extra,
];

interface Case {
  name: string;
  scenario: Scenario;
  mode?: "alert" | "report" | "only";
  extra?: string[];
  status: string;
  inference: string | null;
  budget: string;
  window?: string | null;
  percent?: number;
  detail?: RegExp;
}

const cases: Case[] = [
  {
    name: "subscription at 10 %",
    scenario: { subscription: subscriptionUsage(10, 10), quota: quotaUsage(100) },
    status: "ok",
    inference: "ok",
    budget: "ok",
    window: "monthly",
    percent: 10,
  },
  {
    name: "four-hour window at 85 %",
    scenario: { subscription: subscriptionUsage(40, 85), quota: quotaUsage(100) },
    status: "budget_warning",
    inference: "ok",
    budget: "warning",
    window: "four_hour",
    percent: 85,
    detail: /^four_hour at 85% of its cap, resets /,
  },
  {
    name: "monthly cap at 97 %",
    scenario: { subscription: subscriptionUsage(97, 10), quota: quotaUsage(100) },
    status: "budget_critical",
    inference: "ok",
    budget: "critical",
    window: "monthly",
    percent: 97,
    detail: /monthly at 97% .*completion ok/,
  },
  {
    name: "daily quota at 96 %",
    scenario: { subscription: subscriptionUsage(10, 10), quota: quotaUsage(960) },
    status: "budget_critical",
    inference: "ok",
    budget: "critical",
    window: "daily_quota",
    percent: 96,
  },
  {
    name: "monthly cap exhausted: Chutes refuses the completion, the inference verdict wins",
    scenario: {
      subscription: subscriptionUsage(100, 30),
      quota: quotaUsage(100),
      completion: chutesError(402, "Subscription usage cap exceeded for the current billing period."),
    },
    status: "quota_exhausted",
    inference: "quota_exhausted",
    budget: "critical",
    window: "monthly",
    percent: 100,
    detail: /usage cap.*; budget critical: monthly at 100%/,
  },
  {
    name: "no subscription (pay-as-you-go)",
    scenario: { subscription: { status: 200, body: { subscription: false } }, quota: quotaUsage(0, "unlimited") },
    status: "ok",
    inference: "ok",
    budget: "pay_as_you_go",
    window: null,
  },
  {
    name: "custom plan without a monthly cap",
    scenario: {
      subscription: { status: 200, body: { subscription: true, custom: true, monthly_price: 500, monthly: { uncapped: true } } },
      quota: quotaUsage(0, "unlimited"),
    },
    status: "ok",
    inference: "ok",
    budget: "uncapped",
    window: null,
  },
  {
    name: "management API answers 401 (and echoes the key)",
    scenario: {
      subscription: (req) => chutesError(401, `Invalid token or user not found: ${req.headers.authorization}`),
      quota: chutesError(401, "Invalid token or user not found"),
    },
    status: "ok",
    inference: "ok",
    budget: "unavailable",
    detail: /^called report_health/,
  },
  {
    name: "management API answers HTML",
    scenario: {
      subscription: { status: 200, body: "<html><body>maintenance</body></html>" },
      quota: { status: 200, body: "<html></html>" },
    },
    status: "ok",
    inference: "ok",
    budget: "unavailable",
  },
  {
    name: "management API answers JSON of another shape",
    scenario: { subscription: { status: 200, body: { plan: "pro", usage: "lots" } }, quota: { status: 200, body: [1, 2, 3] } },
    status: "ok",
    inference: "ok",
    budget: "unavailable",
  },
  {
    name: "windows with strings for numbers and unix-seconds reset times",
    scenario: {
      subscription: {
        status: 200,
        body: {
          subscription: true,
          monthly: { usage: "90", cap: "100", reset_at: Math.floor(Date.now() / 1000) + 86400 },
          four_hour: { usage: null, cap: 0 },
        },
      },
      quota: quotaUsage(10),
    },
    status: "budget_warning",
    inference: "ok",
    budget: "warning",
    window: "monthly",
    percent: 90,
  },
  {
    name: "report mode (the preflight): a critical cap warns but the status stays the inference's",
    scenario: { subscription: subscriptionUsage(97, 10), quota: quotaUsage(100) },
    mode: "report",
    status: "ok",
    inference: "ok",
    budget: "critical",
    window: "monthly",
    detail: /^called report_health.*; budget critical: monthly at 97%/,
  },
  {
    name: "report mode: a failing completion still fails",
    scenario: { subscription: subscriptionUsage(10, 10), completion: chutesError(401, "Invalid token or user not found") },
    mode: "report",
    status: "auth_failed",
    inference: "auth_failed",
    budget: "ok",
  },
  {
    name: "alert mode: slow outranks a warning",
    scenario: { subscription: subscriptionUsage(85, 10), completion: { ...OK_COMPLETION, delayMs: 50 } },
    extra: ["--max-latency-ms", "1"],
    status: "slow",
    inference: "slow",
    budget: "warning",
  },
  {
    name: "alert mode: a critical cap outranks slow",
    scenario: { subscription: subscriptionUsage(97, 10), completion: { ...OK_COMPLETION, delayMs: 50 } },
    extra: ["--max-latency-ms", "1"],
    status: "budget_critical",
    inference: "slow",
    budget: "critical",
    detail: /completion slow: took/,
  },
  {
    name: "alert mode: an unreadable budget never changes the inference verdict",
    scenario: { subscription: chutesError(500, "Internal Server Error"), quota: chutesError(500, "Internal Server Error") },
    status: "ok",
    inference: "ok",
    budget: "unavailable",
  },
  {
    name: "only mode: budget read alone, critical",
    scenario: { subscription: subscriptionUsage(10, 99), quota: quotaUsage(10) },
    mode: "only",
    status: "budget_critical",
    inference: null,
    budget: "critical",
    window: "four_hour",
    percent: 99,
  },
  {
    name: "only mode: pay-as-you-go is ok",
    scenario: { subscription: { status: 200, body: { subscription: false } }, quota: quotaUsage(0, "unlimited") },
    mode: "only",
    status: "ok",
    inference: null,
    budget: "pay_as_you_go",
  },
  {
    name: "only mode: an unreadable budget is its own status",
    scenario: { subscription: chutesError(401, "Authentication required."), quota: chutesError(401, "Authentication required.") },
    mode: "only",
    status: "budget_unavailable",
    inference: null,
    budget: "unavailable",
    detail: /HTTP 401: Authentication required/,
  },
  {
    name: "thresholds are configurable",
    scenario: { subscription: subscriptionUsage(60, 10), quota: quotaUsage(10) },
    extra: ["--budget-warn-percent", "50", "--budget-critical-percent", "70"],
    status: "budget_warning",
    inference: "ok",
    budget: "warning",
    window: "monthly",
    percent: 60,
  },
];

/** Each exit code of the budget watch (0, 3, 4) once on a real child process. */
const ON_A_REAL_PROCESS = ["subscription at 10 %", "monthly cap at 97 %", "only mode: an unreadable budget is its own status"];
const realProcessCases = cases.filter((c) => ON_A_REAL_PROCESS.includes(c.name));
if (realProcessCases.length !== ON_A_REAL_PROCESS.length)
  throw new Error(`ON_A_REAL_PROCESS names a case that does not exist: ${ON_A_REAL_PROCESS.join(", ")}`);

describe("chutes probe: budget watch", () => {
  // One after another, not concurrent: the suite must not load the machine into other suites' timing margins.
  test.each([
    ...cases.map((c) => ({ ...c, run: "in-process" as const })),
    ...realProcessCases.map((c) => ({ ...c, run: "process" as const })),
  ])("$name → $status ($run)", async (c) => {
    await withChutesServer(c.scenario, async (server) => {
      const { result, code } = await runProbe(args(server, c.mode ?? "alert", c.extra), {}, c.run);
      if (c.run === "process") expect(code).toBe(EXIT[c.status]);
      expect(result.status).toBe(c.status);
      expect(result.inference).toBe(c.inference);
      expect(result.budget?.status).toBe(c.budget);
      if (c.window !== undefined) expect(result.budget?.window).toBe(c.window);
      if (c.percent !== undefined) expect(result.budget?.percent).toBe(c.percent);
      if (c.detail) expect(result.detail).toMatch(c.detail);
      // The budget read adds no completion (only mode sends none) and reads each endpoint once, with the key.
      expect(completions(server)).toHaveLength(c.mode === "only" ? 0 : 1);
      if (c.mode === "only") expect(server.requests.filter((r) => r.path.startsWith("/v1/"))).toHaveLength(0);
      expect(
        managementReads(server)
          .map((r) => r.path)
          .sort(),
      ).toEqual(["/users/me/quota_usage/me", "/users/me/subscription_usage"]);
      for (const r of managementReads(server)) {
        expect(r.method).toBe("GET");
        expect(r.headers.authorization).toBe(`Bearer ${FAKE_KEY}`);
      }
    });
  });

  test("a slow management API (2 s) is waited for; the completion is not delayed → budget_warning", async () => {
    // Both budget reads are held until the completion has been sent and answered, then 2 s pass.
    let completionArrived!: () => void;
    const completionSent = new Promise<void>((resolve) => (completionArrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const heldReads: string[] = [];
    const hold =
      (reply: Reply) =>
      (req: { path: string }): Reply => {
        heldReads.push(req.path);
        return { ...reply, until: released };
      };
    const scenario: Scenario = {
      subscription: hold(subscriptionUsage(85, 10)),
      quota: hold(quotaUsage(100)),
      completion: () => {
        completionArrived();
        return OK_COMPLETION;
      },
    };
    await withChutesServer(scenario, async (server) => {
      const { result } = await runProbe(args(server, "alert"), {}, "in-process", async (clock) => {
        await completionSent;
        expect(heldReads.sort()).toEqual(["/users/me/quota_usage/me", "/users/me/subscription_usage"]);
        await clock.advance(2000);
        release();
      });
      expect(result.status).toBe("budget_warning");
      expect(result.inference).toBe("ok");
      expect(result.budget?.status).toBe("warning");
      expect(result.budget?.window).toBe("monthly");
      expect(completions(server)).toHaveLength(1);
    });
  });

  test("the figures of every window, and a forecast that says when the cap is hit", async () => {
    await withChutesServer({ subscription: subscriptionUsage(85, 85), quota: quotaUsage(0, "unlimited") }, async (server) => {
      const before = Date.now();
      const { result } = await runProbe(args(server, "alert"));
      const b = result.budget!;
      expect(b.plan).toBe("subscription");
      expect(b.monthly).toMatchObject({ usage: 85, cap: 100, remaining: 15, percent: 85 });
      expect(b.fourHour).toMatchObject({ usage: 8.5, cap: 10, remaining: 1.5, percent: 85 });
      expect(b.dailyQuota).toMatchObject({ uncapped: true, cap: null });
      // The four-hour window opened 3 h ago and resets in 1 h: 85 % in 3 h leaves 15 % for
      // about 32 minutes at that pace, before the reset.
      const fourHourCap = Date.parse(b.fourHour!.capAt!);
      expect(fourHourCap).toBeGreaterThan(before + 25 * 60_000);
      expect(fourHourCap).toBeLessThan(before + 40 * 60_000);
      expect(Date.parse(b.fourHour!.resetAt!)).toBeGreaterThan(fourHourCap);
      // The monthly window (reset in 10 days, opened about 20 days ago) at 85 %: the cap comes
      // in about 3.6 days, before the reset.
      const monthlyCap = Date.parse(b.monthly!.capAt!);
      expect(monthlyCap).toBeGreaterThan(before + 3 * 86_400_000);
      expect(monthlyCap).toBeLessThan(before + 4.5 * 86_400_000);
      expect(result.detail).toMatch(/at this pace the cap is hit 20\d\d-/);
    });
  });

  test("a low burn rate lasts until the reset: no forecast date", async () => {
    await withChutesServer({ subscription: subscriptionUsage(10, 10) }, async (server) => {
      const { result } = await runProbe(args(server, "alert"));
      expect(result.budget!.monthly!.capAt).toBeNull();
      expect(result.budget!.fourHour!.capAt).toBeNull();
      expect(result.budget!.detail).toMatch(/lasts until the reset/);
    });
  });

  test("management API down while inference is fine: reported separately, exit 0", async () => {
    const deadManagement = (await closedPortBaseUrl()).replace(/\/v1$/, "");
    await withChutesServer({}, async (server) => {
      const { result, code } = await runProbe([
        "--base-url",
        server.baseUrl,
        "--model",
        TEST_MODEL,
        "--management-url",
        deadManagement,
        "--budget",
        "alert",
      ]);
      expect(code).toBe(0);
      expect(result.status).toBe("ok");
      expect(result.budget!.status).toBe("unavailable");
      expect(result.budget!.detail).toMatch(/unreachable.*ECONNREFUSED/);
      expect(completions(server)).toHaveLength(1);
    });
  });

  test("management API that never answers: cut at the timeout, the inference verdict stands", async () => {
    await withChutesServer({ subscription: { status: 200, hang: true }, quota: { status: 200, hang: true } }, async (server) => {
      const { result, code } = await runProbe(args(server, "alert", ["--timeout-ms", "4000"]), {}, "in-process", async (clock) => {
        // The one deadline covers the completion too: move the clock only once its answer is read.
        await clock.bodyRead("/v1/chat/completions");
        await server.waitForHang();
        await clock.advance(4000);
      });
      expect(code).toBe(0);
      expect(result.status).toBe("ok");
      expect(result.httpStatus).toBe(200);
      expect(result.budget!.status).toBe("unavailable");
      expect(result.budget!.detail).toMatch(/no answer within 4000 ms/);
    });
  });

  test("inference down while the management API is fine: the failure wins, the budget is still reported", async () => {
    const deadInference = await closedPortBaseUrl();
    await withChutesServer({ subscription: subscriptionUsage(85, 10) }, async (server) => {
      const { result, code } = await runProbe([
        "--base-url",
        deadInference,
        "--model",
        TEST_MODEL,
        "--management-url",
        server.managementUrl,
        "--budget",
        "alert",
      ]);
      expect(code).toBe(1);
      expect(result.status).toBe("network_error");
      expect(result.budget!.status).toBe("warning");
      expect(result.budget!.percent).toBe(85);
    });
  });

  test("a bare --budget means alert; env settings work too", async () => {
    await withChutesServer({ subscription: subscriptionUsage(97, 10) }, async (server) => {
      const bare = await runProbe([
        "--base-url",
        server.baseUrl,
        "--model",
        TEST_MODEL,
        "--management-url",
        server.managementUrl,
        "--budget",
      ]);
      expect(bare.result.status).toBe("budget_critical");
      const fromEnv = await runProbe([], {
        PROBE_BASE_URL: server.baseUrl,
        PROBE_MODEL: TEST_MODEL,
        PROBE_BUDGET: "alert",
        PROBE_MANAGEMENT_URL: `${server.managementUrl}/`,
        PROBE_BUDGET_CRITICAL_PERCENT: "98",
      });
      expect(fromEnv.result.status).toBe("budget_warning");
      expect(fromEnv.code).toBe(0);
      expect(completions(server)).toHaveLength(2);
    });
  });

  test("without --budget nothing is read from the management API", async () => {
    await withChutesServer({ subscription: subscriptionUsage(99, 99) }, async (server) => {
      const { result } = await runProbe(["--base-url", server.baseUrl, "--model", TEST_MODEL, "--management-url", server.managementUrl]);
      expect(result.status).toBe("ok");
      expect(result.budget).toBeNull();
      expect(managementReads(server)).toHaveLength(0);
    });
  });

  test.each([
    { name: "unknown mode", extra: ["--budget", "loud"], detail: /budget must be one of off, report, alert, only/ },
    {
      name: "management URL not http",
      extra: ["--budget", "alert", "--management-url", "ftp://api.chutes.ai"],
      detail: /management URL is not an http/,
    },
    {
      name: "warn above critical",
      extra: ["--budget", "alert", "--budget-warn-percent", "90", "--budget-critical-percent", "80"],
      detail: /warn percent must not exceed/,
    },
    {
      name: "percent above 100",
      extra: ["--budget", "alert", "--budget-critical-percent", "150"],
      detail: /critical percent must be a whole number from 1 to 100/,
    },
  ])("config error: $name → exit 2, no request", async (c) => {
    await withChutesServer({}, async (server) => {
      const { result, code } = await runProbe(["--base-url", server.baseUrl, "--model", TEST_MODEL, ...c.extra]);
      expect(code).toBe(2);
      expect(result.status).toBe("config_error");
      expect(result.detail).toMatch(c.detail);
      expect(server.requests).toHaveLength(0);
    });
  });
});
