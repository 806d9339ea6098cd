/**
 * External stores over TLS and e-mail, in the stacks (the chart: test/helm/external-stores-email.test.ts).
 * Facts (test/helpers/kodus-expected.ts EXPECTED_OPTIONAL_SECRET_ENV): Kodus takes MONGODB_URI
 * instead of API_MG_DB_* when it is not empty (mongodb+srv://, tls=true); API_RABBITMQ_URI is
 * used as given (amqps://); invitations and password resets go through Resend (RESEND_API_KEY);
 * notification e-mail through SMTP when API_NOTIFICATION_EMAIL_PROVIDER=smtp.
 */
import { EXPECTED_OPTIONAL_SECRET_ENV } from "../helpers/kodus-expected";
import { envList, synthStack } from "../helpers/synth";

const BACKEND = ["api", "worker", "webhooks"];
const email = {
  kodus: {
    email: { provider: "smtp", smtp: { host: "smtp.example.com", port: 465, secure: true, user: "kodus", from: "kodus@example.com" } },
  },
};
const SMTP_ENV = {
  API_NOTIFICATION_EMAIL_PROVIDER: "smtp",
  API_SMTP_HOST: "smtp.example.com",
  API_SMTP_PORT: "465",
  API_SMTP_SECURE: "true",
  API_SMTP_USER: "kodus",
  API_SMTP_FROM: "kodus@example.com",
};

describe("kubernetes", () => {
  const json = synthStack("kubernetes", email as object).json;
  const secret = json.resource.kubernetes_secret_v1.secret;

  test("a whole MongoDB URI and an amqps:// URI can come from the secret store; unset, the host settings are used", () => {
    expect(secret.data_wo.MONGODB_URI).toBe("${var.mongodb_uri}");
    expect(json.variable.mongodb_uri).toMatchObject({ default: "", sensitive: true, ephemeral: true });
    // Terraform's coalesce skips an empty string: the URI built from the settings is the fallback.
    expect(secret.data_wo.API_RABBITMQ_URI).toMatch(/^\$\{coalesce\(var\.rabbitmq_uri, "amqp:\/\/kodus:/);
    const validation = json.variable.mongodb_uri.validation[0].condition;
    expect(validation).toContain('var.mongodb_uri == ""');
    expect(validation).toContain("mongodb(\\\\+srv)?://");
    expect(json.variable.rabbitmq_uri.validation[0].condition).toContain("amqps?://");
  });

  test("the optional secret variables may be missing from a Secret you manage", () => {
    const existing = synthStack("kubernetes", { kubernetes: { secrets: { mode: "existing" } } }).json;
    const env = existing.resource.kubernetes_deployment_v1.api.spec.template.spec.container[0].env;
    for (const name of Object.keys(EXPECTED_OPTIONAL_SECRET_ENV)) {
      expect(env.find((e: any) => e.name === name).value_from.secret_key_ref.optional).toBe(true);
    }
    expect(env.find((e: any) => e.name === "API_PG_DB_PASSWORD").value_from.secret_key_ref.optional).toBeUndefined();
  });

  test("kodus.email: the SMTP settings on every back-end component, the password and the Resend key from the secret store", () => {
    for (const c of BACKEND)
      expect([c, json.resource.kubernetes_config_map_v1[`env-${c}`].data]).toEqual([c, expect.objectContaining(SMTP_ENV)]);
    expect(json.resource.kubernetes_config_map_v1["env-web"].data).not.toHaveProperty("API_SMTP_HOST");
    expect(secret.data_wo).toMatchObject({ API_SMTP_PASS: "${var.smtp_password}", RESEND_API_KEY: "${var.resend_api_key}" });
  });

  test("no kodus.email: no e-mail setting (Kodus' default)", () => {
    const data = synthStack("kubernetes").json.resource.kubernetes_config_map_v1["env-api"].data;
    expect(Object.keys(data).filter((n) => n.includes("SMTP") || n.includes("EMAIL"))).toEqual([]);
  });
});

describe("docker", () => {
  const json = synthStack("docker", { ...email, kubernetes: { enabled: false } } as object).json;

  test("kodus.email and its secrets on every back-end container; no data-store URI (the Docker stack runs its own stores)", () => {
    for (const c of BACKEND) {
      const env = envList(json.resource.docker_container[c].env);
      expect([c, env]).toEqual([
        c,
        expect.objectContaining({ ...SMTP_ENV, API_SMTP_PASS: "${var.smtp_password}", RESEND_API_KEY: "${var.resend_api_key}" }),
      ]);
      expect(env).not.toHaveProperty("MONGODB_URI");
    }
    expect(json.variable.mongodb_uri).toBeUndefined();
    expect(json.variable.smtp_password).toMatchObject({ default: "", sensitive: true });
  });
});

test("a bad e-mail setting is refused before anything is written, naming the field", () => {
  expect(() => synthStack("docker", { kodus: { email: { provider: "smtp" } } } as object)).toThrow(/kodus\.email\.smtp/);
  expect(() => synthStack("docker", { kodus: { email: { provider: "sendmail" } } } as object)).toThrow(/kodus\.email\.provider/);
});
