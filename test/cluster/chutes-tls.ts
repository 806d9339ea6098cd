/**
 * The tests' Chutes stand-in (test/probe/chutes-server.ts) behind TLS, for the Docker engine
 * runs: the preflight container reaches it on the Docker host's bridge address. The config
 * accepts http only for loopback, and a container's loopback is its own, so the honest way in
 * is https with a certificate for that address, signed by the test CA that only the stand-in
 * images trust (NODE_EXTRA_CA_CERTS, set by `bash scripts/docker-engine.sh build-standins`).
 *
 * Run alone: `node scripts/ts-run.cjs test/cluster/chutes-tls.ts 172.17.0.1 18443` (until SIGTERM).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";
import { startChutesServer, type ChutesServer, type Scenario } from "../probe/chutes-server";

export const STANDIN_CA_DIR = join(process.env.KODUS_CLUSTER_CACHE ?? join(homedir(), ".cache", "kodus-cluster"), "docker-standins");

export interface TlsChutes {
  readonly baseUrl: string;
  readonly managementUrl: string;
  readonly server: ChutesServer;
  close(): Promise<void>;
}

/** A leaf certificate for `ip`, signed by the stand-in CA. */
function leafFor(ip: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "kodus-chutes-tls-"));
  try {
    const ca = join(STANDIN_CA_DIR, "ca.pem");
    const caKey = join(STANDIN_CA_DIR, "ca.key");
    writeFileSync(join(dir, "ext"), `subjectAltName=IP:${ip}\n`);
    const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=chutes stand-in", "-keyout", "key.pem", "-out", "req.pem"]);
    run([
      "x509",
      "-req",
      "-in",
      "req.pem",
      "-CA",
      ca,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      "ext",
      "-out",
      "cert.pem",
    ]);
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stand-in on 127.0.0.1 (random port), TLS in front of it on ip:port. */
export async function startTlsChutes(ip: string, port: number, scenario: Scenario = {}): Promise<TlsChutes> {
  const server = await startChutesServer(scenario);
  const inner = new URL(server.managementUrl);
  const tls: Server = createServer(leafFor(ip), (socket) => {
    const upstream = connect(Number(inner.port), inner.hostname);
    socket.pipe(upstream).pipe(socket);
    const end = () => (socket.destroy(), upstream.destroy());
    socket.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve, reject) => tls.once("error", reject).listen(port, ip, resolve));
  return {
    baseUrl: `https://${ip}:${port}/v1`,
    managementUrl: `https://${ip}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
      await server.close();
    },
  };
}

if (require.main === module) {
  const [ip = "172.17.0.1", port = "18443"] = process.argv.slice(2);
  void startTlsChutes(ip, Number(port)).then((chutes) => {
    console.log(`chutes stand-in (TLS) on ${chutes.baseUrl}`);
    setInterval(() => {
      for (const r of chutes.server.requests.splice(0)) console.log(`${new Date().toISOString()} ${r.method} ${r.path}`);
    }, 1000).unref();
    const stop = () => void chutes.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
