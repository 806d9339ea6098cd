/**
 * The `environment` key and the `terraform.backend` section: what a config file may say, and
 * what it is refused, by dotted path, without echoing anything that may be a credential.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";

function problems(input: unknown): string[] {
  try {
    parseConfig(input, "test");
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

const backend = (b: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ ...extra, terraform: { backend: b } }) as ConfigInput;

describe("defaults", () => {
  test("no environment, local state: the config of today", () => {
    const c = parseConfig({}, "test");
    expect(c.environment).toBeUndefined();
    expect(c.terraform.backend).toEqual({ type: "local" });
  });

  test("`local:` with nothing after it (YAML null) is the local backend", () => {
    expect(parseConfig(backend({ local: null }), "test").terraform.backend).toEqual({ type: "local" });
  });

  test("remote backends get the documented defaults (prefix, S3 locking and encryption)", () => {
    expect(parseConfig(backend({ s3: { bucket: "acme-tf-state" } }), "test").terraform.backend).toEqual({
      type: "s3",
      bucket: "acme-tf-state",
      prefix: "kodus-chutes-deploy",
      useLockfile: true,
      encrypt: true,
    });
    expect(parseConfig(backend({ pg: {} }), "test").terraform.backend).toEqual({ type: "pg", prefix: "kodus_chutes_deploy" });
    expect(parseConfig(backend({ cloud: { organization: "acme" } }), "test").terraform.backend).toEqual({
      type: "cloud",
      organization: "acme",
      prefix: "kodus-chutes-deploy",
    });
  });

  test.each(["staging", "production", "eu1", "qa-2b", "a"])("environment %s is accepted", (environment) => {
    expect(parseConfig({ environment }, "test").environment).toBe(environment);
  });
});

describe("bad backend configs are refused by dotted path", () => {
  test.each<[string, unknown, string, RegExp]>([
    ["no backend named", backend({}), "terraform.backend", /exactly one backend.*local, s3, gcs, azurerm, kubernetes, pg, cloud/],
    [
      "two backends",
      backend({ s3: { bucket: "acme-tf" }, gcs: { bucket: "acme-tf" } }),
      "terraform.backend",
      /exactly one backend.*got s3 and gcs/,
    ],
    [
      "a backend Terraform has but we do not offer",
      backend({ consul: {} }),
      "terraform.backend.consul",
      /unknown key \(allowed: local, s3, gcs, azurerm, kubernetes, pg, cloud\)/,
    ],
    ["unknown terraform key", { terraform: { state: "x" } }, "terraform.state", /unknown key \(allowed: backend\)/],
    ["a block that is not a mapping", backend({ s3: "acme-tf" }), "terraform.backend.s3", /mapping of s3 backend settings/],
    ["S3 bucket missing", backend({ s3: { region: "eu-west-1" } }), "terraform.backend.s3.bucket", /S3 bucket name/],
    ["S3 bucket with capitals", backend({ s3: { bucket: "Acme_TF" } }), "terraform.backend.s3.bucket", /S3 bucket name/],
    [
      "S3 key set by hand",
      backend({ s3: { bucket: "acme-tf", key: "kodus/terraform.tfstate" } }),
      "terraform.backend.s3.key",
      /derived from the stack and environment.*<prefix>\/<stack>\.tfstate/,
    ],
    [
      "S3 without any locking",
      backend({ s3: { bucket: "acme-tf", useLockfile: false } }),
      "terraform.backend.s3.useLockfile",
      /locking would be off/,
    ],
    [
      "S3 prefix with a leading slash",
      backend({ s3: { bucket: "acme-tf", prefix: "/kodus" } }),
      "terraform.backend.s3.prefix",
      /no leading or trailing/,
    ],
    ["S3 prefix with a double slash", backend({ s3: { bucket: "acme-tf", prefix: "a//b" } }), "terraform.backend.s3.prefix", /single "\/"/],
    [
      "S3 KMS key that is not an ARN",
      backend({ s3: { bucket: "acme-tf", kmsKeyId: "my-key" } }),
      "terraform.backend.s3.kmsKeyId",
      /KMS key ARN/,
    ],
    [
      "S3 endpoint over http, without the opt-in",
      backend({ s3: { bucket: "acme-tf", endpoint: "http://minio:9000" } }),
      "terraform.backend.s3.endpoint",
      /is http:\/\/.*unencrypted.*use https:\/\/, or set allowHttpEndpoint: true/,
    ],
    [
      "S3 allowHttpEndpoint with an https endpoint",
      backend({ s3: { bucket: "acme-tf", endpoint: "https://minio.example.com", allowHttpEndpoint: true } }),
      "terraform.backend.s3.allowHttpEndpoint",
      /only allows an http:\/\/ endpoint, and the endpoint is https:\/\/: remove it/,
    ],
    [
      "S3 allowHttpEndpoint without an endpoint",
      backend({ s3: { bucket: "acme-tf", allowHttpEndpoint: true } }),
      "terraform.backend.s3.allowHttpEndpoint",
      /no endpoint is set/,
    ],
    [
      "S3 endpoint in another scheme",
      backend({ s3: { bucket: "acme-tf", endpoint: "ftp://minio:9000", allowHttpEndpoint: true } }),
      "terraform.backend.s3.endpoint",
      /an https:\/\/ URL \(http:\/\/ only with allowHttpEndpoint: true\)/,
    ],
    [
      "S3 bucket missing, not partial: both ways out are named",
      backend({ s3: { region: "eu-west-1", partial: false } }),
      "terraform.backend.s3.bucket",
      /is required: an S3 bucket name.*or set partial: true and give it to terraform init with -backend-config/,
    ],
    [
      "azurerm container missing, not partial",
      backend({ azurerm: { storageAccountName: "acmetf" } }),
      "terraform.backend.azurerm.containerName",
      /is required: a blob container name.*partial: true/,
    ],
    [
      "partial on a backend without required settings",
      backend({ kubernetes: { partial: true } }),
      "terraform.backend.kubernetes.partial",
      /unknown key \(allowed: namespace, configContext, inClusterConfig, prefix\)/,
    ],
    ["partial is a boolean", backend({ gcs: { partial: "yes" } }), "terraform.backend.gcs.partial", /true or false/],
    [
      "kubernetes state in the namespace the stack creates",
      backend({ kubernetes: { namespace: "kodus-prod" } }, { kubernetes: { namespace: "kodus-prod" } }),
      "terraform.backend.kubernetes.namespace",
      /is the namespace the Kubernetes stack creates \(kubernetes.namespace "kodus-prod" with kubernetes.createNamespace true\).*kubernetes.createNamespace: false/,
    ],
    [
      "kubernetes state in the default namespace of the stack",
      backend({ kubernetes: { namespace: "kodus" } }),
      "terraform.backend.kubernetes.namespace",
      /namespace the Kubernetes stack creates \(kubernetes.namespace "kodus"/,
    ],
    [
      "S3 unknown key",
      backend({ s3: { bucket: "acme-tf", bukket: "x" } }),
      "terraform.backend.s3.bukket",
      /unknown key \(allowed: bucket, region, prefix, useLockfile/,
    ],
    [
      "S3 workspaces",
      backend({ s3: { bucket: "acme-tf", workspaceKeyPrefix: "env:" } }),
      "terraform.backend.s3.workspaceKeyPrefix",
      /workspaces are not used/,
    ],
    ["GCS without bucket", backend({ gcs: {} }), "terraform.backend.gcs.bucket", /GCS bucket name/],
    [
      "azurerm account name with capitals",
      backend({ azurerm: { storageAccountName: "AcmeTF", containerName: "tfstate" } }),
      "terraform.backend.azurerm.storageAccountName",
      /3-24 lowercase/,
    ],
    [
      "azurerm key set by hand",
      backend({ azurerm: { storageAccountName: "acmetf", containerName: "tfstate", key: "x.tfstate" } }),
      "terraform.backend.azurerm.key",
      /derived from the stack/,
    ],
    [
      "azurerm tenant that is no GUID",
      backend({ azurerm: { storageAccountName: "acmetf", containerName: "tfstate", tenantId: "acme" } }),
      "terraform.backend.azurerm.tenantId",
      /GUID/,
    ],
    [
      "kubernetes secret suffix set by hand",
      backend({ kubernetes: { secretSuffix: "state" } }),
      "terraform.backend.kubernetes.secretSuffix",
      /derived from the stack.*tfstate-default-<prefix>-<stack>/,
    ],
    [
      "kubernetes namespace with capitals",
      backend({ kubernetes: { namespace: "TF" } }),
      "terraform.backend.kubernetes.namespace",
      /DNS-1123 label/,
    ],
    [
      "kubernetes kubeconfig path (machine-specific)",
      backend({ kubernetes: { configPath: "~/.kube/config" } }),
      "terraform.backend.kubernetes.configPath",
      /KUBE_CONFIG_PATH/,
    ],
    [
      "pg schema set by hand",
      backend({ pg: { schemaName: "state" } }),
      "terraform.backend.pg.schemaName",
      /derived from the stack.*<prefix>_<stack>/,
    ],
    ["pg prefix with a dash", backend({ pg: { prefix: "kodus-state" } }), "terraform.backend.pg.prefix", /Postgres identifier/],
    [
      "pg connection string that is no URL",
      backend({ pg: { connStr: "host=db user=tf" } }),
      "terraform.backend.pg.connStr",
      /postgres:\/\/ URL/,
    ],
    ["cloud without organization", backend({ cloud: {} }), "terraform.backend.cloud.organization", /organization/],
    [
      "cloud workspaces set by hand",
      backend({ cloud: { organization: "acme", workspaces: { name: "kodus" } } }),
      "terraform.backend.cloud.workspaces",
      /derived.*one workspace per stack/,
    ],
    [
      "cloud tagged workspaces",
      backend({ cloud: { organization: "acme", workspaces: { tags: ["kodus"] } } }),
      "terraform.backend.cloud.workspaces",
      /derived/,
    ],
    [
      "local path set by hand",
      backend({ local: { path: "/var/state/kodus.tfstate" } }),
      "terraform.backend.local.path",
      /derived from the stack.*relative/,
    ],
    ["environment with capitals", { environment: "Production" }, "environment", /lowercase/],
    ["environment with a slash", { environment: "prod/eu" }, "environment", /lowercase letters, digits or "-"/],
    ["environment too long", { environment: "a".repeat(21) }, "environment", /1-20/],
    [
      "environment ending in -<number> with the kubernetes backend",
      backend({ kubernetes: {} }, { environment: "eu-1" }),
      "environment",
      /must not end with "-<number>".*kubernetes backend/,
    ],
    [
      "kubernetes prefix too long for a label value",
      backend({ kubernetes: { prefix: "k".repeat(45) } }, { environment: "production" }),
      "terraform.backend.kubernetes.prefix",
      /at most 63/,
    ],
    [
      "pg prefix that Postgres would truncate",
      backend({ pg: { prefix: "p".repeat(42) } }, { environment: "production" }),
      "terraform.backend.pg.prefix",
      /at most 63.*truncates/,
    ],
  ])("%s", (_name, input, path, message) => {
    const lines = problems(input);
    const line = lines.find((l) => l.startsWith(`${path}: `));
    expect([lines, line]).toEqual([lines, expect.stringMatching(message)]);
  });

  test("every problem of a block is reported at once", () => {
    const lines = problems(backend({ s3: { bucket: "X", key: "k", accessKey: "a", region: "EU" } }));
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual([
      "terraform.backend.s3.accessKey",
      "terraform.backend.s3.bucket",
      "terraform.backend.s3.key",
      "terraform.backend.s3.region",
    ]);
  });

  test("an http:// endpoint is accepted with allowHttpEndpoint, which is kept out of Terraform's settings' meaning", () => {
    const b = parseConfig(backend({ s3: { bucket: "acme-tf", endpoint: "http://minio.minio.svc:9000", allowHttpEndpoint: true } }), "test")
      .terraform.backend;
    expect(b).toMatchObject({ type: "s3", endpoint: "http://minio.minio.svc:9000", allowHttpEndpoint: true });
  });

  test("allowHttpEndpoint does not let credentials into the URL", () => {
    const lines = problems(backend({ s3: { bucket: "acme-tf", endpoint: "http://admin:hunter2@minio:9000", allowHttpEndpoint: true } }));
    expect(lines).toEqual([expect.stringMatching(/^terraform\.backend\.s3\.endpoint: must not contain credentials/)]);
    expect(lines.join("\n")).not.toMatch(/hunter2|admin/);
  });

  test.each([
    ["s3", { partial: true, region: "eu-west-1" }],
    ["gcs", { partial: true }],
    ["azurerm", { partial: true, useAzureadAuth: true }],
    ["azurerm", { partial: true, storageAccountName: "acmetf" }],
  ])("%s with partial: true may leave its required settings to -backend-config (%j)", (type, block) => {
    expect(parseConfig(backend({ [type]: block }), "test").terraform.backend).toMatchObject({ type, partial: true });
  });

  test.each([
    ["createNamespace false (a namespace you made)", { namespace: "kodus", createNamespace: false }],
    ["the Kubernetes stack off", { enabled: false }],
    ["another namespace", { namespace: "kodus" }, "terraform-state"],
  ])("kubernetes state next to Kodus is fine with %s", (_name, kubernetes, stateNamespace = "kodus") => {
    expect(() => parseConfig(backend({ kubernetes: { namespace: stateNamespace } }, { kubernetes }), "test")).not.toThrow();
  });

  test("the page the partial-configuration message points to has that section", () => {
    const line = problems(backend({ gcs: {} })).find((l) => l.startsWith("terraform.backend.gcs.bucket: "))!;
    const [, page, anchor] = /(docs\/[a-z-]+\.md)#([a-z-]+)/.exec(line)!;
    const headings = readFileSync(join(__dirname, "..", "..", page), "utf8").match(/^#+ .+$/gm)!;
    expect(headings.map((h) => h.replace(/^#+ /, "").toLowerCase().replaceAll(" ", "-"))).toContain(anchor);
  });

  test("an environment ending in a number is fine with other backends", () => {
    expect(parseConfig(backend({ s3: { bucket: "acme-tf" } }, { environment: "eu-1" }), "test").environment).toBe("eu-1");
  });
});

describe("credentials never belong in the config file", () => {
  // Obviously fake, but shaped like the real thing where that matters.
  const canary = "canary-Zm9vYmFy-do-not-use";
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ["S3 secret key", { s3: { bucket: "acme-tf", secretKey: canary } }, "terraform.backend.s3.secretKey", /AWS_SECRET_ACCESS_KEY/],
    [
      "S3 secret key, Terraform's spelling",
      { s3: { bucket: "acme-tf", secret_key: canary } },
      "terraform.backend.s3.secret_key",
      /AWS_SECRET_ACCESS_KEY/,
    ],
    ["S3 access key", { s3: { bucket: "acme-tf", accessKey: canary } }, "terraform.backend.s3.accessKey", /AWS_ACCESS_KEY_ID/],
    ["S3 session token", { s3: { bucket: "acme-tf", token: canary } }, "terraform.backend.s3.token", /AWS_SESSION_TOKEN/],
    ["S3 SSE-C key", { s3: { bucket: "acme-tf", sseCustomerKey: canary } }, "terraform.backend.s3.sseCustomerKey", /AWS_SSE_CUSTOMER_KEY/],
    [
      "GCS credentials JSON",
      { gcs: { bucket: "acme-tf", credentials: canary } },
      "terraform.backend.gcs.credentials",
      /GOOGLE_APPLICATION_CREDENTIALS/,
    ],
    [
      "GCS access token",
      { gcs: { bucket: "acme-tf", access_token: canary } },
      "terraform.backend.gcs.access_token",
      /GOOGLE_OAUTH_ACCESS_TOKEN/,
    ],
    [
      "azurerm storage key",
      { azurerm: { storageAccountName: "acmetf", containerName: "tfstate", accessKey: canary } },
      "terraform.backend.azurerm.accessKey",
      /ARM_ACCESS_KEY/,
    ],
    [
      "azurerm SAS token",
      { azurerm: { storageAccountName: "acmetf", containerName: "tfstate", sasToken: canary } },
      "terraform.backend.azurerm.sasToken",
      /ARM_SAS_TOKEN/,
    ],
    [
      "azurerm client secret",
      { azurerm: { storageAccountName: "acmetf", containerName: "tfstate", clientSecret: canary } },
      "terraform.backend.azurerm.clientSecret",
      /ARM_CLIENT_SECRET/,
    ],
    ["kubernetes token", { kubernetes: { token: canary } }, "terraform.backend.kubernetes.token", /KUBE_TOKEN/],
    ["kubernetes client key", { kubernetes: { client_key: canary } }, "terraform.backend.kubernetes.client_key", /KUBE_CLIENT_KEY_DATA/],
    [
      "pg password in the URL",
      { pg: { connStr: `postgres://terraform:${canary}@db.internal:5432/state` } },
      "terraform.backend.pg.connStr",
      /password.*PGPASSWORD/,
    ],
    [
      "pg password as a parameter",
      { pg: { connStr: `postgres://db.internal/state?sslmode=require&password=${canary}` } },
      "terraform.backend.pg.connStr",
      /password/,
    ],
    ["pg password field", { pg: { password: canary } }, "terraform.backend.pg.password", /PGPASSWORD/],
    [
      "HCP Terraform token",
      { cloud: { organization: "acme", token: canary } },
      "terraform.backend.cloud.token",
      /TF_TOKEN_app_terraform_io|terraform login/,
    ],
    [
      "a credential-looking key we do not know",
      { s3: { bucket: "acme-tf", myApiToken: canary } },
      "terraform.backend.s3.myApiToken",
      /looks like a credential/,
    ],
  ])("%s is refused without being echoed", (_name, b, path, hint) => {
    const lines = problems(backend(b));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${path.replaceAll(".", "\\.")}: .*${hint.source}`)));
    expect(lines.join("\n")).not.toContain(canary);
  });

  test("a pg URL without a password is fine (the password comes from PGPASSWORD or ~/.pgpass)", () => {
    const c = parseConfig(backend({ pg: { connStr: "postgres://terraform@db.internal:5432/state?sslmode=require" } }), "test");
    expect(c.terraform.backend).toMatchObject({ type: "pg", connStr: "postgres://terraform@db.internal:5432/state?sslmode=require" });
  });
});
