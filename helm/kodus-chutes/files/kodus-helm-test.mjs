// `helm test` for kodus-chutes: proves the install from inside the cluster.
//   1. the API answers its deep health check (app + RabbitMQ + PostgreSQL): API_HEALTH_URL
//   2. a code-review worker answers its health check (AMQP consumers): WORKER_HEALTH_URL
//   3. Chutes serves the configured model with the key Kodus runs with: the Chutes probe
//      (PROBE_PROGRAM, env PROBE_* and CHUTES_API_KEY), whose classified JSON line is printed.
// Node 20+ built-ins only (it runs on the Kodus API image). Exit 0 only if all three pass;
// every check runs even after one fails, so the log shows the whole picture.
import { spawnSync } from "node:child_process";

const TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS || 10000);

async function http(name, url) {
  const started = Date.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.text()).replace(/\s+/g, " ").slice(0, 300);
    const ok = res.status >= 200 && res.status < 300;
    console.log(`${ok ? "PASS" : "FAIL"} ${name}: GET ${url} -> ${res.status} in ${Date.now() - started} ms ${body}`);
    return ok;
  } catch (err) {
    console.log(`FAIL ${name}: GET ${url} -> ${err?.cause?.code || err?.name || "error"}: ${err?.cause?.message || err?.message}`);
    return false;
  }
}

function chutes() {
  const run = spawnSync(process.execPath, [process.env.PROBE_PROGRAM], { encoding: "utf8", env: process.env, timeout: Number(process.env.PROBE_TIMEOUT_MS || 30000) + 15000 });
  const line = (run.stdout || "").trim().split("\n").filter(Boolean).pop() || "";
  let verdict = {};
  try {
    verdict = JSON.parse(line);
  } catch {
    verdict = { status: "no_verdict", detail: (run.stderr || run.error?.message || "").trim().slice(0, 300) };
  }
  const ok = run.status === 0 && verdict.ok === true;
  console.log(`${ok ? "PASS" : "FAIL"} chutes: ${verdict.status}${!ok && verdict.hint ? ` (${verdict.hint})` : ""}`);
  console.log(line || JSON.stringify(verdict));
  return ok;
}

const missing = ["API_HEALTH_URL", "WORKER_HEALTH_URL", "PROBE_PROGRAM"].filter((k) => !process.env[k]);
if (missing.length > 0) {
  console.log(`FAIL configuration: ${missing.join(", ")} not set`);
  process.exit(2);
}
const results = [await http("api", process.env.API_HEALTH_URL), await http("worker", process.env.WORKER_HEALTH_URL), chutes()];
const passed = results.filter(Boolean).length;
console.log(`${passed === results.length ? "PASS" : "FAIL"}: ${passed}/${results.length} checks passed`);
process.exit(passed === results.length ? 0 : 1);
