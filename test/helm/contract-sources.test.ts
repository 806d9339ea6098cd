/**
 * The chart's templates write no Kodus, store or probe fact by hand: each one that contract/ or
 * probe/ defines reaches them through files/contract.json (npm run chart:contract), so a change
 * to the definition changes every target at once. Two halves: the templates do not contain the
 * facts (a scan, comments left out), and what renders follows an edited contract.json.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { COMPONENTS, KODUS_COMPONENTS } from "../../contract/components";
import { BUNDLED_STORES, DATA_STORE_IMAGES, DATA_STORE_PORTS, POSTGRES_INIT_SQL, RABBITMQ_CONF_PATH } from "../../contract/data-stores";
import { DEFAULT_PUBLIC_URLS, KODUS_ENV, MCP_PATHS, MIGRATOR_ENV, SECRET_ENV_NAMES, WEBHOOK_PATHS } from "../../contract/kodus-env";
import { CHUTES_KEY_ENV, RABBITMQ_VHOST, STORE_PASSWORD_KEYS } from "../../contract/secrets";
import { PROBE_DIR, PROBE_ENV, PROBE_FILE, PROBE_KEY_ENV, PROBE_REQUIRE } from "../../probe/probe-program";
import { CHART_DIR, EXPLICIT_SECRET_VALUES, find, helmBin, podSpec, render, secretData, tryRender, type K8sObject } from "./helm";

const TEMPLATES = join(CHART_DIR, "templates");

/** Every template file (tests/ too), with its text minus template comments and YAML comment lines. */
function templates(): { file: string; code: string }[] {
  const files = readdirSync(TEMPLATES, { recursive: true, encoding: "utf8" }).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
  return files.map((f) => ({
    file: relative(CHART_DIR, join(TEMPLATES, f)),
    code: readFileSync(join(TEMPLATES, f), "utf8")
      .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, "")
      .replace(/^\s*#.*$/gm, ""),
  }));
}

/**
 * Where a fact is written as a whole word (not inside a longer name). A number (a port)
 * is not looked for on lines about a timeout: the scripts the chart embeds wait 3000 ms.
 */
function writtenIn(fact: string): string[] {
  // A name or number must not run on into a longer word; a path ("/mcp" in "%s/mcp") may follow anything.
  const before = /^\w/.test(fact) ? "(?<![A-Za-z0-9_])" : "";
  const after = /\w$/.test(fact) ? "(?![A-Za-z0-9_])" : "";
  const word = new RegExp(`${before}${fact.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}${after}`);
  const lines = (code: string) => (/^\d+$/.test(fact) ? code.split("\n").filter((l) => !/timeout/i.test(l)) : [code]);
  return templates()
    .filter((t) => lines(t.code).some((l) => word.test(l)))
    .map((t) => t.file);
}

