import { postgresMaxConnections, quantityBytes, rabbitmqMemoryConf } from "../../contract/data-stores";

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

test("max_connections: Kodus' pools per pod (api 25 + 5 analytics, worker 12, webhooks 8), migrators as API pools, 20 headroom, at least 100", () => {
  // Kodus' figures (test/helpers/kodus-expected.ts names the source files and commit).
  expect(postgresMaxConnections({ api: 6, worker: 6, webhooks: 4, migrators: 1 })).toBe(6 * 30 + 6 * 12 + 4 * 8 + 30 + 20);
  expect(postgresMaxConnections({ api: 10, worker: 0, webhooks: 0, migrators: 0 })).toBe(320);
  expect(postgresMaxConnections({ api: 0, worker: 10, webhooks: 0, migrators: 0 })).toBe(140);
  expect(postgresMaxConnections({ api: 0, worker: 0, webhooks: 10, migrators: 0 })).toBe(100);
  // One of each (Docker) needs 70: PostgreSQL's default of 100 stays.
  expect(postgresMaxConnections({ api: 1, worker: 1, webhooks: 1, migrators: 0 })).toBe(100);
});
