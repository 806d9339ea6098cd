#!/usr/bin/env node
// @ts-check
/**
 * chutes-probe.mjs: one cheap, deterministic check that a model served by Chutes
 * (OpenAI-compatible API) can run a Kodus review. Node 20+ built-ins only; shipped as this
 * single file, shared by the Docker stack, the Kubernetes stack and the Helm chart.
 *
 * Usage:
 *   CHUTES_API_KEY=cpk_... node chutes-probe.mjs --base-url https://llm.chutes.ai/v1 \
 *     --model deepseek-ai/DeepSeek-V3.2-TEE [--timeout-ms 30000] [--max-latency-ms 20000] \
 *     [--require tools[,structured-outputs]] [--schedule "*\/15 * * * *"] \
 *     [--budget off|report|alert|only] [--management-url https://api.chutes.ai] \
 *     [--budget-warn-percent 80] [--budget-critical-percent 95]
 *   node chutes-probe.mjs --cost [--schedule CRON]   (what the periodic check spends per plan; no request)
 *   The settings may come from env instead (flags win): PROBE_BASE_URL, PROBE_MODEL,
 *   PROBE_TIMEOUT_MS, PROBE_MAX_LATENCY_MS, PROBE_REQUIRE, PROBE_SCHEDULE, PROBE_BUDGET,
 *   PROBE_MANAGEMENT_URL, PROBE_BUDGET_WARN_PERCENT, PROBE_BUDGET_CRITICAL_PERCENT. A leading
 *   "chutes/" on the model id is stripped. `--budget` without a value means `--budget alert`.
 *
 * What it does, with no retries, no redirects followed and one timeout covering every request:
 *   1. GET {base}/models (public; the key is NOT sent). In a usable listing the model must be
 *      listed under its exact id (a case-only or "-TEE"-only difference is a near miss:
 *      model_not_listed, naming the listed id) and its "supported_features" must contain
 *      "tools" (Kodus' review calls the model with tools) and, with --require
 *      structured-outputs, "structured_outputs" (Kodus sends json_schema requests to base URLs
 *      in API_TRUST_JSON_SCHEMA_BASE_URLS); else feature_missing. Either way no completion.
 *   2. At most one POST {base}/chat/completions: a tiny FORCED function call (tool_choice names
 *      the function), the same bytes every run (Chutes bills a repeat within 15 minutes at 0.1
 *      request). A reply with the call is ok; a text reply is tools_ignored; a reply cut off by
 *      max_tokens (finish_reason "length") is inconclusive, reported ok with a note.
 *   3. With --schedule (the periodic check), the completion is spent only on runs whose time
 *      falls in the first schedule interval of a completion interval, counted from 00:00 UTC (no state):
 *      the completion interval is the shortest multiple of the schedule's interval that keeps
 *      the completions of one UTC day within 1 % of the daily request quota that
 *      GET {management}/users/me/quota_usage/me reports (300, the smallest plan, when it cannot
 *      be read). That read is free and runs every time: a 401 there is auth_failed, a quota used
 *      up is quota_exhausted, on runs without a completion too.
 *   4. With --budget other than off, at the same time: GET {management}/users/me/subscription_usage
 *      and GET {management}/users/me/quota_usage/me (Chutes' management API; reading them spends
 *      no inference quota). Their failure never changes the inference verdict: it is reported
 *      in the "budget" field only.
 *   Budget modes: off (default: no budget figures), report (figures in "budget", the status and
 *   exit code stay the inference's: the preflight), alert (a cap at or above the warn/critical
 *   percentage becomes the status budget_warning/budget_critical when nothing worse happened),
 *   only (no inference request at all: budget statuses only).
 *
 * Output: exactly one JSON line on stdout, nothing on stderr:
 *   {"status","ok","httpStatus","latencyMs","model","baseUrl","detail","hint","checkedAt","inference","completion","budget"}
 *   httpStatus is the status of POST /chat/completions (null when none was received or sent);
 *   latencyMs covers the inference requests; inference is the inference verdict alone (null in
 *   only mode); completion is null without an inference check, else {spent, intervalSeconds
 *   (null: every run), dailyQuota, quotaRead, nextAt}; budget is null when off, else {status,
 *   plan, window, percent, resetAt, capAt, detail, monthly, fourHour, dailyQuota}.
 *   Text from outside (provider answers, headers, arguments) is redacted first, then shortened:
 *   the key, any run of 12 or more of its characters, "Bearer ..." and "cpk_..." tokens.
 * Statuses, least to most severe (the most severe of the inference and budget verdicts is the
 *   status): ok, budget_warning, slow, budget_unavailable (only mode), budget_critical, then the
 *   inference failures, then config_error.
 * Exit codes: 0 = ok or budget_warning (serving; a heads-up); 1 = an inference failure (slow,
 *   auth_failed, model_not_found, tier_required, quota_exhausted, rate_limited, capacity,
 *   cold_start, upstream_error, timeout, network_error, bad_response); 2 = config_error (bad flags
 *   or missing base URL / model / CHUTES_API_KEY); 3 = budget_critical; 4 = budget_unavailable;
 *   5 = model_not_listed; 6 = feature_missing; 7 = tools_ignored; 8 = redirect.
 */

