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

test("max_connections: pools of 30 (api), 60 (worker), 30 (webhooks) per pod, migrators as API pools, 20 headroom", () => {
  expect(postgresMaxConnections({ api: 1, worker: 1, webhooks: 1, migrators: 0 })).toBe(140);
  expect(postgresMaxConnections({ api: 2, worker: 2, webhooks: 2, migrators: 1 })).toBe(290);
  // Two pods of each already exceed PostgreSQL's default of 100.
  expect(postgresMaxConnections({ api: 2, worker: 2, webhooks: 2, migrators: 0 }) - 20).toBeGreaterThan(100);
  expect(postgresMaxConnections({ api: 0, worker: 3, webhooks: 0, migrators: 0 })).toBe(200);
});
