#!/usr/bin/env node
// @ts-check
/**
 * chutes-probe.mjs: one cheap, deterministic health check of a model served by Chutes
 * (OpenAI-compatible API). Node 20+ built-ins only; shipped as this single file.
 *
 * Usage:
 *   CHUTES_API_KEY=cpk_... node chutes-probe.mjs --base-url https://llm.chutes.ai/v1 \
 *     --model deepseek-ai/DeepSeek-V3-0324-TEE [--timeout-ms 30000] [--max-latency-ms 20000] \
 *     [--budget off|report|alert|only] [--management-url https://api.chutes.ai] \
 *     [--budget-warn-percent 80] [--budget-critical-percent 95]
 *   The settings may come from env instead (flags win): PROBE_BASE_URL, PROBE_MODEL,
 *   PROBE_TIMEOUT_MS, PROBE_MAX_LATENCY_MS, PROBE_BUDGET, PROBE_MANAGEMENT_URL,
 *   PROBE_BUDGET_WARN_PERCENT, PROBE_BUDGET_CRITICAL_PERCENT. A leading "chutes/" on the model
 *   id is stripped. `--budget` without a value means `--budget alert`.
 *
 * What it does, with no retries and one timeout covering every request:
 *   1. GET {base}/models (public; the key is NOT sent). A 200 catalog without the model means
 *      model_not_found and no completion is spent. Any other answer is only noted in detail.
 *   2. Exactly one POST {base}/chat/completions with a fixed body: the same bytes every run,
 *      so Chutes bills a repeat within 15 minutes at 0.1 request.
 *   3. With --budget other than off, at the same time as 1-2: GET {management}/users/me/subscription_usage
 *      and GET {management}/users/me/quota_usage/me (Chutes' management API; reading them spends
 *      no inference quota). Their failure never changes the inference verdict: it is reported
 *      in the "budget" field only.
 *   Budget modes: off (default: no budget read), report (figures in "budget", the status and
 *   exit code stay the inference's: the preflight), alert (a cap at or above the warn/critical
 *   percentage becomes the status budget_warning/budget_critical when nothing worse happened),
 *   only (no inference request at all: budget statuses only).
 *
 * Output: exactly one JSON line on stdout, nothing on stderr:
 *   {"status","ok","httpStatus","latencyMs","model","baseUrl","detail","hint","checkedAt","inference","budget"}
 *   httpStatus is the status of POST /chat/completions (null when none was received);
 *   latencyMs covers the inference requests; inference is the inference verdict alone (null in
 *   only mode); budget is null when off, else {status, plan, window, percent, resetAt, capAt,
 *   detail, monthly, fourHour, dailyQuota}. The key is redacted from every printed string.
 * Statuses, least to most severe (the most severe of the inference and budget verdicts is the
 *   status): ok, budget_warning, slow, budget_unavailable (only mode), budget_critical, then the
 *   inference failures, then config_error.
 * Exit codes: 0 = ok or budget_warning (serving; a heads-up); 1 = any inference failure (slow,
 *   auth_failed, model_not_found, tier_required, quota_exhausted, rate_limited, capacity,
 *   cold_start, upstream_error, timeout, network_error, bad_response); 2 = config_error (bad flags
 *   or missing base URL / model / CHUTES_API_KEY); 3 = budget_critical; 4 = budget_unavailable.
 */

