import { ConfigError, parseConfig } from "../../config/load";

const problems = (input: object): readonly string[] => {
  try {
    parseConfig(input, "test");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

test("defaults: telemetry on, 1Gi for the Docker RabbitMQ, the official chart's store resources, no public URLs (derived per target)", () => {
  const c = parseConfig({}, "test");
  expect(c.kodus.telemetryDisabled).toBe(false);
  expect(c.kodus.publicUrl).toBeUndefined();
  expect(c.docker.rabbitmqMemory).toBe("1Gi");
  expect(c.kubernetes.dataStores.resources.rabbitmq).toEqual({
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "1Gi" },
  });
  expect(c.kubernetes.dataStores.resources.postgres.limits).toEqual({ cpu: "1", memory: "1Gi" });
});

test("bad values name their field and what is allowed", () => {
  expect(problems({ docker: { rabbitmqMemory: "1GB" } })[0]).toMatch(/^docker\.rabbitmqMemory: must be a whole number of Mi or Gi/);
  expect(problems({ docker: { rabbitmqMemory: "128Mi" } })[0]).toMatch(/^docker\.rabbitmqMemory: must be at least 256Mi/);
  expect(problems({ kodus: { telemetryDisabled: "yes" } })[0]).toMatch(/^kodus\.telemetryDisabled: must be true or false/);
  expect(problems({ kubernetes: { dataStores: { resources: { rabbitmq: { limits: { memory: "lots" } } } } } })[0]).toMatch(
    /^kubernetes\.dataStores\.resources\.rabbitmq\.limits\.memory: must be a Kubernetes quantity/,
  );
  expect(problems({ kubernetes: { dataStores: { resources: { redis: {} } } } })[0]).toMatch(/^kubernetes\.dataStores\.resources/);
});