const HINTS = {
  ok: "Nothing to do: Chutes lists the model with what a review needs and it answered in time.",
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
  model_not_listed: "Chutes does not list the model (GET /v1/models): pick a listed id for API_LLM_PROVIDER_MODEL (llm.model); ids change over time, e.g. when a -TEE variant replaces a model.",
  feature_missing: "Chutes lists the model without a feature a Kodus review needs (see detail): choose a model whose supported_features in GET /v1/models include it.",
  tools_ignored: "The model answered a forced function call with plain text: Kodus' review calls tools and would fail; choose a model that supports tool calling.",
  redirect: "The URL answered with a redirect (see detail): set llm.baseUrl / llm.managementUrl to the final URL; the probe never follows a redirect, which could carry the key to another host.",
};
/** What to do about each kind of config_error: the hint names the cause, not a generic list. */
const CONFIG_HINTS = {
  flag: "Run with --help to list the flags.",
  value: "Give the flag a value: --flag VALUE or --flag=VALUE.",
  baseUrl: "Set --base-url or PROBE_BASE_URL to the provider's API base, e.g. https://llm.chutes.ai/v1.",
  model: "Set --model or PROBE_MODEL to an org/model id, e.g. deepseek-ai/DeepSeek-V3.2-TEE.",
  key: "Export CHUTES_API_KEY=cpk_... (the key is read only from the environment, never from a flag).",
  number: "Use a whole number of milliseconds greater than 0, e.g. --timeout-ms 30000.",
  budget: "Use --budget off, report, alert or only.",
  managementUrl: "Set --management-url or PROBE_MANAGEMENT_URL to Chutes' management API, https://api.chutes.ai (the default).",
  percent: "Use whole percentages from 1 to 100 with warn <= critical, e.g. --budget-warn-percent 80 --budget-critical-percent 95.",
  require: "Use --require tools or --require tools,structured-outputs.",
  schedule: "Use a 5-field cron expression (UTC) with numeric minute and hour fields, e.g. --schedule \"*/15 * * * *\".",
};
const USAGE = `Usage: CHUTES_API_KEY=cpk_... node chutes-probe.mjs --base-url URL --model ORG/MODEL [flags]
  --base-url URL                 OpenAI-compatible API base (env PROBE_BASE_URL), e.g. https://llm.chutes.ai/v1
  --model ORG/MODEL              model id (env PROBE_MODEL); a leading "chutes/" is stripped
  --timeout-ms N                 one timeout for every request (env PROBE_TIMEOUT_MS, default 30000)
  --max-latency-ms N             slower answers are "slow" (env PROBE_MAX_LATENCY_MS, default 20000)
  --require LIST                 features the listing must give the model (env PROBE_REQUIRE, default tools;
                                 tools,structured-outputs when Kodus trusts json_schema for the base URL)
  --schedule CRON                the periodic check's schedule (env PROBE_SCHEDULE): spend the completion only
                                 as often as 1 % of the daily quota allows; without it, every run spends one
  --budget off|report|alert|only read Chutes' usage caps too (env PROBE_BUDGET, default off; bare --budget = alert)
  --management-url URL           Chutes' management API (env PROBE_MANAGEMENT_URL, default https://api.chutes.ai)
  --budget-warn-percent N        budget_warning at this share of a cap (default 80)
  --budget-critical-percent N    budget_critical at this share of a cap (default 95)
  --cost                         print what the periodic check spends per plan at --schedule (no request, no key)
  --help                         this text
Prints one JSON line. Exit codes: 0 ok or budget_warning; 1 an inference failure; 2 config_error;
3 budget_critical; 4 budget_unavailable; 5 model_not_listed; 6 feature_missing; 7 tools_ignored; 8 redirect.
`;
/** Least to most severe; the reported status is the most severe verdict. */
const SEVERITY = ["ok", "budget_warning", "slow", "budget_unavailable", "budget_critical"];
/** @param {string} status */
const severity = (status) => (SEVERITY.includes(status) ? SEVERITY.indexOf(status) : SEVERITY.length);
/** The exit code of each status that does not exit 1 (every other inference failure). */
const EXIT_CODES = /** @type {Record<string, number>} */ ({
  ok: 0, budget_warning: 0, config_error: 2, budget_critical: 3, budget_unavailable: 4,
  model_not_listed: 5, feature_missing: 6, tools_ignored: 7, redirect: 8,
});
/** @param {string} status */
const exitCode = (status) => EXIT_CODES[status] ?? 1;
/** @typedef {keyof typeof HINTS} Status */
/** @typedef {{ status: Status, detail: string, hint?: string }} Verdict */
/**
 * What the requests produced; the input of the pure classifier.
 * @typedef {{ kind: "verdict", verdict: Verdict }
 *   | { kind: "failure", error: "timeout" | "network", detail: string }
 *   | { kind: "http", httpStatus: number, body: string, location: string, latencyMs: number }} Outcome
 */

// --- redaction: every printed string passes here first, and only then is it shortened ---