const HINTS = {
  ok: "Nothing to do: Chutes answered the completion in time.",
  slow: "The model answered but slower than the limit: it may be cold or saturated; pick a faster model or raise --max-latency-ms.",
  auth_failed: "Check the Chutes API key (CHUTES_API_KEY, API_OPEN_AI_API_KEY in Kodus): it is missing, mistyped or revoked.",
  model_not_found: "Fix the model id (API_LLM_PROVIDER_MODEL): it must match an id from GET /v1/models exactly, including any -TEE suffix.",
  tier_required: "This model needs a higher Chutes subscription tier or a positive balance: upgrade or top up, or choose a model your plan covers.",
  quota_exhausted: "The account's daily quota or monthly usage cap is used up: wait for the reset or raise the plan.",
  rate_limited: "Chutes is rate-limiting this key or address: lower review concurrency (worker replicas, prefetch) and probe less often.",
  capacity: "Chutes has no spare capacity for this model (not an account problem): try again later or switch to a less busy model.",
  cold_start: "The model has no running instances yet: wait a few minutes and probe again, or choose a model that is kept warm.",
  upstream_error: "Chutes returned an unexpected error: try again later and check Chutes' status; report the detail if it persists.",
  timeout: "No answer within the timeout: check egress to the base URL and Chutes' status, or raise --timeout-ms.",
  network_error: "Could not reach the base URL: check the URL, DNS, firewall and egress rules from this host.",
  bad_response: "The endpoint answered 200 without a chat completion: check that the base URL points at Chutes' OpenAI-compatible /v1 API.",
  config_error: "Set --base-url and --model (or PROBE_BASE_URL and PROBE_MODEL) and the CHUTES_API_KEY env var.",
  budget_warning: "A Chutes cap is getting close (see budget): plan for the reset time in budget.resetAt, lower review volume or raise the plan.",
  budget_critical: "A Chutes cap is nearly used up (see budget): reviews stop when it is reached; raise the plan or pause reviews until budget.resetAt.",
  budget_unavailable: "Chutes' management API did not give the budget (see budget.detail): check --management-url, egress to it and the key.",
};
/** What to do about each kind of config_error: the hint names the cause, not a generic list. */
const CONFIG_HINTS = {
  flag: "Run with --help to list the flags.",
  value: "Give the flag a value: --flag VALUE or --flag=VALUE.",
  baseUrl: "Set --base-url or PROBE_BASE_URL to the provider's API base, e.g. https://llm.chutes.ai/v1.",
  model: "Set --model or PROBE_MODEL to an org/model id, e.g. deepseek-ai/DeepSeek-V3-0324-TEE.",
  key: "Export CHUTES_API_KEY=cpk_... (the key is read only from the environment, never from a flag).",
  number: "Use a whole number of milliseconds greater than 0, e.g. --timeout-ms 30000.",
  budget: "Use --budget off, report, alert or only.",
  managementUrl: "Set --management-url or PROBE_MANAGEMENT_URL to Chutes' management API, https://api.chutes.ai (the default).",
  percent: "Use whole percentages from 1 to 100 with warn <= critical, e.g. --budget-warn-percent 80 --budget-critical-percent 95.",
};
const USAGE = `Usage: CHUTES_API_KEY=cpk_... node chutes-probe.mjs --base-url URL --model ORG/MODEL [flags]
  --base-url URL                 OpenAI-compatible API base (env PROBE_BASE_URL), e.g. https://llm.chutes.ai/v1
  --model ORG/MODEL              model id (env PROBE_MODEL); a leading "chutes/" is stripped
  --timeout-ms N                 one timeout for every request (env PROBE_TIMEOUT_MS, default 30000)
  --max-latency-ms N             slower answers are "slow" (env PROBE_MAX_LATENCY_MS, default 20000)
  --budget off|report|alert|only read Chutes' usage caps too (env PROBE_BUDGET, default off; bare --budget = alert)
  --management-url URL           Chutes' management API (env PROBE_MANAGEMENT_URL, default https://api.chutes.ai)
  --budget-warn-percent N        budget_warning at this share of a cap (default 80)
  --budget-critical-percent N    budget_critical at this share of a cap (default 95)
  --help                         this text
Prints one JSON line. Exit codes: 0 ok or budget_warning; 1 an inference failure; 2 config_error;
3 budget_critical; 4 budget_unavailable.
`;
/** Least to most severe; the reported status is the most severe verdict. */
const SEVERITY = ["ok", "budget_warning", "slow", "budget_unavailable", "budget_critical"];
/** @param {string} status */
const severity = (status) => (SEVERITY.includes(status) ? SEVERITY.indexOf(status) : SEVERITY.length);
/** @param {string} status */
const exitCode = (status) =>
  status === "ok" || status === "budget_warning" ? 0 : status === "config_error" ? 2 : status === "budget_critical" ? 3 : status === "budget_unavailable" ? 4 : 1;
/** @typedef {keyof typeof HINTS} Status */
/** @typedef {{ status: Status, detail: string }} Verdict */
/**
 * What the requests produced; the input of the pure classifier.
 * @typedef {{ kind: "catalog_miss", detail: string }
 *   | { kind: "failure", error: "timeout" | "network", detail: string }
 *   | { kind: "http", httpStatus: number, body: string, latencyMs: number }} Outcome
 */

const PROMPT = "Reply with the single word: pong";
const USER_AGENT = "kodus-chutes-probe/1";

/** @param {string} model The request body: fixed key order, identical bytes for one model. */
const completionBody = (model) =>
  JSON.stringify({ model, messages: [{ role: "user", content: PROMPT }], max_tokens: 16, temperature: 0, stream: false });

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** @param {string} s @returns {unknown} undefined when s is not JSON */
function parseJson(s) {
  try { return JSON.parse(s); } catch { return undefined; }
}

