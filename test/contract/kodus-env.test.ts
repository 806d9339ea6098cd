import {
  COMPONENTS,
  KODUS_ENV,
  LLM_COMPONENTS,
  SECRET_ENV_NAMES,
  codeReviewPrefetch,
  plainEnvFor,
  secretEnvFor,
  type KodusEnvSettings,
} from "../../contract/kodus-env";
import { SECRET_INPUTS, secretEnvValues } from "../../contract/secrets";
import { EXPECTED_ALL_SECRET_ENV, EXPECTED_LLM_COMPONENTS, expectedSecretEnv } from "../helpers/kodus-expected";
import type { Component } from "../../contract/components";

const settings: KodusEnvSettings = {
  llm: { model: "org/model", baseUrl: "https://llm.example/v1" },
  publicUrl: "https://kodus.example.com",
  webhooksUrl: "https://hooks.example.com",
  apiHost: "api",
  workerDrainTimeoutMs: 1000,
  postgres: { host: "pg", port: 5432, database: "db", username: "u", disableSsl: true },
  mongodb: { host: "mg", port: 27017, database: "db", username: "u" },
};

test("variable names are unique", () => {
  const names = KODUS_ENV.map((v) => v.name);
  expect(new Set(names).size).toBe(names.length);
});

test("the components that call the model are the ones Kodus gives the key", () => {
  expect([...LLM_COMPONENTS].sort()).toEqual([...EXPECTED_LLM_COMPONENTS].sort());
});

test.each(EXPECTED_LLM_COMPONENTS as Component[])("%s gets all of Fixed Mode, the key as a secret", (component) => {
  const plain = plainEnvFor(component, settings);
  expect(plain.API_LLM_PROVIDER_MODEL).toBe("org/model");
  expect(plain.API_OPENAI_FORCE_BASE_URL).toBe("https://llm.example/v1");
  expect(secretEnvFor(component)).toContain("API_OPEN_AI_API_KEY");
  expect(plain).not.toHaveProperty("API_OPEN_AI_API_KEY");
});

test("the webhooks service (internet-facing, no LLM module) gets no Fixed Mode variable and no JWT secret", () => {
  const plain = plainEnvFor("webhooks", settings);
  for (const name of ["API_LLM_PROVIDER_MODEL", "API_OPENAI_FORCE_BASE_URL", "API_LLM_TEMPERATURE_OVERRIDE"])
    expect(plain).not.toHaveProperty(name);
  expect(secretEnvFor("webhooks")).not.toEqual(expect.arrayContaining(["API_OPEN_AI_API_KEY"]));
  expect(secretEnvFor("webhooks").filter((n) => n.startsWith("API_JWT"))).toEqual([]);
});

test("the web never receives the LLM key or data-store passwords", () => {
  expect(secretEnvFor("web")).not.toEqual(expect.arrayContaining(["API_OPEN_AI_API_KEY"]));
  expect(secretEnvFor("web").filter((n) => /PASSWORD|RABBITMQ|CRYPTO/.test(n))).toEqual([]);
});

test.each(COMPONENTS)("%s's secret variables are exactly what Kodus needs", (component) => {
  // The contract lists the optional ones too (each target gives those it declares).
  expect([...secretEnvFor(component)].sort()).toEqual(expectedSecretEnv(component, "kubernetes").sort());
});

test("only the two workers have a role: code-review and analytics", () => {
  const roles: Record<string, string> = { worker: "code-review", "worker-analytics": "analytics" };
  for (const c of COMPONENTS) expect([c, plainEnvFor(c, settings).WORKER_ROLE]).toEqual([c, roles[c]]);
});

test("with the MCP manager, the API, the worker and the web know where it is; without, nothing MCP is set", () => {
  const on = { ...settings, mcpManagerHost: "mcp", apiHost: "api" };
  expect(plainEnvFor("api", on)).toMatchObject({
    API_MCP_SERVER_ENABLED: "true",
    API_KODUS_SERVICE_MCP_MANAGER: "http://mcp:3101",
    API_KODUS_MCP_SERVER_URL: "http://api:3001/mcp",
  });
  expect(plainEnvFor("worker", on)).toMatchObject({ API_KODUS_SERVICE_MCP_MANAGER: "http://mcp:3101" });
  expect(plainEnvFor("web", on)).toMatchObject({ WEB_HOSTNAME_MCP_MANAGER: "mcp", WEB_PORT_MCP_MANAGER: "3101" });
  expect(plainEnvFor("mcp-manager", on)).toMatchObject({
    API_MCP_MANAGER_REDIRECT_URI: "https://kodus.example.com/setup/mcp/oauth",
    API_MCP_MANAGER_CORS_ORIGINS: "https://kodus.example.com",
    API_KODUS_MCP_SERVER_URL: "http://api:3001/mcp",
  });
  for (const c of COMPONENTS)
    expect(Object.keys(plainEnvFor(c, settings)).filter((n) => n.includes("MCP") && c !== "mcp-manager")).toEqual([]);
});