/** The secrets to keep out of every printed string (the key; set once in main). @type {string[]} */
const SECRETS = [];
/** No run of this many characters of a secret may be printed (a cut can leave any shorter piece). */
const SECRET_RUN = 12;
const REDACTED = "[REDACTED]";

/** @param {string} s @param {string} secret Replace every run of SECRET_RUN or more characters of `secret` (any case). */
function redactRuns(s, secret) {
  if (secret.length < SECRET_RUN) return s.split(secret).join(REDACTED);
  const lower = s.toLowerCase();
  const text = lower.length === s.length ? lower : s; // same indices, or compare as given
  const runs = new Set();
  for (let i = 0; i + SECRET_RUN <= secret.length; i++) runs.add((text === lower ? secret.toLowerCase() : secret).slice(i, i + SECRET_RUN));
  const covered = new Uint8Array(s.length);
  let found = false;
  for (let i = 0; i + SECRET_RUN <= s.length; i++) {
    if (runs.has(text.slice(i, i + SECRET_RUN))) { covered.fill(1, i, i + SECRET_RUN); found = true; }
  }
  if (!found) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (!covered[i]) out += s[i];
    else if (i === 0 || !covered[i - 1]) out += REDACTED;
  }
  return out;
}

/**
 * Pure: `s` without the secrets, any part of them long enough to survive a cut, and anything
 * shaped like a credential ("Bearer <token>", "cpk_..."), whoever's it is.
 * @param {unknown} s @param {readonly string[]} [secrets]
 */
function redact(s, secrets = SECRETS) {
  let out = String(s);
  for (const secret of secrets) if (secret) out = redactRuns(out, secret);
  return out
    .replace(/\b(bearer)(\s+|%20|\+)(?!\[REDACTED\])[^\s"'<>,;)\]}]{6,}/gi, `$1 ${REDACTED}`)
    .replace(/cpk_[A-Za-z0-9_-][A-Za-z0-9._~+/=-]*/gi, REDACTED);
}

/** Pure: redact, THEN collapse whitespace and cut to `max` characters. @param {unknown} s @param {number} max */
function clip(s, max) {
  const text = redact(s).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** @param {unknown} v Every string inside `v` redacted (a deep copy). @returns {any} */
function redactDeep(v) {
  if (typeof v === "string") return redact(v);
  if (Array.isArray(v)) return v.map(redactDeep);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x)]));
  return v;
}

// --- the review-readiness check: listing, forced tool call ---

const USER_AGENT = "kodus-chutes-probe/2";
/** The function the completion is forced to call. */
const TOOL_NAME = "report_health";
/**
 * Room for a reasoning model to think before it calls the function. Thinking models on Chutes
 * (DeepSeek, Qwen3 Thinking, GLM, Kimi) spend a few dozen to a few hundred tokens on a one-line
 * task before answering; 512 covers that with room, and at a slow 50 tokens/s the whole budget
 * takes about 10 s, half the default latency limit. Chutes counts a request as 1 against the
 * daily quota whatever its size, so the room costs no quota, only cents of a cent of
 * pay-as-you-go value. A reply cut off here is inconclusive, never "tools ignored".
 */
const MAX_TOKENS = 512;
/** Features (request name → the listing's supported_features entry). */
const FEATURES = /** @type {Record<string, string>} */ ({ tools: "tools", "structured-outputs": "structured_outputs" });

/** @param {string} model The request body: fixed key order, identical bytes for one model. */
const completionBody = (model) =>
  JSON.stringify({
    model,
    messages: [{ role: "user", content: `Health check: call the ${TOOL_NAME} function with status "ok".` }],
    tools: [{
      type: "function",
      function: {
        name: TOOL_NAME,
        description: "Report that this model can call tools.",
        parameters: { type: "object", properties: { status: { type: "string", enum: ["ok"] } }, required: ["status"] },
      },
    }],
    tool_choice: { type: "function", function: { name: TOOL_NAME } },
    max_tokens: MAX_TOKENS,
    temperature: 0,
    stream: false,
  });

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

/** @param {number} code @param {string} location @param {string} phase @returns {Verdict} */
const redirectVerdict = (code, location, phase) =>
  ({ status: "redirect", detail: `${phase} answered HTTP ${code}${location ? ` to ${location}` : " without a Location"} (not followed)` });

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
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const names = calls.map((c) => (isObject(c) && isObject(c.function) && typeof c.function.name === "string" ? c.function.name : "?"));
  /** @type {Verdict} */
  let verdict;
  if (names.includes(TOOL_NAME)) {
    verdict = { status: "ok", detail: `called ${TOOL_NAME} (finish_reason=${finish})` };
  } else if (finish === "length") {
    // A reasoning model can spend the whole budget thinking: that proves it serves, not that it ignores tools.
    verdict = { status: "ok", detail: `inconclusive: cut off by max_tokens=${MAX_TOKENS} before a tool call (finish_reason=length${thought ? ", reasoning only" : ""}); the model serves` };
  } else if (names.length > 0) {
    verdict = { status: "tools_ignored", detail: `asked to call ${TOOL_NAME}, called ${names.join(", ")} instead (finish_reason=${finish})` };
  } else {
    const reply = content ? `text ${JSON.stringify(content)}` : `an empty reply${thought ? " (reasoning only)" : ""}`;
    verdict = { status: "tools_ignored", detail: `asked to call ${TOOL_NAME}, answered with ${reply} (finish_reason=${finish})` };
  }
  if (verdict.status === "ok" && latencyMs > maxLatencyMs) return { status: "slow", detail: `took ${latencyMs} ms > ${maxLatencyMs} ms; ${verdict.detail}` };
  return verdict;
}