/** @param {string} s Turn an HTML page (e.g. nginx's 429 page) into its text. */
function htmlToText(s) {
  if (!/^\s*</.test(s)) return s;
  return s.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

/** @param {unknown} v quota_reset_timestamp: unix seconds or ms, or a string */
function formatReset(v) {
  if (typeof v === "number" && Number.isFinite(v)) return new Date(v > 1e12 ? v : v * 1000).toISOString();
  return String(v);
}

/**
 * The provider's message from an error body: FastAPI {"detail": "..."} or
 * {"detail": {"message", "quota_reset_timestamp", ...}}, OpenAI {"error": {"message"}}, or text/HTML.
 * @param {string} body
 * @returns {{ message: string, quotaReset?: string }}
 */
function providerMessage(body) {
  const json = parseJson(body);
  if (json === undefined) return { message: htmlToText(body) };
  if (!isObject(json)) return { message: body };
  const d = json.detail ?? json.error ?? json.message;
  if (typeof d === "string") return { message: d };
  if (Array.isArray(d)) { // FastAPI validation errors: [{loc, msg, type}]
    return { message: d.map((e) => (isObject(e) && typeof e.msg === "string" ? e.msg : JSON.stringify(e))).join("; ") };
  }
  if (isObject(d)) {
    const message = typeof d.message === "string" ? d.message : JSON.stringify(d);
    return "quota_reset_timestamp" in d ? { message, quotaReset: formatReset(d.quota_reset_timestamp) } : { message };
  }
  return { message: body };
}

/** @param {string} body @param {number} latencyMs @param {number} maxLatencyMs @returns {Verdict} */
function classifySuccess(body, latencyMs, maxLatencyMs) {
  const json = parseJson(body);
  if (json === undefined) return { status: "bad_response", detail: `200 but the body is not JSON: ${htmlToText(body)}` };
  const choice = isObject(json) && Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!isObject(choice)) return { status: "bad_response", detail: `200 but no choices[0]: ${providerMessage(body).message}` };
  const message = isObject(choice.message) ? choice.message : {};
  const content = typeof message.content === "string" ? message.content.trim() : "";
  const thought = [message.reasoning_content, message.reasoning].some((r) => typeof r === "string" && r.trim() !== "");
  const finish = typeof choice.finish_reason === "string" ? choice.finish_reason : "none";
  // An empty reply cut off by max_tokens (a reasoning model thinking) still proves the model serves.
  const reply = content
    ? `reply ${JSON.stringify(content)} (finish_reason=${finish})`
    : `empty reply (finish_reason=${finish}${thought ? ", reasoning only" : ""})`;
  if (latencyMs > maxLatencyMs) return { status: "slow", detail: `took ${latencyMs} ms > ${maxLatencyMs} ms; ${reply}` };
  return { status: "ok", detail: reply };
}

/**
 * Pure: map what happened to exactly one status.
 * @param {Outcome} outcome @param {number} maxLatencyMs @returns {Verdict}
 */
function classify(outcome, maxLatencyMs) {
  if (outcome.kind === "catalog_miss") return { status: "model_not_found", detail: outcome.detail };
  if (outcome.kind === "failure") return { status: outcome.error === "timeout" ? "timeout" : "network_error", detail: outcome.detail };
  const code = outcome.httpStatus;
  if (code >= 200 && code < 300) return classifySuccess(outcome.body, outcome.latencyMs, maxLatencyMs);
  const { message, quotaReset } = providerMessage(outcome.body);
  const text = message.toLowerCase();
  const quota = quotaReset !== undefined || /quota|usage cap/.test(text);
  const detail = (message.trim() || `HTTP ${code} with an empty body`) + (quotaReset ? ` (quota resets ${quotaReset})` : "");
  /** @type {Status} */
  let status = "upstream_error"; // other 5xx, other 4xx, 3xx
  if (code === 401 || code === 403) status = "auth_failed";
  else if (code === 404) status = "model_not_found";
  else if (code === 402) status = quota ? "quota_exhausted" : "tier_required"; // tier, subscription, balance
  else if (code === 429) status = quota ? "quota_exhausted" : /maximum capacity/.test(text) ? "capacity" : "rate_limited";
  else if (code === 503 && /no instances available/.test(text)) status = "cold_start";
  return { status, detail };
}

/**
 * Pure: what GET /models says about the model. Only a non-empty 200 catalog can rule it out.
 * @param {number} httpStatus @param {string} body @param {string} model
 * @returns {{ missing: string } | { note: string } | null} null = listed
 */
