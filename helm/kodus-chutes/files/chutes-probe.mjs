#!/usr/bin/env node
// @ts-check
/**
 * chutes-probe.mjs: one cheap, deterministic health check of a model served by Chutes
 * (OpenAI-compatible API). Node 20+ built-ins only; shipped as this single file.
 *
 * Usage:
 *   CHUTES_API_KEY=cpk_... node chutes-probe.mjs --base-url https://llm.chutes.ai/v1 \
 *     --model deepseek-ai/DeepSeek-V3-0324-TEE [--timeout-ms 30000] [--max-latency-ms 20000]
 *   The settings may come from env instead (flags win): PROBE_BASE_URL, PROBE_MODEL,
 *   PROBE_TIMEOUT_MS, PROBE_MAX_LATENCY_MS. A leading "chutes/" on the model id is stripped.
 *
 * What it does, with no retries and one timeout covering both requests:
 *   1. GET {base}/models (public; the key is NOT sent). A 200 catalog without the model means
 *      model_not_found and no completion is spent. Any other answer is only noted in detail.
 *   2. Exactly one POST {base}/chat/completions with a fixed body: the same bytes every run,
 *      so Chutes bills a repeat within 15 minutes at 0.1 request.
 *
 * Output: exactly one JSON line on stdout, nothing on stderr:
 *   {"status","ok","httpStatus","latencyMs","model","baseUrl","detail","hint","checkedAt"}
 *   httpStatus is the status of POST /chat/completions (null when none was received);
 *   latencyMs covers both requests. The key is redacted from every printed string.
 * Exit codes: 0 = ok; 1 = any other probe status (slow, auth_failed, model_not_found,
 *   tier_required, quota_exhausted, rate_limited, capacity, cold_start, upstream_error,
 *   timeout, network_error, bad_response); 2 = config_error (bad flags or missing
 *   base URL / model / CHUTES_API_KEY).
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
};
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

/** @param {string | undefined} v */
const positiveInt = (v) => (v !== undefined && /^\d+$/.test(v.trim()) && Number(v) > 0 ? Number(v) : NaN);

/**
 * @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @returns {{ baseUrl: string, model: string, key: string, timeoutMs: number, maxLatencyMs: number, problems: string[] }}
 */
function readConfig(argv, env) {
  /** @type {Record<string, string>} */
  const flags = {};
  const problems = [];
  const known = ["--base-url", "--model", "--timeout-ms", "--max-latency-ms"];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    // Never echo values: a stray argument could be a key.
    if (!known.includes(name)) { problems.push(name.startsWith("-") ? `unknown flag ${name}` : "unexpected argument"); continue; }
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) problems.push(`${name} needs a value`);
    else flags[name] = value;
  }
  const pick = (/** @type {string} */ flag, /** @type {string} */ envName) => (flags[flag] ?? env[envName] ?? "").trim();
  const baseUrl = pick("--base-url", "PROBE_BASE_URL").replace(/\/+$/, "");
  const model = pick("--model", "PROBE_MODEL").replace(/^chutes\//i, "");
  const key = (env.CHUTES_API_KEY ?? "").trim();
  const timeoutRaw = pick("--timeout-ms", "PROBE_TIMEOUT_MS") || "30000";
  const maxLatencyRaw = pick("--max-latency-ms", "PROBE_MAX_LATENCY_MS") || "20000";
  if (!baseUrl) problems.push("missing base URL (--base-url or PROBE_BASE_URL)");
  else if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl)) problems.push("base URL is not an http(s) URL");
  if (!model) problems.push("missing model (--model or PROBE_MODEL)");
  if (!key) problems.push("missing API key (env CHUTES_API_KEY)");
  const timeoutMs = positiveInt(timeoutRaw);
  const maxLatencyMs = positiveInt(maxLatencyRaw);
  if (Number.isNaN(timeoutMs)) problems.push("timeout must be a positive integer of ms");
  if (Number.isNaN(maxLatencyMs)) problems.push("max latency must be a positive integer of ms");
  return { baseUrl, model, key, timeoutMs, maxLatencyMs, problems };
}

/**
 * Print the single JSON line (key redacted from every string) and exit.
 * @param {{ status: Status, httpStatus: number | null, latencyMs: number | null, model: string, baseUrl: string, detail: string }} r
 * @param {string} key
 */
function emit(r, key) {
  const clean = (/** @type {string} */ s) => (key ? s.split(key).join("[REDACTED]") : s);
  const short = clean(r.detail).replace(/\s+/g, " ").trim();
  const line = JSON.stringify({
    status: r.status,
    ok: r.status === "ok",
    httpStatus: r.httpStatus,
    latencyMs: r.latencyMs,
    model: clean(r.model) || null,
    baseUrl: clean(r.baseUrl) || null,
    detail: short.length > 200 ? `${short.slice(0, 199)}…` : short,
    hint: HINTS[r.status],
    checkedAt: new Date().toISOString(),
  });
  const code = r.status === "ok" ? 0 : r.status === "config_error" ? 2 : 1;
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

async function main() {
  const cfg = readConfig(process.argv.slice(2), process.env);
  const { baseUrl, model, key, timeoutMs } = cfg;
  const base = { httpStatus: null, latencyMs: null, model, baseUrl };
  if (cfg.problems.length > 0) return emit({ ...base, status: "config_error", detail: cfg.problems.join("; ") }, key);

  const start = performance.now();
  const deadline = start + timeoutMs;
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
  emit({
    ...base,
    status: verdict.status,
    httpStatus: "httpStatus" in res ? res.httpStatus : null,
    latencyMs,
    detail: note ? `${verdict.detail}; ${note}` : verdict.detail,
  }, key);
}

main().catch((err) => {
  // Unreachable by design (every request error is classified); keep the one-line contract anyway.
  emit({ status: "bad_response", httpStatus: null, latencyMs: null, model: "", baseUrl: "",
    detail: `internal probe error: ${err instanceof Error ? err.message : String(err)}` }, (process.env.CHUTES_API_KEY ?? "").trim());
});