/**
 * Pure: map what happened to exactly one status.
 * @param {Outcome} outcome @param {number} maxLatencyMs @returns {Verdict}
 */
function classify(outcome, maxLatencyMs) {
  if (outcome.kind === "verdict") return outcome.verdict;
  if (outcome.kind === "failure") return { status: outcome.error === "timeout" ? "timeout" : "network_error", detail: outcome.detail };
  const code = outcome.httpStatus;
  if (code >= 200 && code < 300) return classifySuccess(outcome.body, outcome.latencyMs, maxLatencyMs);
  if (code >= 300 && code < 400) return redirectVerdict(code, outcome.location, "POST /chat/completions");
  const { message, quotaReset } = providerMessage(outcome.body);
  const text = message.toLowerCase();
  const quota = quotaReset !== undefined || /quota|usage cap/.test(text);
  const detail = (message.trim() || `HTTP ${code} with an empty body`) + (quotaReset ? ` (quota resets ${quotaReset})` : "");
  /** @type {Status} */
  let status = "upstream_error"; // other 5xx, other 4xx
  if (code === 401 || code === 403) status = "auth_failed";
  else if (code === 404) status = "model_not_found";
  else if (code === 402) status = quota ? "quota_exhausted" : "tier_required"; // tier, subscription, balance
  else if (code === 429) status = quota ? "quota_exhausted" : /maximum capacity/.test(text) ? "capacity" : "rate_limited";
  else if (code === 503 && /no instances available/.test(text)) status = "cold_start";
  return { status, detail };
}

/**
 * Pure: what GET /models says about the model. Only a non-empty 200 listing can rule it out.
 * The features come from each entry's "supported_features" (Chutes lists e.g. ["json_mode",
 * "tools", "structured_outputs", "reasoning"]); an entry without the field, in a listing where
 * others have it, supports none of them (Chutes' 2026-07 listing has such entries). A listing
 * where no entry has the field says nothing about features: the forced tool call decides.
 * @param {number} httpStatus @param {string} body @param {string} location @param {string} model @param {readonly string[]} required
 * @returns {{ verdict: Verdict } | { note: string }}
 */
function checkListing(httpStatus, body, location, model, required) {
  if (httpStatus >= 300 && httpStatus < 400) return { verdict: redirectVerdict(httpStatus, location, "GET /models") };
  const json = parseJson(body);
  const data = isObject(json) && Array.isArray(json.data) ? json.data.filter(isObject) : [];
  const entries = data.filter((m) => typeof m.id === "string" && m.id !== "");
  if (httpStatus !== 200 || entries.length === 0) {
    return { note: `listing check skipped: /models gave HTTP ${httpStatus}${httpStatus === 200 ? " without a usable list" : ""}` };
  }
  const entry = entries.find((m) => m.id === model);
  if (!entry) {
    const bare = (/** @type {string} */ id) => id.toLowerCase().replace(/-tee$/, "");
    const near = entries.find((m) => bare(String(m.id)) === bare(model));
    if (near) {
      const id = String(near.id);
      const how = id.toLowerCase() === model.toLowerCase() ? "only in capitalization"
        : id.replace(/-TEE$/i, "") === model.replace(/-TEE$/i, "") ? "only in the -TEE suffix" : "only in capitalization and the -TEE suffix";
      return { verdict: {
        status: "model_not_listed",
        detail: `${model} is not listed; ${id} is, differing ${how} (${entries.length} models)`,
        hint: `Set the model id (API_LLM_PROVIDER_MODEL, llm.model) to ${id} exactly: Chutes matches ids exactly, case and -TEE suffix included.`,
      } };
    }
    return { verdict: { status: "model_not_listed", detail: `${model} is not in the /models listing (${entries.length} models)` } };
  }
  const anyFeatures = entries.some((m) => Array.isArray(m.supported_features));
  if (!anyFeatures) return { note: "the listing gives no supported_features: the tool call decides" };
  const features = Array.isArray(entry.supported_features) ? entry.supported_features.filter((f) => typeof f === "string") : [];
  const missing = required.map((r) => FEATURES[r]).filter((f) => !features.includes(f));
  if (missing.length > 0) {
    return { verdict: {
      status: "feature_missing",
      detail: `${model} is listed without ${missing.map((f) => `"${f}"`).join(" and ")} in supported_features (${features.length ? features.join(", ") : "none listed"})`,
      ...(missing.includes("tools") ? {} : {
        hint: "Kodus is set to send json_schema (structured output) requests to this base URL (API_TRUST_JSON_SCHEMA_BASE_URLS) but Chutes lists the model without structured_outputs: choose a model whose listing has it, or turn that setting off.",
      }),
    } };
  }
  return { note: `listed with ${required.map((r) => FEATURES[r]).join(", ")}` };
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
 * @returns {Promise<{ httpStatus: number, body: string, location: string } | Outcome>}
 */
async function request(url, init, deadline, phase, timeoutMs) {
  try {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(deadline - performance.now())));
    const res = await fetch(url, { ...init, redirect: "manual", signal });
    return { httpStatus: res.status, body: await res.text(), location: res.headers.get("location") ?? "" };
  } catch (err) {
    return describeFetchError(err, phase, timeoutMs);
  }
}