function checkCatalog(httpStatus, body, model) {
  const json = parseJson(body);
  const data = isObject(json) && Array.isArray(json.data) ? json.data : undefined;
  const ids = (data ?? []).map((m) => (isObject(m) && typeof m.id === "string" ? m.id : "")).filter(Boolean);
  if (httpStatus !== 200 || ids.length === 0) {
    return { note: `catalog check skipped: /models gave HTTP ${httpStatus}${httpStatus === 200 ? " without a usable list" : ""}` };
  }
  const lower = model.toLowerCase();
  if (ids.some((id) => id.toLowerCase() === lower)) return null;
  const near = ids.find((id) => id.toLowerCase().replace(/-tee$/, "") === lower.replace(/-tee$/, ""));
  return { missing: `${model} is not in the /models catalog (${ids.length} models)${near ? `; did you mean ${near}?` : ""}` };
}

/** @param {unknown} err @param {string} phase @param {number} timeoutMs @returns {Outcome} */
function describeFetchError(err, phase, timeoutMs) {
  const name = isObject(err) && typeof err.name === "string" ? err.name : "";
  /** @type {Record<string, unknown>} */
  const cause = isObject(err) && isObject(err.cause) ? err.cause : {};
  const code = typeof cause.code === "string" ? cause.code : "";
  if (name === "TimeoutError" || name === "AbortError" || /TIMEOUT|ETIMEDOUT/.test(code)) {
    return { kind: "failure", error: "timeout", detail: `no answer within ${timeoutMs} ms (${phase})` };
  }
  const inner = Array.isArray(cause.errors) && cause.errors[0] instanceof Error ? cause.errors[0].message : "";
  const msg = (typeof cause.message === "string" && cause.message) || inner || (err instanceof Error ? err.message : String(err));
  return { kind: "failure", error: "network", detail: `${phase}: ${code ? `${code} ` : ""}${msg}` };
}

/**
 * One request under the shared deadline. No retries; redirects are not followed.
 * @param {string} url @param {{ method?: string, headers: Record<string, string>, body?: string }} init
 * @param {number} deadline performance.now() value @param {string} phase @param {number} timeoutMs
 * @returns {Promise<{ httpStatus: number, body: string } | Outcome>}
 */
async function request(url, init, deadline, phase, timeoutMs) {
  try {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(deadline - performance.now())));
    const res = await fetch(url, { ...init, redirect: "manual", signal });
    return { httpStatus: res.status, body: await res.text() };
  } catch (err) {
    return describeFetchError(err, phase, timeoutMs);
  }
}

// --- budget: Chutes' management API (subscription caps and the daily request quota) ---

const DEFAULT_MANAGEMENT_URL = "https://api.chutes.ai";
const BUDGET_MODES = ["off", "report", "alert", "only"];
const HOUR_MS = 3_600_000;

