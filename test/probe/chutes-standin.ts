/**
 * The tests' Chutes stand-in (chutes-server.ts) as a long-running server, for the kind
 * end-to-end run (scripts/kind-e2e.sh compiles it and runs it on a plain node image):
 * GET /v1/models and POST /v1/chat/completions answer like Chutes does for a healthy key.
 * Env: PORT (default 8080), HOST (default 0.0.0.0).
 */
import { startChutesServer } from "./chutes-server";

async function main(): Promise<void> {
  const server = await startChutesServer({}, { host: process.env.HOST ?? "0.0.0.0", port: Number(process.env.PORT ?? 8080) });
  console.log(`chutes stand-in listening on ${server.baseUrl}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Log each request (never its headers: they carry the key).
  setInterval(() => {
    for (const r of server.requests.splice(0)) console.log(`${new Date().toISOString()} ${r.method} ${r.path}`);
  }, 1000).unref();
}

void main();
