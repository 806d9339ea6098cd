/**
 * Runs the real probe (probe/chutes-probe.mjs) against a local server that answers like Chutes,
 * one scenario per status, and checks the verdict, the exit code, the exact request the probe
 * sent (and that it sent it once), and that the fake key never reaches stdout or stderr.
 * Most runs evaluate the probe in this process (probe-runner.ts); the ones about the process
 * boundary (exit codes, stdout, redaction, the clock over IPC) run it as a real child process.
 */
import { PROBE_LINE_FIELDS as FIELDS } from "./probe-runner";
import { CHUTES_MODELS_2026, NO_FEATURES_MODEL } from "./chutes-models-snapshot";
import {
  NGINX_429_HTML,
  OK_COMPLETION,
  PROBE_TOOL,
  TEST_MODEL,
  answerLikeChutes,
  chutesError,
  closedPortBaseUrl,
  completion,
  modelsList,
  modelsListing,
  toolCallCompletion,
  withChutesServer,
  type ChutesServer,
  type RecordedRequest,
  type Reply,
  type Scenario,
} from "./chutes-server";
import { runProbeProgram, type ProbeClock, type ProbeMode } from "./probe-runner";

/** The probe's default timeout (its usage text and the config's healthcheck.timeoutSeconds default). */
const DEFAULT_TIMEOUT_MS = 30_000;
// Key-shaped but obviously fake, built at run time.
const FAKE_KEY = "cpk_" + "test".repeat(8) + ".fake.key";
/** The forced function call, written out: a change to the bytes (hence to Chutes' repeat billing) shows here. */
const EXPECTED_BODY =
  `{"model":"${TEST_MODEL}","messages":[{"role":"user","content":"Health check: call the report_health function with status \\"ok\\"."}],` +
  `"tools":[{"type":"function","function":{"name":"report_health","description":"Report that this model can call tools.",` +
  `"parameters":{"type":"object","properties":{"status":{"type":"string","enum":["ok"]}},"required":["status"]}}}],` +
  `"tool_choice":{"type":"function","function":{"name":"report_health"}},"max_tokens":512,"temperature":0,"stream":false}`;
/** The documented exit codes (docs/health-checks.md), written out here, not read from the probe; any other status exits 1. */
const EXIT: Record<string, number> = {
  ok: 0,
  config_error: 2,
  model_not_listed: 5,
  feature_missing: 6,
  tools_ignored: 7,
  redirect: 8,
};
const exitFor = (status: string) => EXIT[status] ?? 1;

interface ProbeResult {
  status: string;
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number | null;
  model: string | null;
  baseUrl: string | null;
  detail: string;
  hint: string;
  checkedAt: string;
  inference: string | null;
  completion: { spent: boolean; intervalSeconds: number | null } | null;
  budget: unknown;
}

interface ProbeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  result: ProbeResult;
  wallMs: number;
}

/**
 * Run the probe with a clean env (only PATH plus `env`) on a virtual clock, then check the output
 * contract. `drive` runs while the probe does, e.g. to advance its clock once a hang is reached.
 */
async function runProbe(
  args: string[],
  env: Record<string, string> = { CHUTES_API_KEY: FAKE_KEY },
  drive?: (clock: ProbeClock) => Promise<void>,
  mode: ProbeMode = "in-process",
): Promise<ProbeRun> {
  const run = await runProbeProgram(mode, args, env, drive);
  // Outside any callback, so a failed expectation fails the test (and servers still close).
  return { ...run, result: checkOutputContract(run) };
}

