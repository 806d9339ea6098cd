/**
 * A local stand-in for Chutes' OpenAI-compatible API (https://llm.chutes.ai/v1), for the probe
 * tests. It listens on 127.0.0.1 (random port), records every request, and answers
 * GET /v1/models and POST /v1/chat/completions as a scenario says, using the response shapes
 * Chutes really sends (FastAPI `{"detail": ...}` errors, nginx HTML for rate limiting).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

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
  /** Never answer (the socket stays open until close()). */
  hang?: boolean;
}

type Responder = Reply | ((req: RecordedRequest) => Reply);

export interface Scenario {
  /** GET /v1/models; default: a catalog listing TEST_MODEL. */
  models?: Responder;
  /** POST /v1/chat/completions; default: a normal "pong" completion. */
  completion?: Responder;
}

export interface ChutesServer {
  /** e.g. http://127.0.0.1:12345/v1 */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const TEST_MODEL = "deepseek-ai/DeepSeek-V3-0324-TEE";

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

export function completion(
  message: { content: string | null; reasoning_content?: string },
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

export const OK_COMPLETION = completion({ content: "pong" });

const DEFAULT_SCENARIO: Required<Scenario> = {
  models: modelsList(["Qwen/Qwen3-32B", TEST_MODEL, "zai-org/GLM-4.5-FP8"]),
  completion: OK_COMPLETION,
};

export async function startChutesServer(scenario: Scenario = {}): Promise<ChutesServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const routes: Record<string, Responder> = {
    "GET /v1/models": scenario.models ?? DEFAULT_SCENARIO.models,
    "POST /v1/chat/completions": scenario.completion ?? DEFAULT_SCENARIO.completion,
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
      if (reply.hang) return;
      const send = () => {
        const isText = typeof reply.body === "string";
        const payload = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          "content-type": isText ? "text/html" : "application/json",
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs) {
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

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
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
