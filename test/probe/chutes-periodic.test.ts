/**
 * The periodic check (the probe with --schedule): what one run checks and what a day of runs
 * spends. The real probe runs in this process against the Chutes stand-in, on a wall clock fixed
 * per run (probe-runner.ts), so a whole UTC day of scheduled runs takes a fraction of a second each.
 *
 * What must hold (issue #22): the free checks (the listing, the management API's 401 for a bad
 * key, the daily quota) run every time; a completion only as often as 1 % of the daily quota
 * allows at the schedule, decided without state from the schedule and the quota the management
 * API reports (300, the smallest plan, when it cannot be read); drift (the model leaves the
 * listing or loses a feature) is reported with its own status on any run.
 */
import { CHUTES_MODELS_2026, TOOLS_MODEL } from "./chutes-models-snapshot";
import {
  answerLikeChutes,
  chutesError,
  modelsListing,
  quotaUsage,
  startChutesServer,
  withChutesServer,
  type ChutesServer,
  type Reply,
  type Scenario,
} from "./chutes-server";
import { runProbeProgram } from "./probe-runner";

const KEY = `cpk_${Math.random().toString(36).slice(2)}${"periodic".repeat(4)}.fake.key`;
const DEFAULT_SCHEDULE = "*/15 * * * *";
const DAY_MS = 86_400_000;
/** Chutes' plans by daily request quota ($3, $10, $20 a month), written out here. */
const PLANS = [300, 2000, 5000];
/** A UTC midnight; the CronJob starts a pod a few seconds after its scheduled time. */
const MIDNIGHT = Date.UTC(2026, 11, 7);
const START_DELAY_MS = 7_000;

interface Line {
  status: string;
  detail: string;
  hint: string;
  httpStatus: number | null;
  completion: {
    spent: boolean;
    intervalSeconds: number | null;
    dailyQuota: number | string | null;
    quotaRead: boolean;
    nextAt: string | null;
  };
}

async function runAt(server: ChutesServer, nowMs: number, extra: string[] = [], model = TOOLS_MODEL) {
  const args = [
    "--base-url",
    server.baseUrl,
    "--model",
    model,
    "--management-url",
    server.managementUrl,
    "--schedule",
    DEFAULT_SCHEDULE,
    ...extra,
  ];
  const run = await runProbeProgram("in-process", args, { CHUTES_API_KEY: KEY }, undefined, { nowMs });
  expect(run.stderr).toBe("");
  expect(run.stdout + run.stderr).not.toContain(KEY.slice(4, 16));
  const line = JSON.parse(run.stdout) as Line;
  return { code: run.code, line };
}

const posts = (s: ChutesServer) => s.requests.filter((r) => r.method === "POST").length;

describe("a day of the default schedule spends at most 1 % of each plan's daily quota", () => {
  test.concurrent.each([...PLANS, "unreadable"] as const)("daily quota %s", async (plan) => {
    const quota: Reply = plan === "unreadable" ? chutesError(500, "Internal Server Error") : quotaUsage(10, plan);
    const server = await startChutesServer({ quota });
    try {
      const spentAt: number[] = [];
      for (let t = MIDNIGHT; t < MIDNIGHT + DAY_MS; t += 15 * 60_000) {
        const before = posts(server);
        const { code, line } = await runAt(server, t + START_DELAY_MS);
        expect({ code, status: line.status }).toEqual({ code: 0, status: "ok" });
        expect(line.completion.spent).toBe(posts(server) > before);
        if (line.completion.spent) spentAt.push(t);
      }
      const dailyQuota = plan === "unreadable" ? 300 : plan;
      // 1 % of the quota: 3, 20 and 50 a day; today's probe spent 96.
      expect(spentAt.length).toBeLessThanOrEqual(dailyQuota / 100);
      expect(spentAt.length).toBeGreaterThanOrEqual(1);
      expect(posts(server)).toBe(spentAt.length);
      // Spread over the day, not bunched: no two completions closer than a day's share of them.
      const gaps = spentAt.slice(1).map((t, i) => t - spentAt[i]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(DAY_MS / (dailyQuota / 100) / 900_000) * 900_000);
      // Every run read the free things: the listing (the inference host) and the quota (the key).
      expect(server.requests.filter((r) => r.path === "/v1/models")).toHaveLength(96);
      expect(server.requests.filter((r) => r.path === "/users/me/quota_usage/me")).toHaveLength(96);
    } finally {
      await server.close();
    }
  });

  test("an unlimited quota (free or invoiced account) spends a completion every run", async () => {
    await withChutesServer({ quota: quotaUsage(0, "unlimited") }, async (server) => {
      for (let t = MIDNIGHT; t < MIDNIGHT + 3 * 900_000; t += 900_000) await runAt(server, t + START_DELAY_MS);
      expect(posts(server)).toBe(3);
    });
  });

  test("--cost prints the same per-plan figures, from the probe's own function, without a key or a request", async () => {
    const run = await runProbeProgram("in-process", ["--cost"], {});
    expect(run.code).toBe(0);
    const cost = JSON.parse(run.stdout);
    expect(cost).toMatchObject({ schedule: DEFAULT_SCHEDULE, scheduleSeconds: 900, runsPerDay: 96, completionsPerDayBefore: 96 });
    expect(cost.plans).toEqual([
      { dailyQuota: 300, intervalSeconds: 28_800, completionsPerDay: 3, percentOfQuota: 1 },
      { dailyQuota: 2000, intervalSeconds: 4_500, completionsPerDay: 20, percentOfQuota: 1 },
      { dailyQuota: 5000, intervalSeconds: 1_800, completionsPerDay: 48, percentOfQuota: 0.96 },
    ]);
    const hourly = JSON.parse((await runProbeProgram("in-process", ["--cost", "--schedule", "5,35 */2 * * *"], {})).stdout);
    expect(hourly).toMatchObject({ scheduleSeconds: 1800 }); // the shortest gap: :05 to :35
  });
});