/** Exactly one JSON line on stdout, nothing on stderr, no key anywhere, exit code matching status. */
function checkOutputContract(run: { code: number | null; stdout: string; stderr: string }): ProbeResult {
  expect(run.stdout).not.toContain(FAKE_KEY);
  expect(run.stderr).not.toContain(FAKE_KEY);
  expect(run.stderr).toBe("");
  const lines = run.stdout.split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe("");
  const result = JSON.parse(lines[0]) as ProbeResult;
  expect(Object.keys(result)).toEqual(FIELDS);
  expect(result.ok).toBe(result.status === "ok");
  expect(run.code).toBe(exitFor(result.status));
  // Without --budget the probe reads no budget and the status is the inference verdict.
  expect(result.budget).toBeNull();
  expect(result.inference).toBe(result.status === "config_error" ? null : result.status);
  expect(typeof result.detail).toBe("string");
  expect(result.detail.length).toBeLessThanOrEqual(200);
  expect(result.detail).not.toMatch(/\s{2}|^\s|\s$/);
  expect(result.hint).toMatch(/^[A-Z].+\.$/);
  expect(new Date(result.checkedAt).toISOString()).toBe(result.checkedAt);
  return result;
}

const posts = (s: ChutesServer) => s.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions");
const modelGets = (s: ChutesServer) => s.requests.filter((r) => r.method === "GET" && r.path === "/v1/models");