/** @param {unknown} v @returns {number | undefined} a finite number (numeric strings too) */
function num(v) {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** @param {unknown} v unix seconds or ms, or an ISO date-time (no offset = UTC) @returns {Date | undefined} */
function toDate(v) {
  const n = num(v);
  if (n !== undefined) return n > 0 ? new Date(n > 1e12 ? n : n * 1000) : undefined;
  if (typeof v !== "string" || !v.trim()) return undefined;
  const s = v.trim();
  const d = new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s) ? `${s}Z` : s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** @param {Date | undefined} d */
const iso = (d) => (d ? d.toISOString() : null);
/** @param {number} x */
const round1 = (x) => Math.round(x * 10) / 10;

/**
 * @typedef {{ usage: number | null, cap: number | null, remaining: number | null, percent: number | null,
 *   resetAt: string | null, capAt: string | null, uncapped?: true }} Window
 * @typedef {"ok" | "warning" | "critical"} Level
 */

/**
 * Pure: one usage window (monthly, four-hour or daily quota) with its percentage and a forecast:
 * at the average burn rate since the window opened, when usage reaches the cap (null when it
 * would not before the reset, or when there is no burn to extrapolate).
 * @param {unknown} usageRaw @param {unknown} capRaw @param {unknown} remainingRaw
 * @param {Date | undefined} resetAt @param {(reset: Date) => Date} openedAt @param {Date} now
 * @returns {Window | undefined} undefined when usage or cap is unreadable
 */
function usageWindow(usageRaw, capRaw, remainingRaw, resetAt, openedAt, now) {
  const usage = num(usageRaw);
  const cap = num(capRaw);
  if (usage === undefined || cap === undefined || cap <= 0 || usage < 0) return undefined;
  const remaining = num(remainingRaw) ?? Math.max(0, cap - usage);
  const percent = round1((usage / cap) * 100);
  let capAt = null;
  if (resetAt) {
    const opened = openedAt(resetAt).getTime();
    const elapsed = now.getTime() - opened;
    if (remaining <= 0) capAt = iso(now);
    else if (usage > 0 && elapsed > 0) {
      const at = now.getTime() + remaining / (usage / elapsed);
      if (at < resetAt.getTime()) capAt = new Date(Math.round(at)).toISOString();
    }
  }
  return { usage, cap, remaining, percent, resetAt: iso(resetAt), capAt };
}

/** @param {Date} reset */
const monthBefore = (reset) => { const d = new Date(reset); d.setUTCMonth(d.getUTCMonth() - 1); return d; };

/**
 * Pure: GET /users/me/subscription_usage. {"subscription": false} is pay-as-you-go; a custom
 * plan may have "monthly": {"uncapped": true}. Anything else unexpected is a bad shape.
 * @param {unknown} json @param {Date} now
 * @returns {{ plan: "pay_as_you_go" | "subscription" | "custom", monthly: Window | null, fourHour: Window | null } | { error: string }}
 */
function parseSubscription(json, now) {
  if (!isObject(json)) return { error: "unexpected shape: not a JSON object" };
  const hasWindows = isObject(json.monthly) || isObject(json.four_hour);
  if (json.subscription === false || (json.subscription === undefined && !hasWindows)) {
    return json.subscription === false ? { plan: "pay_as_you_go", monthly: null, fourHour: null } : { error: "unexpected shape: no subscription field" };
  }
  const plan = json.custom === true ? "custom" : "subscription";
  /** @param {unknown} w @param {(reset: Date) => Date} openedAt @returns {Window | null} */
  const read = (w, openedAt) => {
    if (!isObject(w)) return null;
    if (w.uncapped === true) return { usage: num(w.usage) ?? null, cap: null, remaining: null, percent: null, resetAt: iso(toDate(w.reset_at)), capAt: null, uncapped: true };
    return usageWindow(w.usage, w.cap, w.remaining, toDate(w.reset_at), openedAt, now) ?? null;
  };
  const monthly = read(json.monthly, monthBefore);
  const fourHour = read(json.four_hour, (reset) => new Date(reset.getTime() - 4 * HOUR_MS));
  if (!monthly && !fourHour) return { error: "unexpected shape: no readable monthly or four_hour window" };
  return { plan, monthly, fourHour };
}

/**
 * Pure: GET /users/me/quota_usage/me, the daily request quota (1 request = 1, resets 00:00 UTC).
 * @param {unknown} json @param {Date} now @returns {Window | { error: string }}
 */
function parseQuota(json, now) {
  if (!isObject(json) || !("quota" in json)) return { error: "unexpected shape: no quota field" };
  const used = num(json.used);
  if (typeof json.quota === "string" && json.quota.trim().toLowerCase() === "unlimited") {
    return { usage: used ?? null, cap: null, remaining: null, percent: null, resetAt: null, capAt: null, uncapped: true };
  }
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return usageWindow(json.used, json.quota, undefined, midnight, (reset) => new Date(reset.getTime() - 24 * HOUR_MS), now)
    ?? { error: "unexpected shape: quota/used are not numbers" };
}

/**
 * Pure: the budget verdict from the two reads (each a parsed JSON body or an error string).
 * @param {{ subscription: { json: unknown } | { error: string }, quota: { json: unknown } | { error: string } }} reads
 * @param {{ warnPercent: number, criticalPercent: number }} limits @param {Date} now
 */
function assessBudget(reads, limits, now) {
  const sub = "json" in reads.subscription ? parseSubscription(reads.subscription.json, now) : { error: reads.subscription.error };
  const quota = "json" in reads.quota ? parseQuota(reads.quota.json, now) : { error: reads.quota.error };
  const subOk = !("error" in sub);
  const quotaOk = !("error" in quota);
  /** @type {[string, Window | null][]} */
  const windows = [["monthly", subOk ? sub.monthly : null], ["four_hour", subOk ? sub.fourHour : null], ["daily_quota", quotaOk ? quota : null]];
  /** @param {Window} w @returns {Level} */
  const level = (w) => (w.percent === null ? "ok" : w.percent >= limits.criticalPercent ? "critical" : w.percent >= limits.warnPercent ? "warning" : "ok");
  const rank = { ok: 0, warning: 1, critical: 2 };
  /** @type {[string, Window] | undefined} */
  let worst;
  for (const [name, w] of windows) {
    if (!w || w.percent === null) continue;
    if (!worst || rank[level(w)] > rank[level(worst[1])] || (level(w) === level(worst[1]) && w.percent > (worst[1].percent ?? 0))) worst = [name, w];
  }
  const worstLevel = worst ? level(worst[1]) : "ok";
  const plan = subOk ? sub.plan : null;
  const uncapped = subOk && sub.monthly?.uncapped === true;
  /** @type {"ok" | "warning" | "critical" | "pay_as_you_go" | "uncapped" | "unavailable"} */
  let status = worstLevel;
  if (worstLevel === "ok") status = !subOk ? "unavailable" : plan === "pay_as_you_go" ? "pay_as_you_go" : uncapped ? "uncapped" : "ok";

  const parts = [];
  if (worst) {
    const [name, w] = worst;
    parts.push(`${name} at ${w.percent}% of its cap${w.resetAt ? `, resets ${w.resetAt}` : ""}`
      + (w.capAt ? `; at this pace the cap is hit ${w.capAt}` : w.resetAt ? "; at this pace it lasts until the reset" : ""));
  }
  if (plan === "pay_as_you_go") parts.push("no subscription (pay-as-you-go: no usage cap)");
  else if (uncapped) parts.push("custom plan without a monthly cap");
  if (!subOk) parts.push(`subscription usage unavailable: ${sub.error}`);
  if (!quotaOk) parts.push(`daily quota unavailable: ${quota.error}`);
  else if (quota.uncapped) parts.push("daily quota unlimited");
  const [name, w] = worst ?? [null, null];
  return {
    status,
    plan,
    window: name,
    percent: w ? w.percent : null,
    resetAt: w ? w.resetAt : null,
    capAt: w ? w.capAt : null,
    detail: parts.join("; "),
    monthly: windows[0][1],
    fourHour: windows[1][1],
    dailyQuota: windows[2][1],
  };
}

/**
 * One management read under the shared deadline: the parsed JSON body, or why not.
 * @param {string} url @param {string} key @param {number} deadline @param {string} phase @param {number} timeoutMs
 * @returns {Promise<{ json: unknown } | { error: string }>}
 */
async function readManagement(url, key, deadline, phase, timeoutMs) {
  const res = await request(url, { headers: { accept: "application/json", "user-agent": USER_AGENT, authorization: `Bearer ${key}` } }, deadline, phase, timeoutMs);
  if (!("httpStatus" in res)) return { error: res.kind === "failure" && res.error === "timeout" ? `no answer within ${timeoutMs} ms` : `unreachable (${res.detail})` };
  if (res.httpStatus !== 200) return { error: `HTTP ${res.httpStatus}: ${providerMessage(res.body).message.trim().slice(0, 80) || "empty body"}` };
  const json = parseJson(res.body);
  return json === undefined ? { error: "unexpected shape: the body is not JSON" } : { json };
}

/**
 * Both management reads, in parallel, never throwing.
 * @param {string} managementUrl @param {string} key @param {{ warnPercent: number, criticalPercent: number }} limits
 * @param {number} deadline @param {number} timeoutMs
 */
async function readBudget(managementUrl, key, limits, deadline, timeoutMs) {
  const [subscription, quota] = await Promise.all([
    readManagement(`${managementUrl}/users/me/subscription_usage`, key, deadline, "GET /users/me/subscription_usage", timeoutMs),
    readManagement(`${managementUrl}/users/me/quota_usage/me`, key, deadline, "GET /users/me/quota_usage/me", timeoutMs),
  ]);
  return assessBudget({ subscription, quota }, limits, new Date());
}

/** @param {string | undefined} v */
const positiveInt = (v) => (v !== undefined && /^\d+$/.test(v.trim()) && Number(v) > 0 ? Number(v) : NaN);

/**
 * @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @returns {{ baseUrl: string, model: string, key: string, timeoutMs: number, maxLatencyMs: number,
 *   budget: string, managementUrl: string, warnPercent: number, criticalPercent: number, problems: string[], hint: string }}
 */
function readConfig(argv, env) {
  /** @type {Record<string, string>} */
  const flags = {};
  /** @type {string[]} */
  const problems = [];
  /** @type {Set<keyof typeof CONFIG_HINTS>} */
  const causes = new Set();
  /** @param {string} text @param {keyof typeof CONFIG_HINTS} cause */
  const problem = (text, cause) => { problems.push(text); causes.add(cause); };
  const known = ["--base-url", "--model", "--timeout-ms", "--max-latency-ms", "--budget", "--management-url", "--budget-warn-percent", "--budget-critical-percent"];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    // Never echo values: a stray argument could be a key.
    if (!known.includes(name)) { problem(name.startsWith("-") ? `unknown flag ${name}` : "unexpected argument", "flag"); continue; }
    // A bare --budget (last, or followed by another flag) means --budget alert.
    if (name === "--budget" && name === arg && (i + 1 >= argv.length || argv[i + 1].startsWith("--"))) { flags[name] = "alert"; continue; }
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) problem(`${name} needs a value`, "value");
    else flags[name] = value;
  }
  const pick = (/** @type {string} */ flag, /** @type {string} */ envName) => (flags[flag] ?? env[envName] ?? "").trim();
  const baseUrl = pick("--base-url", "PROBE_BASE_URL").replace(/\/+$/, "");
  const model = pick("--model", "PROBE_MODEL").replace(/^chutes\//i, "");
  const key = (env.CHUTES_API_KEY ?? "").trim();
  const timeoutRaw = pick("--timeout-ms", "PROBE_TIMEOUT_MS") || "30000";
  const maxLatencyRaw = pick("--max-latency-ms", "PROBE_MAX_LATENCY_MS") || "20000";
  const budget = (pick("--budget", "PROBE_BUDGET") || "off").toLowerCase();
  const managementUrl = (pick("--management-url", "PROBE_MANAGEMENT_URL") || DEFAULT_MANAGEMENT_URL).replace(/\/+$/, "");
  const warnPercent = positiveInt(pick("--budget-warn-percent", "PROBE_BUDGET_WARN_PERCENT") || "80");
  const criticalPercent = positiveInt(pick("--budget-critical-percent", "PROBE_BUDGET_CRITICAL_PERCENT") || "95");
  const inference = budget !== "only";
  if (!baseUrl) { if (inference) problem("missing base URL (--base-url or PROBE_BASE_URL)", "baseUrl"); }
  else if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl)) problem("base URL is not an http(s) URL", "baseUrl");
  if (!model && inference) problem("missing model (--model or PROBE_MODEL)", "model");
  if (!key) problem("missing API key (env CHUTES_API_KEY)", "key");
  const timeoutMs = positiveInt(timeoutRaw);
  const maxLatencyMs = positiveInt(maxLatencyRaw);
  if (Number.isNaN(timeoutMs)) problem("timeout must be a positive integer of ms", "number");
  if (Number.isNaN(maxLatencyMs)) problem("max latency must be a positive integer of ms", "number");
  if (!BUDGET_MODES.includes(budget)) problem(`budget must be one of ${BUDGET_MODES.join(", ")}`, "budget");
  if (!/^https?:\/\/[^/]/i.test(managementUrl) || !URL.canParse(managementUrl)) problem("management URL is not an http(s) URL", "managementUrl");
  if (Number.isNaN(warnPercent) || warnPercent > 100) problem("budget warn percent must be a whole number from 1 to 100", "percent");
  if (Number.isNaN(criticalPercent) || criticalPercent > 100) problem("budget critical percent must be a whole number from 1 to 100", "percent");
  else if (warnPercent > criticalPercent) problem("budget warn percent must not exceed the critical percent", "percent");
  return { baseUrl, model, key, timeoutMs, maxLatencyMs, budget, managementUrl, warnPercent, criticalPercent, problems, hint: [...causes].map((c) => CONFIG_HINTS[c]).join(" ") };
}