// --- what the periodic check spends: completions per day from the schedule and the quota ---

const DAY_SECONDS = 86_400;
/** Chutes' plans by daily request quota ($3, $10, $20 a month); the smallest when the quota cannot be read. */
const PLAN_QUOTAS = [300, 2000, 5000];
/** The share of the daily quota the periodic check may spend. */
const COST_SHARE = 0.01;

/**
 * Pure: the values a numeric cron field (minute or hour) takes: "*", "n", "a-b", each with an
 * optional "/step", comma-separated. undefined when it is not that.
 * @param {string} field @param {number} max
 */
function cronValues(field, max) {
  const values = new Set();
  for (const part of field.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = m[1] === "*" ? 0 : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from > to || to > max || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Pure: the shortest gap, in seconds, between two runs of a 5-field cron schedule, from its
 * minute and hour fields (the day fields can only make gaps longer). NaN when unreadable.
 * @param {string} expr
 */
function scheduleIntervalSeconds(expr) {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return NaN;
  const minutes = cronValues(fields[0], 59);
  const hours = cronValues(fields[1], 23);
  if (!minutes?.length || !hours?.length) return NaN;
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m));
  let gap = times[0] + 1440 - times[times.length - 1];
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
  return gap * 60;
}

/**
 * Pure: seconds between two completions of the periodic check. A run spends one when its time
 * of the UTC day (Chutes' quota resets at 00:00 UTC) falls in [k x interval, k x interval +
 * scheduleSeconds): runs are at least scheduleSeconds apart, so at most one run falls in each
 * such window, and a UTC day holds ceil(86400 / interval) windows. The interval is the
 * shortest multiple of the schedule's interval that keeps that within 1 % of the daily quota
 * (at least one a day); an unlimited quota allows one every run.
 * @param {number} scheduleSeconds @param {number | "unlimited"} dailyQuota
 */
function completionIntervalSeconds(scheduleSeconds, dailyQuota) {
  if (dailyQuota === "unlimited") return scheduleSeconds;
  const allowed = Math.max(1, Math.floor(dailyQuota * COST_SHARE));
  let k = Math.max(1, Math.floor(DAY_SECONDS / allowed / scheduleSeconds));
  while (Math.ceil(DAY_SECONDS / (k * scheduleSeconds)) > allowed) k++;
  return k * scheduleSeconds;
}

/** @param {number} nowMs Seconds since the last 00:00 UTC, when Chutes' daily quota resets. */
const secondsOfDay = (nowMs) => Math.floor(nowMs / 1000) % DAY_SECONDS;

/** Pure: does the run at `nowMs` spend the completion? @param {number} nowMs @param {number} scheduleSeconds @param {number} intervalSeconds */
const completionDue = (nowMs, scheduleSeconds, intervalSeconds) => secondsOfDay(nowMs) % intervalSeconds < scheduleSeconds;

/** Pure: the start of the next completion window after `nowMs`. @param {number} nowMs @param {number} intervalSeconds */
function nextCompletion(nowMs, intervalSeconds) {
  const dayStart = Math.floor(nowMs / 1000) - secondsOfDay(nowMs);
  const next = (Math.floor(secondsOfDay(nowMs) / intervalSeconds) + 1) * intervalSeconds;
  return new Date((dayStart + (next < DAY_SECONDS ? next : DAY_SECONDS)) * 1000).toISOString();
}