test("nobody migrates by default: the migrator opts in", () => {
  for (const c of ["api", "worker", "webhooks", "worker-analytics"] as const) expect(plainEnvFor(c, settings).RUN_MIGRATIONS).toBe("false");
});

test("webhook URLs hang off kodus.webhooksUrl", () => {
  expect(plainEnvFor("api", settings).API_GITHUB_CODE_MANAGEMENT_WEBHOOK).toBe("https://hooks.example.com/github/webhook");
  expect(plainEnvFor("api", settings).GLOBAL_AZURE_REPOS_CODE_MANAGEMENT_WEBHOOK).toBe("https://hooks.example.com/azure-repos/webhook");
});

test("optional settings are left unset, not empty", () => {
  expect(plainEnvFor("api", settings)).not.toHaveProperty("API_LLM_TEMPERATURE_OVERRIDE");
  expect(plainEnvFor("worker", settings)).not.toHaveProperty("WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH");
  const tuned = { ...settings, llm: { ...settings.llm, temperature: 0, codeReviewPrefetch: 3 } };
  expect(plainEnvFor("api", tuned).API_LLM_TEMPERATURE_OVERRIDE).toBe("0");
  expect(plainEnvFor("worker", tuned).WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH).toBe("3");
});

test.each([
  [undefined, 2, undefined],
  [4, 1, 4],
  [4, 2, 2],
  [5, 2, 2],
  [3, 3, 1],
])("maxConcurrentReviews %p over %p workers gives prefetch %p (never more in flight)", (max, workers, prefetch) => {
  const got = codeReviewPrefetch(max, workers);
  expect(got).toBe(prefetch);
  if (max !== undefined) expect(got! * workers).toBeLessThanOrEqual(max);
});

test("every secret variable of the contract has a source, and nothing else does", () => {
  const values = secretEnvValues(
    (n) => `<${n}>`,
    (e) => `enc(${e})`,
    { host: "mq", port: 5672, username: "kodus" },
    SECRET_INPUTS.map((i) => i.variable),
    (value, fallback) => `${value} or ${fallback}`,
  );
  expect(Object.keys(values).sort()).toEqual(EXPECTED_ALL_SECRET_ENV);
  expect([...SECRET_ENV_NAMES].sort()).toEqual(EXPECTED_ALL_SECRET_ENV);
  const used = new Set(Object.values(values).flatMap((v) => [...v.matchAll(/<([a-z_]+)>/g)].map((m) => m[1])));
  expect([...used].sort()).toEqual(SECRET_INPUTS.map((i) => i.variable).sort());
  // A whole URI given (amqps://) wins; else the one built from the settings.
  expect(values.API_RABBITMQ_URI).toBe("<rabbitmq_uri> or amqp://kodus:enc(<rabbitmq_password>)@mq:5672/kodus-ai");
  expect(values.NEXTAUTH_SECRET).toBe(values.WEB_NEXTAUTH_SECRET);
});

test("a plain variable is marked unset-when-off exactly when some settings leave it unset", () => {
  // Every optional feature on and given, then every one off or not given.
  const allOn: KodusEnvSettings = {
    ...settings,
    llm: { ...settings.llm, temperature: 0.2, codeReviewPrefetch: 3, structuredOutput: true, keepOpenAIClientsOnChutes: true },
    mcpManagerHost: "mcp",
    email: { provider: "smtp", smtp: { host: "smtp.example.com", port: 587, secure: false, user: "u", from: "k@example.com" } },
  };
  const allOff: KodusEnvSettings = { ...settings, llm: { ...settings.llm, structuredOutput: false, keepOpenAIClientsOnChutes: false } };
  const plainVars = KODUS_ENV.filter((v) => !v.secret);
  // With everything on, every plain variable has a value (else nothing could ever set it).
  expect(plainVars.filter((v) => v.value(allOn) === undefined).map((v) => v.name)).toEqual([]);
  const unsetSomewhere = plainVars.filter((v) => v.value(allOff) === undefined).map((v) => v.name);
  const marked = plainVars.filter((v) => v.optional).map((v) => v.name);
  expect(marked.sort()).toEqual(unsetSomewhere.sort());
  expect(marked.length).toBeGreaterThan(10);
});
