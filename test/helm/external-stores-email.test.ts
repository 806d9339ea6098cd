/**
 * External stores over TLS and e-mail in the chart (the stacks: test/stacks/external-stores-email.test.ts;
 * parity.test.ts compares both field by field). Facts: test/helpers/kodus-expected.ts.
 */
import { EXPECTED_OPTIONAL_SECRET_ENV } from "../helpers/kodus-expected";
import { EXPLICIT_SECRET_VALUES, find, podSpec, render, secretData } from "./helm";

const SECRETS = { secrets: { values: EXPLICIT_SECRET_VALUES } };
const MONGO = "mongodb+srv://kodus:pw@cluster0.example.mongodb.net/?tls=true&authSource=admin";
const AMQPS = "amqps://kodus:pw@mq.example.com:5671/kodus-ai";

test("chart mode: a whole MongoDB URI and an amqps:// URI from secrets.values, into the Kodus Secret", () => {
  const objects = render({
    values: { dataStores: { mode: "external", postgres: { host: "pg" }, mongodb: { host: "mg" }, rabbitmq: { host: "mq" } }, secrets: { values: { ...EXPLICIT_SECRET_VALUES, mongodb_uri: MONGO, rabbitmq_uri: AMQPS } } },
  });
  expect(secretData(find(objects, "Secret", "kodus-secrets"))).toMatchObject({ MONGODB_URI: MONGO, API_RABBITMQ_URI: AMQPS });
});

test("unset: MONGODB_URI empty (Kodus then builds the connection from the host settings), the RabbitMQ URI built", () => {
  const data = secretData(find(render({ values: SECRETS }), "Secret", "kodus-secrets"));
  expect(data.MONGODB_URI).toBe("");
  expect(data.API_RABBITMQ_URI).toMatch(/^amqp:\/\/kodus:.*@kodus-rabbitmq:5672\/kodus-ai$/);
});

test("a Secret you manage may leave the optional keys out", () => {
  const objects = render({ values: { secrets: { mode: "existing", name: "mine" } } });
  const env = podSpec(find(objects, "Deployment", "kodus-api")).containers[0].env;
  for (const name of Object.keys(EXPECTED_OPTIONAL_SECRET_ENV)) expect([name, env.find((e: any) => e.name === name).valueFrom.secretKeyRef.optional]).toEqual([name, true]);
  expect(env.find((e: any) => e.name === "API_PG_DB_PASSWORD").valueFrom.secretKeyRef.optional).toBeUndefined();
});

test("kodus.email: SMTP settings on the back end; the password and the Resend key from secrets.values", () => {
  const objects = render({
    values: { ...SECRETS, kodus: { email: { provider: "smtp", smtp: { host: "smtp.example.com", from: "kodus@example.com" } } }, secrets: { values: { ...EXPLICIT_SECRET_VALUES, smtp_password: "s3cret-smtp", resend_api_key: "re_test_key" } } },
  });
  for (const c of ["api", "worker", "webhooks"]) {
    expect([c, find(objects, "ConfigMap", `kodus-${c}-env`).data]).toEqual([
      c,
      expect.objectContaining({ API_NOTIFICATION_EMAIL_PROVIDER: "smtp", API_SMTP_HOST: "smtp.example.com", API_SMTP_PORT: "587", API_SMTP_SECURE: "false", API_SMTP_FROM: "kodus@example.com" }),
    ]);
  }
  expect(secretData(find(objects, "Secret", "kodus-secrets"))).toMatchObject({ API_SMTP_PASS: "s3cret-smtp", RESEND_API_KEY: "re_test_key" });
  // Never in a ConfigMap.
  expect(JSON.stringify(objects.filter((o) => o.kind === "ConfigMap"))).not.toContain("s3cret-smtp");
});
