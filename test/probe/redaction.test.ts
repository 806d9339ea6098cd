/**
 * No piece of the key reaches any output, in any scenario the probe knows (issue #21). A generated
 * matrix: every status whose detail carries text from outside × JSON, HTML and plain-text bodies
 * × the inference and the management host × the key echoed whole, cut at several offsets, inside
 * "Bearer ..." and as the request's own Authorization header, placed at several distances from
 * where the probe cuts its text. The key is fresh and random for every run of this suite, and
 * each output is checked with a sliding window: no 12-character run of the key may appear (a
 * check for the whole key is what missed the leak of a key cut to 80 characters before it was
 * redacted). The probe runs in this process (probe-runner.ts); stray command-line arguments also
 * as a real child process.
 */
import { leakedRuns, randomChutesKey } from "../helpers/secret-leaks";
import { NO_FEATURES_MODEL, TOOLS_MODEL } from "./chutes-models-snapshot";
import {
  closedPortBaseUrl,
  completion,
  modelsListing,
  quotaUsage,
  startChutesServer,
  type RecordedRequest,
  type Reply,
  type Scenario,
} from "./chutes-server";
import { runProbeProgram, type ProbeMode } from "./probe-runner";

const RUN = 12;
/** A fresh key shaped like Chutes' (cpk_ + three dot-separated parts, 102 characters). */
const KEY = randomChutesKey();

/** How the key comes back from outside. `auth` is the request's own Authorization header. */
const ECHOES: { name: string; text: (auth: string) => string }[] = [
  { name: "whole", text: () => KEY },
  { name: "inside Bearer", text: () => `Bearer ${KEY}` },
  { name: "the Authorization header", text: (auth) => auth },
  { name: "head cut at 16", text: () => KEY.slice(0, 16) },
  { name: "head cut at 40", text: () => `Bearer ${KEY.slice(0, 40)}` },
  { name: "head cut at 79", text: () => KEY.slice(0, 79) },
  { name: "tail from 20", text: () => KEY.slice(20) },
  { name: "tail from 60", text: () => KEY.slice(60) },
  { name: "middle 30-70", text: () => KEY.slice(30, 70) },
];
/** Text before the echo, so the key straddles each place the probe cuts (80, 200 and 300 characters). */
const PADS = [0, 9, 41, 70, 76, 150, 188, 195, 290];

type Body = "json" | "html" | "text";
const BODIES: Body[] = ["json", "html", "text"];
function body(kind: Body, status: number, message: string): Reply {
  if (kind === "json") return { status, body: { detail: message } };
  if (kind === "html")
    return { status, body: `<html><head><title>${status}</title></head><body><h1>${status}</h1><p>${message}</p></body></html>` };
  return { status, body: message, headers: { "content-type": "text/plain" } };
}

/** Inference host: each status the completion can end in with outside text, with a message that gets it. */
const INFERENCE: { status: string; http: number; message: string; reply?: (kind: Body, text: string) => Reply }[] = [
  { status: "auth_failed", http: 401, message: "Invalid token or user not found" },
  { status: "auth_failed", http: 403, message: "Access denied for" },
  { status: "tier_required", http: 402, message: "This model requires a higher subscription tier" },
  { status: "quota_exhausted", http: 402, message: "Subscription usage cap exceeded for" },
  { status: "model_not_found", http: 404, message: "model not found:" },
  { status: "capacity", http: 429, message: "Infrastructure is at maximum capacity, key" },
  { status: "rate_limited", http: 429, message: "Too many requests from" },
  { status: "cold_start", http: 503, message: "No instances available (yet) for" },
  { status: "upstream_error", http: 503, message: "Service unavailable for" },
  { status: "upstream_error", http: 500, message: "exhausted all available targets for" },
  { status: "upstream_error", http: 400, message: "Invalid request from" },
  { status: "bad_response", http: 200, message: "Welcome to nginx" },
  {
    status: "tools_ignored",
    http: 200,
    message: "I will not call tools,",
    reply: (kind, text) => (kind === "json" ? completion({ content: text }) : body(kind, 200, text)),
  },
  {
    status: "redirect",
    http: 307,
    message: "",
    reply: (_kind, text) => ({ status: 307, headers: { location: `https://elsewhere.example/v1?q=${text}` } }),
  },
];
/** Management host (read in report mode by the preflight, and by the periodic check's free checks). */
const MANAGEMENT = [401, 403, 402, 500, 302, 200];

