/**
 * A local stand-in for Chutes' OpenAI-compatible API (https://llm.chutes.ai/v1) and its
 * management API (https://api.chutes.ai), for the probe tests. It listens on 127.0.0.1 (random
 * port), records every request, and answers GET /v1/models, POST /v1/chat/completions,
 * GET /users/me/subscription_usage and GET /users/me/quota_usage/me as a scenario says, using the
 * response shapes Chutes really sends (FastAPI `{"detail": ...}` errors, nginx HTML for rate
 * limiting, `{"subscription": false}` for pay-as-you-go, `{"quota": "unlimited"}`).
 * Its default listing is a trimmed real one (chutes-models-snapshot.ts, with supported_features);
 * its default completion answers a forced function call with that call, as an OpenAI-compatible
 * server that supports tools does, except for the models a scenario says ignore tools, which
 * answer with plain text.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { CHUTES_MODELS_2026, TOOLS_MODEL } from "./chutes-models-snapshot";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One answer. `body` objects are sent as JSON; strings as they are. */
export interface Reply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer only once this settles (the test decides when, e.g. after moving the probe's clock). */
  until?: Promise<unknown>;
  /** Never answer (the socket stays open until close()); `waitForHang()` resolves when such a request arrives. */
  hang?: boolean;
  /** Drop the connection without answering (the client sees a network error, "other side closed"). */
  reset?: boolean;
}

type Responder = Reply | ((req: RecordedRequest) => Reply);

export interface Scenario {
  /** GET /v1/models; default: the trimmed real listing (TEST_MODEL with tools among them). */
  models?: Responder;
  /** POST /v1/chat/completions; default: answerLikeChutes() (a forced function call is made). */
  completion?: Responder;
  /** GET /users/me/subscription_usage (management API); default: a subscription at 10 %. */
  subscription?: Responder;
  /** GET /users/me/quota_usage/me (management API); default: 100 of 1000 daily requests. */
  quota?: Responder;
}