/** The completion request is exactly the cheap, fixed one. */
function checkCompletionRequest(req: RecordedRequest, model?: string) {
  expect(req.headers.authorization).toBe(`Bearer ${FAKE_KEY}`);
  expect(req.headers["content-type"]).toBe("application/json");
  const body = JSON.parse(req.body);
  if (model !== undefined) return expect(body.model).toBe(model.replace(/^chutes\//, ""));
  expect(req.body).toBe(EXPECTED_BODY);
  expect(body.model).toBe(TEST_MODEL); // "chutes/" stripped
  // A forced call of the one function offered, as Kodus' agent loop calls tools.
  expect(body.tool_choice).toEqual({ type: "function", function: { name: PROBE_TOOL } });
  expect(body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([PROBE_TOOL]);
  expect(body.max_tokens).toBeGreaterThanOrEqual(256); // room for a reasoning model to reach the call
  expect(body.stream).toBe(false);
}

/** A reply the server sends only when the test releases it; `arrived` resolves when its request comes in. */
function held(reply: Reply) {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const responder = (): Reply => {
    arrive();
    return { ...reply, until: released };
  };
  return { responder, arrived, release };
}

const probeArgs = (s: ChutesServer, extra: string[] = [], model = `chutes/${TEST_MODEL}`) => [
  "--base-url",
  s.baseUrl,
  "--model",
  model,
  ...extra,
];

interface Case {
  name: string;
  scenario: Scenario;
  args?: string[];
  status: string;
  httpStatus: number | null;
  completions: 0 | 1;
  detail?: RegExp;
  /** The model flag (default chutes/TEST_MODEL). */
  model?: string;
  hint?: RegExp;
  /** The server hangs on a request: once it has arrived, move the probe's clock past its timeout. */
  hang?: true;
}

const QUOTA_DETAIL = { message: "Quota exceeded for today (1000/1000)", quota_reset_timestamp: 1767225600 };

const cases: Case[] = [
  {
    name: "200 forced tool call made",
    scenario: {},
    status: "ok",
    httpStatus: 200,
    completions: 1,
    detail: /^called report_health \(finish_reason=tool_calls\); listed with tools$/,
  },
  {
    name: "200 reasoning model cut off by max_tokens (inconclusive, never tools_ignored)",
    scenario: { completion: completion({ content: null, reasoning_content: "The user wants me to call" }, "length") },
    status: "ok",
    httpStatus: 200,
    completions: 1,
    detail: /^inconclusive: cut off by max_tokens=512 .*reasoning only/,
  },
  {
    name: "200 text instead of the forced tool call",
    scenario: { completion: answerLikeChutes([TEST_MODEL]) },
    status: "tools_ignored",
    httpStatus: 200,
    completions: 1,
    detail: /^asked to call report_health, answered with text "OK" \(finish_reason=stop\)/,
  },
  {
    name: "200 another function called",
    scenario: { completion: toolCallCompletion("get_weather") },
    status: "tools_ignored",
    httpStatus: 200,
    completions: 1,
    detail: /called get_weather instead/,
  },
  {
    name: "model not listed (no completion spent)",
    scenario: { models: modelsListing() },
    model: "deepseek-ai/DeepSeek-V3-0324-TEE",
    status: "model_not_listed",
    httpStatus: null,
    completions: 0,
    detail: /^deepseek-ai\/DeepSeek-V3-0324-TEE is not in the \/models listing \(5 models\)$/,
  },
  {
    name: "near miss: -TEE suffix only (no completion spent)",
    scenario: {},
    model: "deepseek-ai/DeepSeek-V3.2",
    status: "model_not_listed",
    httpStatus: null,
    completions: 0,
    detail: /deepseek-ai\/DeepSeek-V3\.2-TEE is, differing only in the -TEE suffix/,
    hint: /to deepseek-ai\/DeepSeek-V3\.2-TEE exactly/,
  },
  {
    name: "near miss: capitalization only (no completion spent)",
    scenario: {},
    model: "chutes/DeepSeek-AI/deepseek-v3.2-tee",
    status: "model_not_listed",
    httpStatus: null,
    completions: 0,
    detail: /differing only in capitalization/,
    hint: /to deepseek-ai\/DeepSeek-V3\.2-TEE exactly/,
  },
  {
    name: "near miss: capitalization and -TEE suffix (no completion spent)",
    scenario: {},
    model: "deepseek-ai/deepseek-v3.2",
    status: "model_not_listed",
    httpStatus: null,
    completions: 0,
    detail: /differing only in capitalization and the -TEE suffix/,
    hint: /to deepseek-ai\/DeepSeek-V3\.2-TEE exactly/,
  },
  {
    name: "listed without supported_features (the real Mistral-Nemo entry: no tools, no completion)",
    scenario: {},
    model: NO_FEATURES_MODEL,
    status: "feature_missing",
    httpStatus: null,
    completions: 0,
    detail: /listed without "tools" in supported_features \(none listed\)$/,
  },
  {
    name: "listed with tools but not structured_outputs, structured output required (no completion)",
    scenario: {
      models: modelsListing([{ ...CHUTES_MODELS_2026.data[1], id: "example/tools-only-TEE", supported_features: ["json_mode", "tools"] }]),
    },
    model: "example/tools-only-TEE",
    args: ["--require", "tools,structured-outputs"],
    status: "feature_missing",
    httpStatus: null,
    completions: 0,
    detail: /without "structured_outputs" in supported_features \(json_mode, tools\)/,
    hint: /API_TRUST_JSON_SCHEMA_BASE_URLS.*turn that setting off/,
  },
  {
    name: "structured output required and listed: ok",
    scenario: {},
    args: ["--require", "tools,structured-outputs"],
    status: "ok",
    httpStatus: 200,
    completions: 1,
    detail: /; listed with tools, structured_outputs$/,
  },
  {
    name: "listing without any supported_features: the tool call decides",
    scenario: { models: modelsList(["Qwen/Qwen3-32B", TEST_MODEL]) },
    status: "ok",
    httpStatus: 200,
    completions: 1,
    detail: /listing gives no supported_features/,
  },
  {
    name: "/models redirects (not followed, no completion)",
    scenario: { models: { status: 301, headers: { location: "https://elsewhere.example/v1/models" } } },
    status: "redirect",
    httpStatus: null,
    completions: 0,
    detail: /^GET \/models answered HTTP 301 to https:\/\/elsewhere\.example\/v1\/models \(not followed\)$/,
  },
  {
    name: "completion redirects (not followed)",
    scenario: { completion: { status: 307, headers: { location: "http://127.0.0.1:9/v1/chat/completions" } } },
    status: "redirect",
    httpStatus: 307,
    completions: 1,
    detail: /^POST \/chat\/completions answered HTTP 307 to /,
  },
  {
    name: "200 slower than --max-latency-ms",
    scenario: { completion: { ...OK_COMPLETION, delayMs: 400 } },
    args: ["--max-latency-ms", "150"],
    status: "slow",
    httpStatus: 200,
    completions: 1,
    detail: /> 150 ms/,
  },
  {
    name: "401 invalid key",
    scenario: { completion: chutesError(401, "Invalid token or user not found") },
    status: "auth_failed",
    httpStatus: 401,
    completions: 1,
    detail: /^Invalid token or user not found$/,
  },
  {
    name: "401 no key accepted",
    scenario: { completion: chutesError(401, "Authentication required.") },
    status: "auth_failed",
    httpStatus: 401,
    completions: 1,
  },
  {
    name: "403 forbidden",
    scenario: { completion: chutesError(403, "Forbidden") },
    status: "auth_failed",
    httpStatus: 403,
    completions: 1,
  },
  {
    name: "401 that echoes the key back",
    scenario: {
      completion: (req) => chutesError(401, `Invalid token or user not found: ${req.headers.authorization} (key ${FAKE_KEY})`),
    },
    status: "auth_failed",
    httpStatus: 401,
    completions: 1,
    detail: /Bearer \[REDACTED\] \(key \[REDACTED\]\)/,
  },
  {
    name: "404 model not found",
    scenario: { completion: chutesError(404, `model not found: ${TEST_MODEL}`) },
    status: "model_not_found",
    httpStatus: 404,
    completions: 1,
    detail: /model not found/,
  },
  {
    name: "402 tier gating",
    scenario: { completion: chutesError(402, "This model requires a higher subscription tier or positive balance.") },
    status: "tier_required",
    httpStatus: 402,
    completions: 1,
    detail: /higher subscription tier/,
  },
  {
    name: "402 usage cap",
    scenario: { completion: chutesError(402, "Subscription usage cap exceeded for the current billing period.") },
    status: "quota_exhausted",
    httpStatus: 402,
    completions: 1,
    detail: /usage cap/,
  },
  {
    name: "402 quota object",
    scenario: { completion: chutesError(402, QUOTA_DETAIL) },
    status: "quota_exhausted",
    httpStatus: 402,
    completions: 1,
    detail: /^Quota exceeded.*resets 2026-01-01T00:00:00\.000Z/,
  },
  {
    name: "429 quota object",
    scenario: { completion: chutesError(429, QUOTA_DETAIL) },
    status: "quota_exhausted",
    httpStatus: 429,
    completions: 1,
    detail: /^Quota exceeded/,
  },
  {
    name: "429 capacity",
    scenario: { completion: chutesError(429, "Infrastructure is at maximum capacity, try again later") },
    status: "capacity",
    httpStatus: 429,
    completions: 1,
    detail: /maximum capacity/,
  },
  {
    name: "429 nginx HTML page",
    scenario: { completion: { status: 429, body: NGINX_429_HTML } },
    status: "rate_limited",
    httpStatus: 429,
    completions: 1,
    detail: /^429 Too Many Requests [^<>]*nginx$/,
  },
  {
    name: "429 OpenAI-style rate limit",
    scenario: { completion: { status: 429, body: { error: { message: "Rate limit reached", type: "rate_limit" } } } },
    status: "rate_limited",
    httpStatus: 429,
    completions: 1,
    detail: /^Rate limit reached$/,
  },
  {
    name: "503 cold model",
    scenario: { completion: chutesError(503, "No instances available (yet) for chute_id=0f1e2d3c-aaaa-bbbb-cccc-123456789abc") },
    status: "cold_start",
    httpStatus: 503,
    completions: 1,
    detail: /No instances available/,
  },
  {
    name: "503 other",
    scenario: { completion: { status: 503, body: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>" } },
    status: "upstream_error",
    httpStatus: 503,
    completions: 1,
  },
  {
    name: "500 exhausted targets",
    scenario: { completion: chutesError(500, "exhausted all available targets to no avail") },
    status: "upstream_error",
    httpStatus: 500,
    completions: 1,
    detail: /exhausted all available targets/,
  },
  {
    name: "500 with a huge body (detail truncated)",
    scenario: { completion: chutesError(500, "boom ".repeat(1000)) },
    status: "upstream_error",
    httpStatus: 500,
    completions: 1,
    detail: /^boom boom .*…$/,
  },
  {
    name: "400 unexpected client error",
    scenario: { completion: chutesError(400, "Invalid request") },
    status: "upstream_error",
    httpStatus: 400,
    completions: 1,
  },
  {
    name: "200 body that is not JSON",
    scenario: { completion: { status: 200, body: "<html><body>Welcome to nginx!</body></html>" } },
    status: "bad_response",
    httpStatus: 200,
    completions: 1,
    detail: /not JSON/,
  },
  {
    name: "200 JSON without choices",
    scenario: { completion: { status: 200, body: { object: "chat.completion", choices: [] } } },
    status: "bad_response",
    httpStatus: 200,
    completions: 1,
    detail: /no choices\[0\]/,
  },
  {
    name: "completion that never answers",
    scenario: { completion: { status: 200, hang: true } },
    hang: true,
    status: "timeout",
    httpStatus: null,
    completions: 1,
    detail: /^no answer within 30000 ms \(POST \/chat\/completions\)$/,
  },
  {
    name: "/models that never answers (no completion)",
    scenario: { models: { status: 200, hang: true } },
    hang: true,
    status: "timeout",
    httpStatus: null,
    completions: 0,
    detail: /^no answer within 30000 ms \(GET \/models\)$/,
  },
  {
    name: "completion connection dropped (no retry)",
    scenario: { completion: { status: 0, reset: true } },
    status: "network_error",
    httpStatus: null,
    completions: 1,
    detail: /^POST \/chat\/completions: /,
  },
  {
    name: "/models connection dropped (no retry, no completion)",
    scenario: { models: { status: 0, reset: true } },
    status: "network_error",
    httpStatus: null,
    completions: 0,
    detail: /^GET \/models: /,
  },
  {
    name: "/models 500: the completion still decides",
    scenario: { models: chutesError(500, "Internal Server Error") },
    status: "ok",
    httpStatus: 200,
    completions: 1,
    detail: /listing check skipped: \/models gave HTTP 500/,
  },
  {
    name: "/models not JSON: the completion still decides",
    scenario: {
      models: { status: 200, body: "<html>maintenance</html>" },
      completion: chutesError(401, "Invalid token or user not found"),
    },
    status: "auth_failed",
    httpStatus: 401,
    completions: 1,
    detail: /listing check skipped/,
  },
];

/** One case of the table: the verdict, the requests the probe sent, and (in runProbe) the output contract. */
async function checkCase(c: Case, mode: ProbeMode): Promise<ProbeRun> {
  return withChutesServer(c.scenario, async (server) => {
    const run = await runProbe(
      probeArgs(server, c.args, c.model),
      undefined,
      async (clock) => {
        if (!c.hang) return;
        await server.waitForHang();
        await clock.advance(DEFAULT_TIMEOUT_MS);
      },
      mode,
    );
    expect(run.result.status).toBe(c.status);
    expect(run.result.httpStatus).toBe(c.httpStatus);
    expect(run.result.model).toBe((c.model ?? TEST_MODEL).replace(/^chutes\//, ""));
    expect(run.result.baseUrl).toBe(server.baseUrl);
    expect(run.result.latencyMs).toEqual(expect.any(Number));
    if (c.detail) expect(run.result.detail).toMatch(c.detail);
    if (c.hint) expect(run.result.hint).toMatch(c.hint);
    // The preflight (no --schedule) spends its one completion whenever the listing lets it.
    expect(run.result.completion).toEqual({
      spent: c.completions === 1,
      intervalSeconds: null,
      dailyQuota: null,
      quotaRead: false,
      nextAt: null,
    });

    // One public catalog read without the key, then at most one completion; nothing else.
    expect(modelGets(server)).toHaveLength(1);
    expect(modelGets(server)[0].headers.authorization).toBeUndefined();
    expect(posts(server)).toHaveLength(c.completions);
    expect(server.requests).toHaveLength(1 + c.completions);
    if (c.completions) checkCompletionRequest(posts(server)[0], c.model);
    return run;
  });
}

/** Cases also run as a real child process: success (exit 0), a failure, the key echoed back, a timeout over the IPC clock. */
const ON_A_REAL_PROCESS = [
  "200 forced tool call made",
  "401 that echoes the key back",
  "completion that never answers",
  "model not listed (no completion spent)",
  "listed without supported_features (the real Mistral-Nemo entry: no tools, no completion)",
  "200 text instead of the forced tool call",
  "/models redirects (not followed, no completion)",
];
const realProcessCases = cases.filter((c) => ON_A_REAL_PROCESS.includes(c.name));
if (realProcessCases.length !== ON_A_REAL_PROCESS.length)
  throw new Error(`ON_A_REAL_PROCESS names a case that does not exist: ${ON_A_REAL_PROCESS.join(", ")}`);

describe("chutes probe: one status per provider answer", () => {
  test.concurrent.each(cases)("$name → $status", async (c) => {
    await checkCase(c, "in-process");
  });

  test.concurrent.each(realProcessCases)("as a child process: $name → $status, its exit code and stdout", async (c) => {
    const run = await checkCase(c, "process");
    expect(run.code).toBe(exitFor(c.status));
    expect(run.stdout).toMatch(/^\{"status":"[a-z_]+",.*\}\n$/);
  });

  test("one deadline covers both requests: a slow catalog leaves the completion only the rest", async () => {
    const catalog = held(modelsList([TEST_MODEL]));
    const scenario: Scenario = { models: catalog.responder, completion: { status: 200, hang: true } };
    await withChutesServer(scenario, async (server) => {
      const run = await runProbe(probeArgs(server), undefined, async (clock) => {
        await catalog.arrived;
        await clock.advance(20_000); // the catalog takes 20 s of the 30 s
        catalog.release();
        await server.waitForHang();
        await clock.advance(10_000); // 30 s in all: the completion must be cut now, not 30 s later
      });
      expect(run.result.status).toBe("timeout");
      expect(run.result.detail).toBe(
        "no answer within 30000 ms (POST /chat/completions); the listing gives no supported_features: the tool call decides",
      );
      // Virtual 30 s plus the real time the probe ran, which is less than the test's own wall time.
      expect(run.result.latencyMs).toBeGreaterThanOrEqual(30_000);
      // (The probe rounds to whole ms; rounding is monotonic, so the bound is rounded the same way.)
      expect(run.result.latencyMs).toBeLessThanOrEqual(Math.round(30_000 + run.wallMs));
      expect(posts(server)).toHaveLength(1);
    });
  });

  test("closed port → network_error, exit 1", async () => {
    const baseUrl = await closedPortBaseUrl();
    const run = await runProbe(["--base-url", baseUrl, "--model", TEST_MODEL]);
    expect(run.result.status).toBe("network_error");
    expect(run.result.httpStatus).toBeNull();
    expect(run.result.detail).toMatch(/ECONNREFUSED/);
    expect(run.code).toBe(1);
  });

  test("the completion body is byte-identical across runs (cheap repeat billing)", async () => {
    await withChutesServer({}, async (server) => {
      await runProbe(probeArgs(server));
      await runProbe(["--base-url", server.baseUrl, "--model", TEST_MODEL]); // with and without "chutes/"
      const [a, b] = posts(server);
      expect(posts(server)).toHaveLength(2);
      expect(a.body).toBe(b.body);
      expect(a.body).toBe(EXPECTED_BODY);
    });
  });
});

describe("chutes probe: settings", () => {
  test("env settings are used when no flags are given", async () => {
    const answer = held(OK_COMPLETION);
    await withChutesServer({ completion: answer.responder }, async (server) => {
      const run = await runProbe(
        [],
        {
          CHUTES_API_KEY: FAKE_KEY,
          PROBE_BASE_URL: `${server.baseUrl}/`,
          PROBE_MODEL: `chutes/${TEST_MODEL}`,
          PROBE_TIMEOUT_MS: "600000",
          PROBE_MAX_LATENCY_MS: "100",
        },
        async (clock) => {
          await answer.arrived;
          await clock.advance(31_000); // past the 30 s default: only PROBE_TIMEOUT_MS (10 min) keeps it waiting
          answer.release();
        },
      );
      expect(run.result.status).toBe("slow");
      expect(run.result.detail).toMatch(/> 100 ms/);
      expect(run.result.baseUrl).toBe(server.baseUrl);
      expect(posts(server)).toHaveLength(1);
      checkCompletionRequest(posts(server)[0]);
    });
  });

  test("flags win over env", async () => {
    const deadUrl = await closedPortBaseUrl();
    await withChutesServer({}, async (server) => {
      const run = await runProbe(["--base-url", server.baseUrl, `--model=${TEST_MODEL}`, "--max-latency-ms=20000"], {
        CHUTES_API_KEY: FAKE_KEY,
        PROBE_BASE_URL: deadUrl,
        PROBE_MODEL: "nobody/nothing",
        PROBE_MAX_LATENCY_MS: "1",
      });
      expect(run.result.status).toBe("ok");
      expect(run.code).toBe(0);
      expect(run.result.model).toBe(TEST_MODEL);
    });
  });

  const configCases: { name: string; args: (url: string) => string[]; env: Record<string, string>; detail: RegExp }[] = [
    { name: "missing key", args: (u) => ["--base-url", u, "--model", TEST_MODEL], env: {}, detail: /CHUTES_API_KEY/ },
    { name: "empty key", args: (u) => ["--base-url", u, "--model", TEST_MODEL], env: { CHUTES_API_KEY: "  " }, detail: /CHUTES_API_KEY/ },
    { name: "missing model", args: (u) => ["--base-url", u], env: { CHUTES_API_KEY: FAKE_KEY }, detail: /missing model/ },
    { name: "missing base URL", args: () => ["--model", TEST_MODEL], env: { CHUTES_API_KEY: FAKE_KEY }, detail: /missing base URL/ },
    {
      name: "base URL not http",
      args: () => ["--base-url", "ftp://x", "--model", TEST_MODEL],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /not an http/,
    },
    {
      name: "unknown flag",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL, "--retries", "3"],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /unknown flag --retries/,
    },
    {
      name: "key passed as an argument is not echoed",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL, FAKE_KEY],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /unexpected argument/,
    },
    {
      name: "flag without value",
      args: (u) => ["--base-url", u, "--model"],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /--model needs a value/,
    },
    {
      name: "bad timeout",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL, "--timeout-ms", "soon"],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /timeout/,
    },
    {
      name: "--require without tools",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL, "--require", "structured-outputs"],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /require must list tools/,
    },
    {
      name: "--require with an unknown feature",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL, "--require", "tools,constructor"],
      env: { CHUTES_API_KEY: FAKE_KEY },
      detail: /require must list tools/,
    },
    {
      name: "a schedule that is not a 5-field cron",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL],
      env: { CHUTES_API_KEY: FAKE_KEY, PROBE_SCHEDULE: "@hourly" },
      detail: /schedule is not a 5-field cron expression/,
    },
    {
      name: "bad max latency from env",
      args: (u) => ["--base-url", u, "--model", TEST_MODEL],
      env: { CHUTES_API_KEY: FAKE_KEY, PROBE_MAX_LATENCY_MS: "-5" },
      detail: /max latency/,
    },
  ];

  test.each(
    configCases.map((c) => ({ ...c, mode: c.name === "key passed as an argument is not echoed" ? "process" : "in-process" }) as const),
  )("config error: $name → exit 2, no request ($mode)", async (c) => {
    await withChutesServer({}, async (server) => {
      const run = await runProbe(c.args(server.baseUrl), c.env, undefined, c.mode);
      expect(run.code).toBe(2);
      expect(run.result.status).toBe("config_error");
      expect(run.result.httpStatus).toBeNull();
      expect(run.result.detail).toMatch(c.detail);
      expect(server.requests).toHaveLength(0);
    });
  });
});