/**
 * Print the single JSON line (key redacted from every string) and exit.
 * @param {{ status: string, inference: string | null, httpStatus: number | null, latencyMs: number | null, model: string,
 *   baseUrl: string, detail: string, hint?: string, budget?: (ReturnType<typeof assessBudget>) | null }} r
 * @param {string} key
 */
function emit(r, key) {
  const clean = (/** @type {string} */ s) => (key ? s.split(key).join("[REDACTED]") : s);
  const short = clean(r.detail).replace(/\s+/g, " ").trim();
  const budget = r.budget ? JSON.parse(clean(JSON.stringify(r.budget))) : null;
  if (budget && budget.detail.length > 300) budget.detail = `${budget.detail.slice(0, 299)}…`;
  const line = JSON.stringify({
    status: r.status,
    ok: exitCode(r.status) === 0,
    httpStatus: r.httpStatus,
    latencyMs: r.latencyMs,
    model: clean(r.model) || null,
    baseUrl: clean(r.baseUrl) || null,
    detail: short.length > 200 ? `${short.slice(0, 199)}…` : short,
    hint: r.hint || HINTS[/** @type {Status} */ (r.status)],
    checkedAt: new Date().toISOString(),
    inference: r.inference,
    budget,
  });
  process.stdout.write(`${line}\n`, () => process.exit(exitCode(r.status)));
}