export interface ChutesServer {
  /** e.g. http://127.0.0.1:12345/v1 */
  baseUrl: string;
  /** The management API's base, e.g. http://127.0.0.1:12345 (no /v1, like https://api.chutes.ai). */
  managementUrl: string;
  requests: RecordedRequest[];
  /** Resolves with the first request the server is hanging on (at once if one already arrived). */
  waitForHang(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export const TEST_MODEL = TOOLS_MODEL;

export const NGINX_429_HTML =
  "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>";

/** A FastAPI-style error: `{"detail": ...}`. */
export function chutesError(status: number, detail: string | object): Reply {
  return { status, body: { detail } };
}

export function modelsList(ids: string[]): Reply {
  return {
    status: 200,
    body: { object: "list", data: ids.map((id) => ({ id, object: "model", created: 1750000000, owned_by: "sglang" })) },
  };
}

/** The real listing (trimmed), optionally with more entries (e.g. one derived from a real entry). */
export function modelsListing(extra: readonly object[] = []): Reply {
  return { status: 200, body: { ...CHUTES_MODELS_2026, data: [...CHUTES_MODELS_2026.data, ...extra] } };
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export function completion(
  message: { content: string | null; reasoning_content?: string; tool_calls?: ToolCall[] },
  finishReason = "stop",
  model = TEST_MODEL,
): Reply {
  return {
    status: 200,
    body: {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1750000000,
      model,
      choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason, logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    },
  };
}

/** The answer of a model that calls the function it was asked to. */
export function toolCallCompletion(name: string, args: object = { status: "ok" }, model = TEST_MODEL): Reply {
  return completion(
    { content: null, tool_calls: [{ id: "call_0", type: "function", function: { name, arguments: JSON.stringify(args) } }] },
    "tool_calls",
    model,
  );
}

/** The function the probe forces (its request names it in tool_choice). */
export const PROBE_TOOL = "report_health";
export const OK_COMPLETION = toolCallCompletion(PROBE_TOOL);
/** What a model that ignores tools answers: plain text. */
export const TEXT_COMPLETION = completion({ content: "OK" });

/**
 * POST /v1/chat/completions as an OpenAI-compatible server answers it: a request with
 * tool_choice naming a function gets that function called, unless the model is one of
 * `ignoresTools` (plain text then); a request without tools gets text.
 */
export function answerLikeChutes(ignoresTools: readonly string[] = []): (req: RecordedRequest) => Reply {
  return (req) => {
    let body: { model?: string; tool_choice?: { function?: { name?: string } } };
    try {
      body = JSON.parse(req.body);
    } catch {
      return chutesError(400, "Invalid JSON body");
    }
    const forced = body.tool_choice?.function?.name;
    const model = body.model ?? TEST_MODEL;
    return forced && !ignoresTools.includes(model)
      ? toolCallCompletion(forced, { status: "ok" }, model)
      : completion({ content: "OK" }, "stop", model);
  };
}

const HOUR_MS = 3_600_000;

/**
 * GET /users/me/subscription_usage of a subscribed key, shaped like Chutes' answer: usage and
 * caps in pay-as-you-go dollars (monthly cap = 5x the $20 price = 100; four-hour cap 10).
 * The monthly window resets in 10 days, the four-hour window in 1 hour (so it opened 3 h ago).
 */
export function subscriptionUsage(monthlyPercent: number, fourHourPercent: number, now = Date.now()): Reply {
  const monthly = { cap: 100, usage: monthlyPercent };
  const fourHour = { cap: 10, usage: fourHourPercent / 10 };
  return {
    status: 200,
    body: {
      subscription: true,
      custom: false,
      monthly_price: 20,
      anchor_date: "2026-10-06T00:00:00+00:00",
      effective_date: "2026-10-06T00:00:00+00:00",
      updated_at: new Date(now).toISOString(),
      four_hour: {
        ...fourHour,
        remaining: Math.max(0, fourHour.cap - fourHour.usage),
        reset_at: new Date(now + HOUR_MS).toISOString().replace("Z", ""),
      },
      monthly: {
        ...monthly,
        remaining: Math.max(0, monthly.cap - monthly.usage),
        reset_at: new Date(now + 240 * HOUR_MS).toISOString().replace("Z", "+00:00"),
      },
    },
  };
}

/** GET /users/me/quota_usage/me: the daily request quota. */
export function quotaUsage(used: number, quota: number | "unlimited" = 1000): Reply {
  return { status: 200, body: { quota, used } };
}

const DEFAULT_SCENARIO: Required<Scenario> = {
  models: modelsListing(),
  completion: answerLikeChutes(),
  subscription: subscriptionUsage(10, 10),
  quota: quotaUsage(100),
};

/** Where the server listens. @default 127.0.0.1, a random port (tests); the kind stand-in uses 0.0.0.0:8080. */
export interface Listen {
  host?: string;
  port?: number;
}

export async function startChutesServer(scenario: Scenario = {}, listen: Listen = {}): Promise<ChutesServer> {
  const requests: RecordedRequest[] = [];
  let hangArrived: (req: RecordedRequest) => void = () => {};
  const hang = new Promise<RecordedRequest>((resolve) => (hangArrived = resolve));
  const timers = new Set<NodeJS.Timeout>();
  const routes: Record<string, Responder> = {
    "GET /v1/models": scenario.models ?? DEFAULT_SCENARIO.models,
    "POST /v1/chat/completions": scenario.completion ?? DEFAULT_SCENARIO.completion,
    "GET /users/me/subscription_usage": scenario.subscription ?? DEFAULT_SCENARIO.subscription,
    "GET /users/me/quota_usage/me": scenario.quota ?? DEFAULT_SCENARIO.quota,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const responder = routes[`${recorded.method} ${recorded.path}`];
      const reply: Reply = !responder
        ? { status: 404, body: { detail: "Not Found" } }
        : typeof responder === "function"
          ? responder(recorded)
          : responder;
      if (reply.hang) return hangArrived(recorded);
      if (reply.reset) return void req.socket.destroy();
      const send = () => {
        const isText = typeof reply.body === "string";
        const payload = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          "content-type": isText ? "text/html" : "application/json",
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.until) {
        void reply.until.then(send, send);
      } else if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else {
        send();
      }
    });
  });

  const host = listen.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/v1`,
    managementUrl: `http://127.0.0.1:${port}`,
    requests,
    waitForHang: () => hang,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A base URL on which nothing listens: bind a port, then release it. */
export async function closedPortBaseUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

/** Runs `fn` against a fresh stand-in for one scenario, and always closes it. */
export async function withChutesServer<T>(scenario: Scenario, fn: (s: ChutesServer) => Promise<T>): Promise<T> {
  const server = await startChutesServer(scenario);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}