/** Pure: what the periodic check spends per plan at a schedule (printed by --cost). @param {string} schedule */
function costPlan(schedule) {
  const scheduleSeconds = scheduleIntervalSeconds(schedule);
  const runsPerDay = Math.ceil(DAY_SECONDS / scheduleSeconds);
  return {
    schedule,
    scheduleSeconds,
    runsPerDay,
    completionsPerDayBefore: runsPerDay,
    plans: PLAN_QUOTAS.map((dailyQuota) => {
      const intervalSeconds = completionIntervalSeconds(scheduleSeconds, dailyQuota);
      const completionsPerDay = Math.ceil(DAY_SECONDS / intervalSeconds);
      return { dailyQuota, intervalSeconds, completionsPerDay, percentOfQuota: Math.round((completionsPerDay / dailyQuota) * 10000) / 100 };
    }),
  };
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
 * One management read under the shared deadline: the parsed JSON body, or why not (with the
 * HTTP status when there was one). Text from the answer is redacted before it is cut.
 * @param {string} url @param {string} key @param {number} deadline @param {string} phase @param {number} timeoutMs
 * @returns {Promise<{ json: unknown } | { error: string, httpStatus?: number, location?: string }>}
 */
async function readManagement(url, key, deadline, phase, timeoutMs) {
  const res = await request(url, { headers: { accept: "application/json", "user-agent": USER_AGENT, authorization: `Bearer ${key}` } }, deadline, phase, timeoutMs);
  if (!("httpStatus" in res)) return { error: res.kind === "failure" && res.error === "timeout" ? `no answer within ${timeoutMs} ms` : `unreachable (${clip(res.kind === "failure" ? res.detail : "", 120)})` };
  const { httpStatus, location } = res;
  if (httpStatus >= 300 && httpStatus < 400) return { error: `redirect (HTTP ${httpStatus}${location ? ` to ${clip(location, 80)}` : ""}, not followed)`, httpStatus, location };
  if (httpStatus !== 200) return { error: `HTTP ${httpStatus}: ${clip(providerMessage(res.body).message, 80) || "empty body"}`, httpStatus };
  const json = parseJson(res.body);
  return json === undefined ? { error: "unexpected shape: the body is not JSON" } : { json };
}

/** @param {string} managementUrl */
const quotaUrl = (managementUrl) => `${managementUrl}/users/me/quota_usage/me`;

/** @param {string | undefined} v */
const positiveInt = (v) => (v !== undefined && /^\d+$/.test(v.trim()) && Number(v) > 0 ? Number(v) : NaN);

/**
 * @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @returns {{ baseUrl: string, model: string, key: string, timeoutMs: number, maxLatencyMs: number, require: string[],
 *   schedule: string, scheduleSeconds: number, cost: boolean, budget: string, managementUrl: string, warnPercent: number,
 *   criticalPercent: number, problems: string[], hint: string }}
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
  const known = ["--base-url", "--model", "--timeout-ms", "--max-latency-ms", "--require", "--schedule", "--budget", "--management-url", "--budget-warn-percent", "--budget-critical-percent"];
  let cost = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--cost" && name === arg) { cost = true; continue; }
    // Never echo values: a stray argument could be a key (and the line is redacted anyway).
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
  const require = (pick("--require", "PROBE_REQUIRE") || "tools").toLowerCase().split(",").map((s) => s.trim()).filter(Boolean);
  const schedule = pick("--schedule", "PROBE_SCHEDULE") || (cost ? "*/15 * * * *" : "");
  const budget = (pick("--budget", "PROBE_BUDGET") || "off").toLowerCase();
  const managementUrl = (pick("--management-url", "PROBE_MANAGEMENT_URL") || DEFAULT_MANAGEMENT_URL).replace(/\/+$/, "");
  const warnPercent = positiveInt(pick("--budget-warn-percent", "PROBE_BUDGET_WARN_PERCENT") || "80");
  const criticalPercent = positiveInt(pick("--budget-critical-percent", "PROBE_BUDGET_CRITICAL_PERCENT") || "95");
  const inference = budget !== "only";
  const scheduleSeconds = schedule ? scheduleIntervalSeconds(schedule) : NaN;
  if (schedule && Number.isNaN(scheduleSeconds)) problem("schedule is not a 5-field cron expression with numeric minute and hour fields", "schedule");
  if (!cost) {
    if (!baseUrl) { if (inference) problem("missing base URL (--base-url or PROBE_BASE_URL)", "baseUrl"); }
    else if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl)) problem("base URL is not an http(s) URL", "baseUrl");
    if (!model && inference) problem("missing model (--model or PROBE_MODEL)", "model");
    if (!key) problem("missing API key (env CHUTES_API_KEY)", "key");
  }
  const timeoutMs = positiveInt(timeoutRaw);
  const maxLatencyMs = positiveInt(maxLatencyRaw);
  if (Number.isNaN(timeoutMs)) problem("timeout must be a positive integer of ms", "number");
  if (Number.isNaN(maxLatencyMs)) problem("max latency must be a positive integer of ms", "number");
  if (!require.includes("tools") || require.some((r) => !Object.hasOwn(FEATURES, r))) problem(`require must list tools, optionally with structured-outputs`, "require");
  if (!BUDGET_MODES.includes(budget)) problem(`budget must be one of ${BUDGET_MODES.join(", ")}`, "budget");
  if (!/^https?:\/\/[^/]/i.test(managementUrl) || !URL.canParse(managementUrl)) problem("management URL is not an http(s) URL", "managementUrl");
  if (Number.isNaN(warnPercent) || warnPercent > 100) problem("budget warn percent must be a whole number from 1 to 100", "percent");
  if (Number.isNaN(criticalPercent) || criticalPercent > 100) problem("budget critical percent must be a whole number from 1 to 100", "percent");
  else if (warnPercent > criticalPercent) problem("budget warn percent must not exceed the critical percent", "percent");
  return { baseUrl, model, key, timeoutMs, maxLatencyMs, require: [...new Set(require)], schedule, scheduleSeconds, cost, budget, managementUrl,
    warnPercent, criticalPercent, problems, hint: [...causes].map((c) => CONFIG_HINTS[c]).join(" ") };
}

/**
 * @typedef {{ spent: boolean, intervalSeconds: number | null, dailyQuota: number | "unlimited" | null, quotaRead: boolean,
 *   nextAt: string | null }} Completion
 */