/**
 * GET /models, then at most one completion; never throws.
 * @param {ReturnType<typeof readConfig>} cfg @param {number} start @param {number} deadline
 * @returns {Promise<{ verdict: Verdict, httpStatus: number | null, latencyMs: number }>}
 */
async function checkInference(cfg, start, deadline) {
  const { baseUrl, model, key, timeoutMs } = cfg;
  const headers = { accept: "application/json", "user-agent": USER_AGENT };
  let note = "";
  /** @type {Outcome | { httpStatus: number, body: string }} */
  let res = await request(`${baseUrl}/models`, { headers }, deadline, "GET /models", timeoutMs);
  if ("httpStatus" in res) {
    const catalog = checkCatalog(res.httpStatus, res.body, model);
    if (catalog && "note" in catalog) note = catalog.note;
    res = catalog && "missing" in catalog ? { kind: "catalog_miss", detail: catalog.missing } : await request(
      `${baseUrl}/chat/completions`,
      { method: "POST", headers: { ...headers, authorization: `Bearer ${key}`, "content-type": "application/json" }, body: completionBody(model) },
      deadline, "POST /chat/completions", timeoutMs,
    );
  }
  const latencyMs = Math.round(performance.now() - start);
  const outcome = "httpStatus" in res ? { kind: /** @type {const} */ ("http"), ...res, latencyMs } : res;
  const verdict = classify(outcome, cfg.maxLatencyMs);
  return {
    verdict: note ? { status: verdict.status, detail: `${verdict.detail}; ${note}` } : verdict,
    httpStatus: "httpStatus" in res ? res.httpStatus : null,
    latencyMs,
  };
}