interface Output {
  stdout: string;
  stderr: string;
  code: number | null;
}
function checkNoLeak(out: Output, where: string) {
  const leaks = leakedRuns(out.stdout + out.stderr, KEY);
  if (leaks.length > 0)
    throw new Error(
      `${where}: ${leaks.length} runs of ${RUN} characters of the key leaked, e.g. "${leaks[0]}" in ${out.stdout}${out.stderr}`,
    );
  expect(out.stderr).toBe("");
  return JSON.parse(out.stdout) as { status: string; detail: string; budget: { detail: string } | null; hint: string };
}

const variants = () =>
  ECHOES.flatMap((e, i) => BODIES.map((b, j) => ({ echo: e, body: b, pad: PADS[(i * BODIES.length + j) % PADS.length] })));
const padding = (n: number) => "x".repeat(Math.max(0, n - 1)) + (n ? " " : "");

describe("sliding window: no 12-character run of a fresh random key in any output", () => {
  test("the fixture key is fresh and key-shaped", () => {
    expect(KEY).toMatch(/^cpk_[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9]{32}$/);
    expect(leakedRuns(`..${KEY.slice(5, 17)}..`, KEY)).toHaveLength(1); // the check itself can fail
  });

  test.concurrent.each(INFERENCE.map((c) => ({ ...c, label: `${c.http} ${c.status}` })))(
    "inference host: $label × bodies × echoes × cut positions",
    async (c) => {
      let current: (req: RecordedRequest) => Reply = () => ({ status: 500 });
      const server = await startChutesServer({ completion: (req) => current(req) });
      try {
        for (const v of variants()) {
          current = (req) => {
            const text = `${padding(v.pad)}${c.message} ${v.echo.text(String(req.headers.authorization))} end`;
            return c.reply ? c.reply(v.body, text) : body(v.body, c.http, text);
          };
          const out = await runProbeProgram("in-process", ["--base-url", server.baseUrl, "--model", TOOLS_MODEL], { CHUTES_API_KEY: KEY });
          const line = checkNoLeak(out, `${c.http} ${v.body} ${v.echo.name} pad ${v.pad}`);
          // Redaction keeps the rest of the message: the status is still the right one.
          const expected = c.status === "tools_ignored" && v.body !== "json" ? "bad_response" : c.status;
          expect(line.status).toBe(expected);
          // Redacted first, then cut: when the redacted text fits, what followed the key is still there.
          if (v.pad + c.message.length <= 100) expect(line.detail).toContain(" end");
        }
      } finally {
        await server.close();
      }
    },
  );

  test.concurrent.each(MANAGEMENT)(
    "management host: HTTP %s × bodies × echoes × cut positions (preflight budget and periodic free check)",
    async (http) => {
      let current: (req: RecordedRequest) => Reply = () => ({ status: 500 });
      const responder = (req: RecordedRequest) => current(req);
      const server = await startChutesServer({ subscription: responder, quota: responder });
      try {
        for (const v of variants()) {
          current = (req) => {
            const text = `${padding(v.pad)}Access denied for ${v.echo.text(String(req.headers.authorization))} end`;
            if (http === 302) return { status: 302, headers: { location: `https://login.example/?next=${text}` } };
            if (http === 200) return body(v.body === "json" ? "text" : v.body, 200, text); // not the JSON the probe expects
            return body(v.body, http, text);
          };
          const common = ["--base-url", server.baseUrl, "--model", TOOLS_MODEL, "--management-url", server.managementUrl];
          for (const extra of [
            ["--budget", "report"],
            ["--budget", "only"],
            ["--schedule", "*/15 * * * *"],
          ]) {
            const out = await runProbeProgram("in-process", [...common, ...extra], { CHUTES_API_KEY: KEY });
            checkNoLeak(out, `management ${http} ${v.body} ${v.echo.name} pad ${v.pad} ${extra.join(" ")}`);
          }
        }
      } finally {
        await server.close();
      }
    },
  );

  test("inference host: /models redirects with the key in its Location, and a listed id that echoes the key (near-miss hint)", async () => {
    for (const v of variants()) {
      const echo = v.echo.text(`Bearer ${KEY}`).replace(/\s/g, "");
      const scenario: Scenario = {
        models: () => ({ status: 301, headers: { location: `https://elsewhere.example/${padding(v.pad)}${echo}` } }),
      };
      const server = await startChutesServer(scenario);
      try {
        const out = await runProbeProgram("in-process", ["--base-url", server.baseUrl, "--model", TOOLS_MODEL], { CHUTES_API_KEY: KEY });
        expect(checkNoLeak(out, `models 301 ${v.echo.name}`).status).toBe("redirect");
      } finally {
        await server.close();
      }
    }
    // A listed id that differs from the configured one only in case, and carries the key: the hint names it, redacted.
    const model = `org/${KEY.slice(0, 60)}`;
    const server = await startChutesServer({ models: modelsListing([{ id: model.toUpperCase(), supported_features: ["tools"] }]) });
    try {
      const out = await runProbeProgram("in-process", ["--base-url", server.baseUrl, "--model", model], { CHUTES_API_KEY: KEY });
      expect(checkNoLeak(out, "near-miss hint").status).toBe("model_not_listed");
    } finally {
      await server.close();
    }
  });

  const STRAY: { name: string; args: (url: string) => string[] }[] = [
    { name: "the key as a positional argument", args: (u) => ["--base-url", u, "--model", TOOLS_MODEL, KEY] },
    { name: "the key as a flag", args: (u) => ["--base-url", u, "--model", TOOLS_MODEL, `--${KEY}`] },
    { name: "the key as a flag value", args: (u) => ["--base-url", u, "--model", TOOLS_MODEL, `--api-key=${KEY}`] },
    { name: "halves of the key", args: (u) => ["--base-url", u, "--model", TOOLS_MODEL, KEY.slice(0, 51), `--${KEY.slice(51)}`] },
    { name: "the key given as the model", args: (u) => ["--base-url", u, "--model", KEY] },
    { name: "the key inside the base URL", args: (u) => ["--base-url", `${u}/${KEY}`, "--model", TOOLS_MODEL] },
    { name: "the key as the schedule", args: (u) => ["--base-url", u, "--model", TOOLS_MODEL, "--schedule", KEY] },
    {
      name: "a listed model without tools and the key as --require",
      args: (u) => ["--base-url", u, "--model", NO_FEATURES_MODEL, "--require", KEY],
    },
  ];
  test.each(STRAY.flatMap((s) => (["in-process", "process"] as ProbeMode[]).map((mode) => ({ ...s, mode }))))(
    "stray arguments: $name ($mode)",
    async (s) => {
      const server = await startChutesServer({ quota: quotaUsage(1, 300) });
      try {
        const out = await runProbeProgram(s.mode, s.args(server.baseUrl), { CHUTES_API_KEY: KEY });
        checkNoLeak(out, s.name);
      } finally {
        await server.close();
      }
    },
  );

  test("a timeout and an unreachable host say nothing of the key either", async () => {
    const server = await startChutesServer({ completion: { status: 200, hang: true } });
    try {
      const out = await runProbeProgram(
        "in-process",
        ["--base-url", server.baseUrl, "--model", TOOLS_MODEL],
        { CHUTES_API_KEY: KEY },
        async (clock) => {
          await server.waitForHang();
          await clock.advance(30_000);
        },
      );
      expect(checkNoLeak(out, "timeout").status).toBe("timeout");
    } finally {
      await server.close();
    }
    const out = await runProbeProgram("in-process", ["--base-url", `${await closedPortBaseUrl()}/${KEY}`, "--model", TOOLS_MODEL], {
      CHUTES_API_KEY: KEY,
    });
    expect(checkNoLeak(out, "network error").status).toBe("network_error");
  });
});