/** Each fact the templates must read from files/contract.json, with the definition it comes from. */
const FACTS: readonly (readonly [fact: string, source: string])[] = [
  [PROBE_DIR, "probe/probe-program.ts PROBE_DIR"],
  [PROBE_FILE, "probe/probe-program.ts PROBE_FILE"],
  [PROBE_KEY_ENV, "probe/probe-program.ts PROBE_KEY_ENV"],
  ...Object.values(PROBE_ENV).map((name) => [name, "probe/probe-program.ts PROBE_ENV"] as const),
  [PROBE_REQUIRE.toolsAndStructuredOutputs, "probe/probe-program.ts PROBE_REQUIRE"],
  [CHUTES_KEY_ENV, "contract/secrets.ts CHUTES_KEY_ENV"],
  // The Kodus Secret's keys (each secret variable's name) and the vhost its RabbitMQ URI ends in.
  ...SECRET_ENV_NAMES.filter((name) => name !== CHUTES_KEY_ENV).map((name) => [name, "contract/kodus-env.ts (a secret variable)"] as const),
  [RABBITMQ_VHOST, "contract/secrets.ts RABBITMQ_VHOST"],
  ...COMPONENTS.flatMap((c) => {
    const { image, port, health } = KODUS_COMPONENTS[c];
    return [image, String(port), health.liveness, health.readiness].map((f) => [f, `contract/components.ts KODUS_COMPONENTS.${c}`] as const);
  }),
  ...Object.entries(DATA_STORE_IMAGES).flatMap(([store, image]) => [
    [image, `contract/data-stores.ts DATA_STORE_IMAGES.${store}`] as const,
    [image.slice(image.lastIndexOf(":") + 1), `contract/data-stores.ts DATA_STORE_IMAGES.${store} (its tag)`] as const,
  ]),
  ...Object.entries(DATA_STORE_PORTS).map(([store, port]) => [String(port), `contract/data-stores.ts DATA_STORE_PORTS.${store}`] as const),
  [POSTGRES_INIT_SQL.trim(), "contract/data-stores.ts POSTGRES_INIT_SQL"],
  [RABBITMQ_CONF_PATH, "contract/data-stores.ts RABBITMQ_CONF_PATH"],
  // The stores' images read these at their first start; the Secret key each store's password is under.
  ...Object.entries(BUNDLED_STORES).flatMap(([store, s]) =>
    Object.values(s.credentialsEnv).map((name) => [name, `contract/data-stores.ts BUNDLED_STORES.${store}.credentialsEnv`] as const),
  ),
  ...Object.entries(BUNDLED_STORES.postgres.constantEnv).map(([name]) => [name, "contract/data-stores.ts BUNDLED_STORES.postgres.constantEnv"] as const),
  [BUNDLED_STORES.postgres.initDir, "contract/data-stores.ts BUNDLED_STORES.postgres.initDir"],
  [BUNDLED_STORES.postgres.initFile, "contract/data-stores.ts BUNDLED_STORES.postgres.initFile"],
  [STORE_PASSWORD_KEYS.rabbitmq, "contract/secrets.ts STORE_PASSWORD_KEYS.rabbitmq"],
  ...Object.values(DEFAULT_PUBLIC_URLS).map((url) => [url, "contract/kodus-env.ts DEFAULT_PUBLIC_URLS"] as const),
  ...Object.values(WEBHOOK_PATHS).map((path) => [path, "contract/kodus-env.ts WEBHOOK_PATHS"] as const),
  ...Object.values(MCP_PATHS).map((path) => [path, "contract/kodus-env.ts MCP_PATHS"] as const),
  ...Object.keys(MIGRATOR_ENV).map((name) => [name, "contract/kodus-env.ts MIGRATOR_ENV"] as const),
  // Constants come with their names in env.constants; the chart computes only the ports, from the components' rows.
  ...KODUS_ENV.flatMap((v) =>
    !v.secret && v.constant !== undefined && !["API_PORT", "API_WEBHOOKS_PORT", "WEB_PORT_API"].includes(v.name)
      ? [[v.name, "contract/kodus-env.ts KODUS_ENV (a constant)"] as const]
      : [],
  ),
  ...COMPONENTS.flatMap((c) => Object.keys(KODUS_COMPONENTS[c].ownEnv).map((name) => [name, `contract/components.ts ${c} ownEnv`] as const)),
];

describe("no template writes a fact contract/ or probe/ defines", () => {
  test("the scan sees the templates and would find a fact written in them", () => {
    // Guards the guard: the directory walk reaches the helpers and the test hook, and the word match finds a name.
    const files = templates().map((t) => t.file);
    expect(files).toEqual(expect.arrayContaining(["templates/_helpers.tpl", "templates/secret.yaml", "templates/tests/kodus-test.yaml"]));
    expect(FACTS.map(([f]) => f)).toEqual(
      expect.arrayContaining(["CHUTES_API_KEY", "PROBE_BASE_URL", "PROBE_SCHEDULE", "/opt/kodus-chutes-probe", "API_OPEN_AI_API_KEY", "API_PG_DB_PASSWORD", "5432", "NODE_ENV"]),
    );
    expect(writtenIn("kodus.contract")).toContain("templates/_helpers.tpl");
    expect(writtenIn("840")).toEqual(["templates/migrate-job.yaml"]); // activeDeadlineSeconds: a number is found too
    expect(writtenIn("PROBE_PROGRAM")).toEqual(["templates/tests/kodus-test.yaml"]); // the helm test's own variable, not a probe setting
  });

  test.each(FACTS)("%s (%s) is read from files/contract.json, never written in a template", (fact) => {
    expect(writtenIn(fact)).toEqual([]);
  });
});