/**
 * Print the single JSON line and exit. Every string is redacted first, then shortened.
 * @param {{ status: string, inference: string | null, httpStatus: number | null, latencyMs: number | null, model: string,
 *   baseUrl: string, detail: string, hint?: string, completion?: Completion | null, budget?: (ReturnType<typeof assessBudget>) | null }} r
 */
function emit(r) {
  const budget = r.budget ? redactDeep(r.budget) : null;
  if (budget) budget.detail = clip(budget.detail, 300);
  const line = JSON.stringify({
    status: r.status,
    ok: exitCode(r.status) === 0,
    httpStatus: r.httpStatus,
    latencyMs: r.latencyMs,
    model: redact(r.model) || null,
    baseUrl: redact(r.baseUrl) || null,
    detail: clip(r.detail, 200),
    hint: clip(r.hint || HINTS[/** @type {Status} */ (r.status)] || HINTS.bad_response, 300),
    checkedAt: new Date().toISOString(),
    inference: r.inference,
    completion: r.completion ? redactDeep(r.completion) : null,
    budget,
  });
  process.stdout.write(`${line}\n`, () => process.exit(exitCode(r.status)));
}

/**
 * The periodic check's free verdict from the daily quota read, and the completion interval.
 * @param {{ json: unknown } | { error: string, httpStatus?: number, location?: string } | null} read
 * @param {number} scheduleSeconds @param {number} nowMs
 */
function planFromQuota(read, scheduleSeconds, nowMs) {
  /** @type {number | "unlimited"} */
  let dailyQuota = PLAN_QUOTAS[0];
  let quotaRead = false;
  /** @type {Verdict | null} */
  let verdict = null;
  let keyNote = "key not checked this run";
  if (read && "json" in read) {
    const quota = parseQuota(read.json, new Date(nowMs));
    if (!("error" in quota)) {
      quotaRead = true;
      keyNote = "key accepted by the management API";
      dailyQuota = quota.uncapped ? "unlimited" : /** @type {number} */ (quota.cap);
      if (quota.remaining !== null && quota.remaining <= 0) {
        verdict = { status: "quota_exhausted", detail: `daily request quota used up (${quota.usage} of ${quota.cap}), resets ${quota.resetAt}` };
      }
    } else keyNote = `key not checked: daily quota ${quota.error}`;
  } else if (read) {
    if (read.httpStatus === 401 || read.httpStatus === 403) verdict = { status: "auth_failed", detail: `GET /users/me/quota_usage/me: ${read.error}` };
    else if (read.httpStatus !== undefined && read.httpStatus >= 300 && read.httpStatus < 400) {
      verdict = redirectVerdict(read.httpStatus, read.location ?? "", "GET /users/me/quota_usage/me");
    } else keyNote = `key not checked: management API ${read.error}`;
  }
  const intervalSeconds = completionIntervalSeconds(scheduleSeconds, dailyQuota);
  return { verdict, keyNote, dailyQuota, quotaRead, intervalSeconds, due: completionDue(nowMs, scheduleSeconds, intervalSeconds) };
}

/**
 * GET /models, the free checks, then at most one completion; never throws.
 * @param {ReturnType<typeof readConfig>} cfg @param {number} start @param {number} deadline
 * @param {Promise<{ json: unknown } | { error: string, httpStatus?: number, location?: string } | null>} quotaRead
 * @returns {Promise<{ verdict: Verdict, httpStatus: number | null, latencyMs: number, completion: Completion }>}
 */
async function checkInference(cfg, start, deadline, quotaRead) {
  const { baseUrl, model, key, timeoutMs } = cfg;
  const headers = { accept: "application/json", "user-agent": USER_AGENT };
  /** @type {Completion} */
  const completion = { spent: false, intervalSeconds: null, dailyQuota: null, quotaRead: false, nextAt: null };
  const done = (/** @type {Verdict} */ verdict, /** @type {number | null} */ httpStatus = null) =>
    ({ verdict, httpStatus, latencyMs: Math.round(performance.now() - start), completion });
  const listing = await request(`${baseUrl}/models`, { headers }, deadline, "GET /models", timeoutMs);
  if (!("httpStatus" in listing)) return done(classify(listing, cfg.maxLatencyMs));
  const checked = checkListing(listing.httpStatus, listing.body, listing.location, model, cfg.require);
  if ("verdict" in checked) return done(checked.verdict);
  const notes = [checked.note];
  if (cfg.schedule) {
    const nowMs = Date.now();
    const plan = planFromQuota(await quotaRead, cfg.scheduleSeconds, nowMs);
    Object.assign(completion, { intervalSeconds: plan.intervalSeconds, dailyQuota: plan.dailyQuota, quotaRead: plan.quotaRead, nextAt: nextCompletion(nowMs, plan.intervalSeconds) });
    if (plan.verdict) return done(plan.verdict);
    const every = `one completion every ${plan.intervalSeconds / 60} min for a daily quota of ${plan.dailyQuota}${plan.quotaRead ? "" : " (assumed: not read)"}`;
    if (!plan.due) return done({ status: "ok", detail: `no completion this run (${every}; next from ${completion.nextAt}); ${notes.join("; ")}; ${plan.keyNote}` });
    notes.push(every);
  }
  completion.spent = true;
  const res = await request(
    `${baseUrl}/chat/completions`,
    { method: "POST", headers: { ...headers, authorization: `Bearer ${key}`, "content-type": "application/json" }, body: completionBody(model) },
    deadline, "POST /chat/completions", timeoutMs,
  );
  const latencyMs = Math.round(performance.now() - start);
  const verdict = classify("httpStatus" in res ? { kind: "http", ...res, latencyMs } : res, cfg.maxLatencyMs);
  // "listed with ..." only matters beside an answer; a skipped listing check matters beside any verdict.
  const shown = ["ok", "slow", "tools_ignored"].includes(verdict.status) ? notes : notes.filter((n) => !n.startsWith("listed with") && !n.startsWith("one completion every"));
  return { verdict: shown.length ? { ...verdict, detail: `${verdict.detail}; ${shown.join("; ")}` } : verdict, httpStatus: "httpStatus" in res ? res.httpStatus : null, latencyMs, completion };
}

