import { pgClientPods, postgresMaxConnections, quantityBytes, rabbitmqMemoryConf } from "../../contract/data-stores";

test("memory quantities in bytes (binary and decimal suffixes, fractions rounded down)", () => {
  expect(quantityBytes("1Gi")).toBe(1073741824);
  expect(quantityBytes("1536Mi")).toBe(1610612736);
  expect(quantityBytes("1.5Gi")).toBe(1610612736);
  expect(quantityBytes("2G")).toBe(2000000000);
  expect(quantityBytes("512k")).toBe(512000);
  expect(quantityBytes("1073741824")).toBe(1073741824);
  expect(() => quantityBytes("1GB")).toThrow(/not a memory quantity: 1GB/);
});

test("RabbitMQ's override is a plain byte count (RabbitMQ's own unit syntax is GB/GiB, not Gi)", () => {
  expect(rabbitmqMemoryConf(1073741824)).toBe("total_memory_available_override_value = 1073741824\n");
});

test("max_connections: Kodus' pools per pod (api 25 + 5, worker 12, webhooks 8, mcp-manager 20, worker-analytics 4 + 5), migrators as API pools, 20 headroom, at least 100", () => {
  // Kodus' figures (test/helpers/kodus-expected.ts names the source files and commit).
  const none = { api: 0, worker: 0, webhooks: 0, "mcp-manager": 0, "worker-analytics": 0 };
  expect(postgresMaxConnections({ ...none, api: 6, worker: 6, webhooks: 4, migrators: 1 })).toBe(6 * 30 + 6 * 12 + 4 * 8 + 30 + 20);
  expect(postgresMaxConnections({ ...none, api: 10, migrators: 0 })).toBe(320);
  expect(postgresMaxConnections({ ...none, worker: 10, migrators: 0 })).toBe(140);
  expect(postgresMaxConnections({ ...none, webhooks: 10, migrators: 0 })).toBe(100);
  expect(postgresMaxConnections({ ...none, "mcp-manager": 10, migrators: 0 })).toBe(220);
  expect(postgresMaxConnections({ ...none, "worker-analytics": 10, migrators: 0 })).toBe(110);
  // One of each (Docker) needs 70, 90 with the MCP manager, 99 with both optional ones: PostgreSQL's default of 100 stays.
  expect(postgresMaxConnections({ ...none, api: 1, worker: 1, webhooks: 1, "mcp-manager": 1, "worker-analytics": 1, migrators: 0 })).toBe(
    100,
  );
});

test("pods counted: the configured maximum of each deployed component, none of one switched off", () => {
  const limits = { api: 6, worker: 5, webhooks: 4, "mcp-manager": 3, "worker-analytics": 2 };
  expect(pgClientPods(limits, ["api", "worker", "webhooks", "web", "mcp-manager"])).toEqual({ ...limits, "worker-analytics": 0 });
  expect(pgClientPods(limits, ["api", "worker", "webhooks", "web", "worker-analytics"])).toEqual({ ...limits, "mcp-manager": 0 });
});

test("the bundled stores' facts reach the chart from the one table (contract.json), not from the template", () => {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { join } = require("node:path") as typeof import("node:path");
  const chart = join(__dirname, "..", "..", "helm", "kodus-chutes");
  const template = readFileSync(join(chart, "templates", "data-stores.yaml"), "utf8");
  for (const fact of [
    "pgvector/pgvector",
    "mongo:8",
    "kodus-rabbitmq:",
    "init-definitions.sh",
    "pg_isready",
    "mongosh",
    "rabbitmq-diagnostics",
    "5432",
    "27017",
    "5672",
    "/var/lib/",
  ])
    expect([fact, template.replace(/\{\{-? \/\*[\s\S]*?\*\/ -?\}\}/g, "").includes(fact)]).toEqual([fact, false]);
  const contract = JSON.parse(readFileSync(join(chart, "files", "contract.json"), "utf8"));
  expect(Object.keys(contract.bundledStores).sort()).toEqual(["mongodb", "postgres", "rabbitmq"]);
  expect(contract.bundledStores.rabbitmq).toMatchObject({ port: 5672, command: ["/usr/local/bin/init-definitions.sh"], alive: "tcp" });
});