describe("what renders follows files/contract.json", () => {
  beforeAll(() => helmBin());
  const VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };

  /** A copy of the chart whose contract.json text went through `edit`. */
  function withContract(edit: (json: string) => string): string {
    const dir = join(mkdtempSync(join(tmpdir(), "kodus-chart-sources-")), "kodus-chutes");
    cpSync(CHART_DIR, dir, { recursive: true });
    const file = join(dir, "files", "contract.json");
    writeFileSync(file, edit(readFileSync(file, "utf8")));
    return dir;
  }
  const envOf = (container: any): Record<string, any> =>
    Object.fromEntries(container.env.map((e: any) => [e.name, e.valueFrom ? e.valueFrom.secretKeyRef.key : e.value]));

  test("the probe's directory, command, key variable, settings' names and the Chutes key's Secret key", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.probe.dir = "/srv/probe";
      c.probe.command = ["node", "--no-warnings", "/srv/probe/chutes-probe.mjs"];
      c.probe.keyEnv = "KEY_FOR_PROBE";
      c.probe.env.find((v: any) => v.name === "PROBE_MODEL").name = "PROBE_MODEL_ID";
      // The Kodus variable holding the key is also each LLM component's secret variable.
      return JSON.stringify(c, null, 2).replaceAll(`"${CHUTES_KEY_ENV}"`, '"KODUS_CHUTES_KEY"');
    });
    const objects: K8sObject[] = render({ values: VALUES, chart });
    const preflight = podSpec(objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-chutes-preflight-"))!);
    const periodic = podSpec(find(objects, "CronJob", "kodus-chutes-healthcheck"));
    for (const spec of [preflight, periodic]) {
      const probe = spec.containers[0];
      expect(probe.command).toEqual(["node", "--no-warnings", "/srv/probe/chutes-probe.mjs"]);
      expect(probe.volumeMounts).toContainEqual({ name: "probe", mountPath: "/srv/probe", readOnly: true });
      const env = envOf(probe);
      expect(env).toMatchObject({ KEY_FOR_PROBE: "KODUS_CHUTES_KEY", PROBE_MODEL_ID: expect.any(String) });
      expect(Object.keys(env)).not.toContain("PROBE_MODEL");
      expect(Object.keys(env)).not.toContain(PROBE_KEY_ENV);
    }
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-chutes-preflight")))).toEqual(["KODUS_CHUTES_KEY"]);
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-secrets")))).toContain("KODUS_CHUTES_KEY");
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-secrets")))).not.toContain(CHUTES_KEY_ENV);
    const test = find(objects, "Pod", "kodus-test").spec.containers[0];
    expect(envOf(test)).toMatchObject({ KEY_FOR_PROBE: "KODUS_CHUTES_KEY", PROBE_MODEL_ID: expect.any(String) });
  });

  test("store ports, default URLs, webhook paths, constants, the migrator's env and the stores' files", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.bundledStores.postgres.port = 6543;
      c.bundledStores.postgres.initSql = "SELECT 1;\n";
      c.bundledStores.postgres.args = ["-c", "max_connections={maxConnections}", "-c", "shared_buffers=256MB"];
      c.bundledStores.rabbitmq.confPath = "/etc/rabbitmq/conf.d/30-mine.conf";
      c.bundledStores.postgres.initDir = "/init.d";
      c.bundledStores.postgres.initFile = "01-mine.sql";
      c.bundledStores.postgres.credentialsEnv = { user: "PG_USER", password: "PG_PASS", database: "PG_DB" };
      c.bundledStores.mongodb.credentialsEnv.user = "MONGO_USER";
      c.bundledStores.rabbitmq.credentialsEnv.password = "MQ_PASS";
      c.secrets.storePasswordKeys.rabbitmq = "KODUS_MQ_PASS";
      c.defaultUrls.publicUrl = "http://localhost:8080";
      c.webhookPaths.API_GITHUB_CODE_MANAGEMENT_WEBHOOK = "/gh/hook";
      c.components.api.env.constants.NODE_ENV = "staging";
      c.migratorEnv.push({ name: "RUN_EXTRA", value: "yes" });
      return JSON.stringify(c, null, 2);
    });
    const objects = render({ values: VALUES, chart });
    expect(find(objects, "ConfigMap", "kodus-api-env").data).toMatchObject({
      API_PG_DB_PORT: "6543",
      API_FRONTEND_URL: "http://localhost:8080",
      API_GITHUB_CODE_MANAGEMENT_WEBHOOK: "http://localhost:3332/gh/hook",
      NODE_ENV: "staging",
    });
    expect(find(objects, "ConfigMap", "kodus-worker-env").data.NODE_ENV).toBe("production");
    expect(find(objects, "Service", "kodus-postgres").spec.ports[0].port).toBe(6543);
    expect(find(objects, "ConfigMap", "kodus-postgres-init").data).toEqual({ "01-mine.sql": "SELECT 1;\n" });
    const store = (name: string) => podSpec(find(objects, "StatefulSet", `kodus-${name}`)).containers[0];
    expect(envOf(store("postgres"))).toMatchObject({ PG_USER: "kodus", PG_DB: "kodus_db", PG_PASS: "API_PG_DB_PASSWORD" });
    expect(store("postgres").volumeMounts).toContainEqual({ name: "init", mountPath: "/init.d", readOnly: true });
    expect(envOf(store("mongodb"))).toHaveProperty("MONGO_USER");
    expect(envOf(store("rabbitmq"))).toMatchObject({ MQ_PASS: "KODUS_MQ_PASS" });
    const secret = secretData(find(objects, "Secret", "kodus-secrets"));
    expect(secret.KODUS_MQ_PASS).toBe(EXPLICIT_SECRET_VALUES.rabbitmq_password);
    expect(Object.keys(secret)).not.toContain("RABBITMQ_DEFAULT_PASS");
    expect(podSpec(find(objects, "StatefulSet", "kodus-postgres")).containers[0].args).toEqual([
      "-c",
      expect.stringMatching(/^max_connections=\d+$/),
      "-c",
      "shared_buffers=256MB",
    ]);
    expect(Object.keys(find(objects, "ConfigMap", "kodus-rabbitmq-conf").data)).toEqual(["30-mine.conf"]);
    expect(podSpec(find(objects, "StatefulSet", "kodus-rabbitmq")).containers[0].volumeMounts).toContainEqual({
      name: "conf",
      mountPath: "/etc/rabbitmq/conf.d/30-mine.conf",
      subPath: "30-mine.conf",
      readOnly: true,
    });
    const migrate = podSpec(objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-migrate-"))!).containers[0];
    expect(envOf(migrate)).toMatchObject({ RUN_MIGRATIONS: "true", RUN_SEEDS: "true", RUN_EXTRA: "yes" });
  });

  test("the Kodus Secret's keys, the stores' password keys and the RabbitMQ URI's vhost", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.secrets.rabbitmqUri.vhost = "other-vhost";
      return JSON.stringify(c, null, 2).replaceAll('"API_PG_DB_PASSWORD"', '"KODUS_PG_PASS"');
    });
    const objects = render({ values: VALUES, chart });
    const data = secretData(find(objects, "Secret", "kodus-secrets"));
    expect(data.KODUS_PG_PASS).toBe(EXPLICIT_SECRET_VALUES.postgres_password);
    expect(Object.keys(data)).not.toContain("API_PG_DB_PASSWORD");
    expect(data.API_RABBITMQ_URI).toMatch(/^amqp:\/\/.+@kodus-rabbitmq:5672\/other-vhost$/);
    const postgres = podSpec(find(objects, "StatefulSet", "kodus-postgres")).containers[0];
    expect(postgres.env).toContainEqual({ name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "kodus-secrets", key: "KODUS_PG_PASS" } } });
    const migrate = podSpec(objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-migrate-"))!);
    const extensions = migrate.initContainers.find((c: any) => c.name === "postgres-extensions");
    expect(envOf(extensions)).toEqual({ KODUS_PG_PASS: "KODUS_PG_PASS" });
    expect(envOf(migrate.containers[0])).toMatchObject({ KODUS_PG_PASS: "KODUS_PG_PASS" });
  });

  test("a probe variable the chart computes no value for fails the render, naming it", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.probe.env.push({ setting: "retries", name: "PROBE_RETRIES" });
      return JSON.stringify(c, null, 2);
    });
    const r = tryRender({ values: VALUES, chart });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("files/contract.json gives the Chutes probe the variable PROBE_RETRIES (setting retries), but the chart computes no value for it");
  });
});