/** A run at a time that does not spend the completion (the free checks only), and one that does (00:00 UTC opens a window on every plan). */
const OFF_SLOT = MIDNIGHT + 15 * 60_000 + START_DELAY_MS;
const ON_SLOT = MIDNIGHT + START_DELAY_MS;

describe("every run: the free checks catch a bad key, a missing model, a lost feature, a used-up quota", () => {
  const withoutModel = { status: 200, body: { ...CHUTES_MODELS_2026, data: CHUTES_MODELS_2026.data.filter((m) => m.id !== TOOLS_MODEL) } };
  const toolsDropped = modelsListing().body as { data: { id: string; supported_features?: string[] }[] };
  const lostTools = {
    status: 200,
    body: {
      ...toolsDropped,
      data: toolsDropped.data.map((m) => (m.id === TOOLS_MODEL ? { ...m, supported_features: ["json_mode", "reasoning"] } : m)),
    },
  };
  const cases: { name: string; scenario: Scenario; status: string; code: number; detail: RegExp }[] = [
    {
      name: "a bad key (management API 401)",
      scenario: { quota: chutesError(401, "Invalid token or user not found") },
      status: "auth_failed",
      code: 1,
      detail: /quota_usage\/me: HTTP 401/,
    },
    {
      name: "the model left the listing (drift)",
      scenario: { models: withoutModel },
      status: "model_not_listed",
      code: 5,
      detail: /not in the \/models listing/,
    },
    {
      name: "the model lost tools (drift)",
      scenario: { models: lostTools },
      status: "feature_missing",
      code: 6,
      detail: /without "tools"/,
    },
    {
      name: "the daily quota is used up",
      scenario: { quota: quotaUsage(300, 300) },
      status: "quota_exhausted",
      code: 1,
      detail: /used up \(300 of 300\)/,
    },
    {
      name: "the management API redirects",
      scenario: { quota: { status: 302, headers: { location: "https://login.example/" } } },
      status: "redirect",
      code: 8,
      detail: /quota_usage\/me answered HTTP 302/,
    },
  ];
  test.concurrent.each(
    cases.flatMap((c) => [
      { ...c, slot: "off" },
      { ...c, slot: "on" },
    ]),
  )("$name, $slot the completion slot → $status, no completion", async (c) => {
    await withChutesServer(c.scenario, async (server) => {
      const { code, line } = await runAt(server, c.slot === "on" ? ON_SLOT : OFF_SLOT);
      expect({ code, status: line.status }).toEqual({ code: c.code, status: c.status });
      expect(line.detail).toMatch(c.detail);
      expect(posts(server)).toBe(0);
      expect(line.completion.spent).toBe(false);
    });
  });

  test("a healthy run off the slot: ok, no completion, says when the next one is", async () => {
    await withChutesServer({ quota: quotaUsage(40, 2000) }, async (server) => {
      const { code, line } = await runAt(server, OFF_SLOT);
      expect(code).toBe(0);
      expect(line.completion).toEqual({
        spent: false,
        intervalSeconds: 4500,
        dailyQuota: 2000,
        quotaRead: true,
        nextAt: "2026-12-07T01:15:00.000Z",
      });
      expect(line.detail).toMatch(
        /^no completion this run \(one completion every 75 min for a daily quota of 2000; next from 2026-12-07T01:15:00\.000Z\); listed with tools; key accepted by the management API$/,
      );
      expect(posts(server)).toBe(0);
    });
  });

  test("an unreachable management API: the quota is assumed to be the smallest plan's, the key is not checked, the run stays ok", async () => {
    await withChutesServer({ quota: { status: 0, reset: true } }, async (server) => {
      const { code, line } = await runAt(server, OFF_SLOT);
      expect(code).toBe(0);
      expect(line.completion).toMatchObject({ spent: false, intervalSeconds: 28_800, dailyQuota: 300, quotaRead: false });
      expect(line.detail).toMatch(/\(assumed: not read\).*key not checked: management API unreachable/);
    });
  });

  test("on the slot a model that ignores the forced tool call → tools_ignored (exit 7), one completion", async () => {
    await withChutesServer({ completion: answerLikeChutes([TOOLS_MODEL]), quota: quotaUsage(10, 300) }, async (server) => {
      const { code, line } = await runAt(server, ON_SLOT);
      expect({ code, status: line.status, spent: line.completion.spent }).toEqual({ code: 7, status: "tools_ignored", spent: true });
      expect(posts(server)).toBe(1);
    });
  });

  test("drift between two runs of the same schedule: ok, then model_not_listed once Chutes drops the id", async () => {
    let listing: Reply = modelsListing();
    await withChutesServer({ models: () => listing, quota: quotaUsage(10, 300) }, async (server) => {
      expect((await runAt(server, ON_SLOT)).line.status).toBe("ok");
      listing = withoutModel;
      const after = await runAt(server, OFF_SLOT);
      expect({ code: after.code, status: after.line.status }).toEqual({ code: 5, status: "model_not_listed" });
      expect(posts(server)).toBe(1);
    });
  });
});