/** The top-level status a budget verdict stands for (null: it never outranks anything). */
const BUDGET_STATUS = /** @type {Record<string, string | null>} */ ({ warning: "budget_warning", critical: "budget_critical", unavailable: "budget_unavailable" });

async function main() {
  if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) return process.stdout.write(USAGE, () => process.exit(0));
  const cfg = readConfig(process.argv.slice(2), process.env);
  const { baseUrl, model, key, timeoutMs } = cfg;
  const base = { httpStatus: null, latencyMs: null, model, baseUrl, inference: null };
  if (cfg.problems.length > 0) return emit({ ...base, status: "config_error", detail: cfg.problems.join("; "), hint: cfg.hint }, key);

  const start = performance.now();
  const deadline = start + timeoutMs;
  const limits = { warnPercent: cfg.warnPercent, criticalPercent: cfg.criticalPercent };
  // Both run at once under the one deadline: a slow management API never delays the completion.
  const [inference, budget] = await Promise.all([
    cfg.budget === "only" ? null : checkInference(cfg, start, deadline),
    cfg.budget === "off" ? null : readBudget(cfg.managementUrl, key, limits, deadline, timeoutMs),
  ]);
  /** @type {string} */
  let status = inference ? inference.verdict.status : "ok";
  let detail = inference ? inference.verdict.detail : "";
  const budgetStatus = budget ? BUDGET_STATUS[budget.status] ?? null : null;
  // Only alert/only modes let the budget decide the status; unavailable only where nothing else is checked.
  const budgetDecides = (cfg.budget === "alert" && budgetStatus !== "budget_unavailable") || cfg.budget === "only";
  if (budget && budgetStatus && budgetDecides && severity(budgetStatus) > severity(status)) {
    status = budgetStatus;
    detail = inference ? `${budget.detail}; completion ${inference.verdict.status}: ${inference.verdict.detail}` : budget.detail;
  } else if (budget && inference === null) {
    detail = budget.detail || `budget ${budget.status}`;
  } else if (budget && (budget.status === "warning" || budget.status === "critical")) {
    detail = `${detail}; budget ${budget.status}: ${budget.detail}`;
  }
  emit({
    ...base,
    status,
    inference: inference ? inference.verdict.status : null,
    httpStatus: inference ? inference.httpStatus : null,
    latencyMs: inference ? inference.latencyMs : null,
    detail,
    budget,
  }, key);
}

main().catch((err) => {
  // Unreachable by design (every request error is classified); keep the one-line contract anyway.
  emit({ status: "bad_response", inference: null, httpStatus: null, latencyMs: null, model: "", baseUrl: "",
    detail: `internal probe error: ${err instanceof Error ? err.message : String(err)}` }, (process.env.CHUTES_API_KEY ?? "").trim());
});