/** The top-level status a budget verdict stands for (null: it never outranks anything). */
const BUDGET_STATUS = /** @type {Record<string, string | null>} */ ({ warning: "budget_warning", critical: "budget_critical", unavailable: "budget_unavailable" });

async function main() {
  const argv = process.argv.slice(2);
  if (argv.some((a) => a === "--help" || a === "-h")) return process.stdout.write(USAGE, () => process.exit(0));
  const cfg = readConfig(argv, process.env);
  if (cfg.key) SECRETS.push(cfg.key);
  const { baseUrl, model, key, timeoutMs } = cfg;
  const base = { httpStatus: null, latencyMs: null, model, baseUrl, inference: null, completion: null };
  if (cfg.problems.length > 0) return emit({ ...base, status: "config_error", detail: cfg.problems.join("; "), hint: cfg.hint });
  if (cfg.cost) return process.stdout.write(`${JSON.stringify(costPlan(cfg.schedule))}\n`, () => process.exit(0));

  const start = performance.now();
  const deadline = start + timeoutMs;
  const limits = { warnPercent: cfg.warnPercent, criticalPercent: cfg.criticalPercent };
  const inferenceOn = cfg.budget !== "only";
  const periodic = inferenceOn && cfg.schedule !== "";
  // The free reads start at once. In the periodic check the completion waits for the daily quota,
  // so that read gets a third of the timeout: a slow management API never starves the completion.
  const quotaDeadline = periodic ? start + timeoutMs / 3 : deadline;
  const quotaP = cfg.budget !== "off" || periodic
    ? readManagement(quotaUrl(cfg.managementUrl), key, quotaDeadline, "GET /users/me/quota_usage/me", periodic ? Math.round(timeoutMs / 3) : timeoutMs)
    : Promise.resolve(null);
  const subscriptionP = cfg.budget !== "off"
    ? readManagement(`${cfg.managementUrl}/users/me/subscription_usage`, key, deadline, "GET /users/me/subscription_usage", timeoutMs)
    : Promise.resolve(null);
  const budgetP = cfg.budget === "off" ? Promise.resolve(null)
    : Promise.all([subscriptionP, quotaP]).then(([subscription, quota]) =>
      assessBudget({ subscription: subscription ?? { error: "not read" }, quota: quota ?? { error: "not read" } }, limits, new Date()));
  const [inference, budget] = await Promise.all([inferenceOn ? checkInference(cfg, start, deadline, quotaP) : null, budgetP]);
  /** @type {string} */
  let status = inference ? inference.verdict.status : "ok";
  let detail = inference ? inference.verdict.detail : "";
  const budgetStatus = budget ? BUDGET_STATUS[budget.status] ?? null : null;
  // Only alert/only modes let the budget decide the status; unavailable only where nothing else is checked.
  const budgetDecides = (cfg.budget === "alert" && budgetStatus !== "budget_unavailable") || cfg.budget === "only";
  let hint = inference?.verdict.hint;
  if (budget && budgetStatus && budgetDecides && severity(budgetStatus) > severity(status)) {
    status = budgetStatus;
    hint = undefined;
    detail = inference ? `${budget.detail}; completion ${inference.verdict.status}: ${inference.verdict.detail}` : budget.detail;
  } else if (budget && inference === null) {
    detail = budget.detail || `budget ${budget.status}`;
  } else if (budget && (budget.status === "warning" || budget.status === "critical")) {
    detail = `${detail}; budget ${budget.status}: ${budget.detail}`;
  }
  emit({
    ...base,
    status,
    hint,
    inference: inference ? inference.verdict.status : null,
    httpStatus: inference ? inference.httpStatus : null,
    latencyMs: inference ? inference.latencyMs : null,
    completion: inference ? inference.completion : null,
    detail,
    budget,
  });
}

main().catch((err) => {
  // Unreachable by design (every request error is classified); keep the one-line contract anyway.
  const key = (process.env.CHUTES_API_KEY ?? "").trim();
  if (key && !SECRETS.includes(key)) SECRETS.push(key);
  emit({ status: "bad_response", inference: null, httpStatus: null, latencyMs: null, model: "", baseUrl: "",
    detail: `internal probe error: ${err instanceof Error ? err.message : String(err)}` });
});
