/**
 * The synthesized state backend of each stack: one block per backend and environment, written
 * out literally here; the real Terraform (1.11, installed here) initializes each block as far as
 * it can without the network; two environments never share a stack name, a state or a folder.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type { ConfigInput } from "../../config/schema";
import { PROJECT_ROOT, readTree, runSynth } from "../helpers/cli";
import { synthStack } from "../helpers/synth";

const tmp = () => mkdtempSync(join(tmpdir(), "kodus-state-"));
const withBackend = (backend: object, environment?: string): ConfigInput =>
  ({ ...(environment ? { environment } : {}), terraform: { backend } }) as ConfigInput;

/**
 * [name, config, stack, the stack's `terraform.backend` (or `terraform.cloud`) block as Terraform
 * must get it, and for a partial configuration the -backend-config file a team keeps out of git]
 */
type Variant = [string, ConfigInput, string, { backend?: object; cloud?: object }, string?];
const VARIANTS: Variant[] = (
  [
    ["local, no environment (today's default)", {}, "docker", { backend: { local: { path: "../../../terraform.docker.tfstate" } } }],
    [
      "local, staging",
      { environment: "staging" },
      "kubernetes-staging",
      { backend: { local: { path: "../../../terraform.kubernetes-staging.tfstate" } } },
    ],
    [
      "s3, production, defaults",
      withBackend({ s3: { bucket: "acme-tf-state", region: "eu-west-1" } }, "production"),
      "docker-production",
      {
        backend: {
          s3: {
            bucket: "acme-tf-state",
            key: "kodus-chutes-deploy/docker-production.tfstate",
            region: "eu-west-1",
            encrypt: true,
            use_lockfile: true,
          },
        },
      },
    ],
    [
      "s3, every setting",
      withBackend(
        {
          s3: {
            bucket: "acme-tf-state",
            region: "eu-west-1",
            prefix: "platform/kodus",
            kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/0b4a7d3e-5c2f-4e1a-9d8b-2f6e1c0a7b94",
            roleArn: "arn:aws:iam::111122223333:role/terraform-state",
          },
        },
        "staging",
      ),
      "kubernetes-staging",
      {
        backend: {
          s3: {
            bucket: "acme-tf-state",
            key: "platform/kodus/kubernetes-staging.tfstate",
            region: "eu-west-1",
            encrypt: true,
            use_lockfile: true,
            kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/0b4a7d3e-5c2f-4e1a-9d8b-2f6e1c0a7b94",
            assume_role: { role_arn: "arn:aws:iam::111122223333:role/terraform-state" },
          },
        },
      },
    ],
    [
      "s3-compatible store (MinIO, R2), DynamoDB lock instead of the lock file",
      withBackend({
        s3: {
          bucket: "tf-state",
          region: "auto",
          endpoint: "https://minio.example.com",
          usePathStyle: true,
          useLockfile: false,
          dynamodbTable: "terraform-locks",
          skipCredentialsValidation: true,
          skipRegionValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipS3Checksum: true,
        },
      }),
      "docker",
      {
        backend: {
          s3: {
            bucket: "tf-state",
            key: "kodus-chutes-deploy/docker.tfstate",
            region: "auto",
            encrypt: true,
            dynamodb_table: "terraform-locks",
            endpoints: { s3: "https://minio.example.com" },
            use_path_style: true,
            skip_credentials_validation: true,
            skip_region_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            skip_s3_checksum: true,
          },
        },
      },
    ],
    [
      "s3, in-cluster MinIO over http (allowHttpEndpoint), which stays out of the block",
      withBackend({
        s3: {
          bucket: "tf-state",
          region: "us-east-1",
          endpoint: "http://minio.minio.svc:9000",
          allowHttpEndpoint: true,
          usePathStyle: true,
        },
      }),
      "docker",
      {
        backend: {
          s3: {
            bucket: "tf-state",
            key: "kodus-chutes-deploy/docker.tfstate",
            region: "us-east-1",
            encrypt: true,
            use_lockfile: true,
            endpoints: { s3: "http://minio.minio.svc:9000" },
            use_path_style: true,
          },
        },
      },
    ],
    [
      "s3, partial: the bucket from -backend-config, the key still per stack",
      withBackend({ s3: { partial: true, region: "eu-west-1" } }, "production"),
      "kubernetes-production",
      {
        backend: {
          s3: { key: "kodus-chutes-deploy/kubernetes-production.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
        },
      },
      'bucket = "acme-tf-state"\n',
    ],
    [
      "gcs, partial",
      withBackend({ gcs: { partial: true } }),
      "docker",
      { backend: { gcs: { prefix: "kodus-chutes-deploy/docker" } } },
      'bucket = "acme-tf-state"\n',
    ],
    [
      "azurerm, partial: account and container from -backend-config",
      withBackend({ azurerm: { partial: true, useAzureadAuth: true } }, "staging"),
      "kubernetes-staging",
      { backend: { azurerm: { key: "kodus-chutes-deploy/kubernetes-staging.tfstate", use_azuread_auth: true } } },
      'storage_account_name = "acmetfstate"\ncontainer_name = "tfstate"\n',
    ],
    [
      "gcs, staging",
      withBackend(
        { gcs: { bucket: "acme-tf-state", impersonateServiceAccount: "terraform@acme-prod.iam.gserviceaccount.com" } },
        "staging",
      ),
      "docker-staging",
      {
        backend: {
          gcs: {
            bucket: "acme-tf-state",
            prefix: "kodus-chutes-deploy/docker-staging",
            impersonate_service_account: "terraform@acme-prod.iam.gserviceaccount.com",
          },
        },
      },
    ],
    [
      "gcs, customer-managed encryption key",
      withBackend({
        gcs: { bucket: "acme-tf-state", prefix: "kodus", kmsEncryptionKey: "projects/acme/locations/europe/keyRings/tf/cryptoKeys/state" },
      }),
      "docker",
      {
        backend: {
          gcs: {
            bucket: "acme-tf-state",
            prefix: "kodus/docker",
            kms_encryption_key: "projects/acme/locations/europe/keyRings/tf/cryptoKeys/state",
          },
        },
      },
    ],
    [
      "azurerm, production, Entra ID auth",
      withBackend(
        {
          azurerm: { storageAccountName: "acmetfstate", containerName: "tfstate", resourceGroupName: "rg-terraform", useAzureadAuth: true },
        },
        "production",
      ),
      "kubernetes-production",
      {
        backend: {
          azurerm: {
            storage_account_name: "acmetfstate",
            container_name: "tfstate",
            key: "kodus-chutes-deploy/kubernetes-production.tfstate",
            resource_group_name: "rg-terraform",
            use_azuread_auth: true,
          },
        },
      },
    ],
    [
      "azurerm, CI with OIDC",
      withBackend({
        azurerm: {
          storageAccountName: "acmetfstate",
          containerName: "tfstate",
          subscriptionId: "00000000-0000-0000-0000-000000000001",
          tenantId: "00000000-0000-0000-0000-000000000002",
          clientId: "00000000-0000-0000-0000-000000000003",
          useOidc: true,
          useMsi: false,
          useAzureadAuth: true, // Terraform needs this, resourceGroupName, or ARM_ACCESS_KEY / ARM_SAS_TOKEN
        },
      }),
      "docker",
      {
        backend: {
          azurerm: {
            storage_account_name: "acmetfstate",
            container_name: "tfstate",
            key: "kodus-chutes-deploy/docker.tfstate",
            subscription_id: "00000000-0000-0000-0000-000000000001",
            tenant_id: "00000000-0000-0000-0000-000000000002",
            client_id: "00000000-0000-0000-0000-000000000003",
            use_oidc: true,
            use_msi: false,
            use_azuread_auth: true,
          },
        },
      },
    ],
    [
      "kubernetes Secret, production",
      withBackend({ kubernetes: { namespace: "terraform-state", configContext: "ops" } }, "production"),
      "kubernetes-production",
      {
        backend: {
          kubernetes: { secret_suffix: "kodus-chutes-deploy-kubernetes-production", namespace: "terraform-state", config_context: "ops" },
        },
      },
    ],
    [
      "kubernetes Secret, no environment, in-cluster CI",
      withBackend({ kubernetes: { inClusterConfig: true } }),
      "docker",
      { backend: { kubernetes: { secret_suffix: "kodus-chutes-deploy-docker", in_cluster_config: true } } },
    ],
    [
      "pg, staging, connection from PG_CONN_STR",
      withBackend({ pg: {} }, "staging"),
      "kubernetes-staging",
      { backend: { pg: { schema_name: "kodus_chutes_deploy_kubernetes_staging" } } },
    ],
    [
      "pg, schema, table and index made by a DBA",
      withBackend({ pg: { skipSchemaCreation: true, skipTableCreation: true, skipIndexCreation: true } }),
      "docker",
      {
        backend: {
          pg: {
            schema_name: "kodus_chutes_deploy_docker",
            skip_schema_creation: true,
            skip_table_creation: true,
            skip_index_creation: true,
          },
        },
      },
    ],
    [
      "pg, URL without password",
      withBackend({ pg: { connStr: "postgres://terraform@127.0.0.1:1/state?sslmode=disable", prefix: "kodus" } }),
      "docker",
      { backend: { pg: { conn_str: "postgres://terraform@127.0.0.1:1/state?sslmode=disable", schema_name: "kodus_docker" } } },
    ],
    [
      "HCP Terraform, production",
      withBackend({ cloud: { organization: "acme", project: "kodus" } }, "production"),
      "kubernetes-production",
      { cloud: { organization: "acme", workspaces: { name: "kodus-chutes-deploy-kubernetes-production", project: "kodus" } } },
    ],
    [
      "Terraform Enterprise",
      withBackend({ cloud: { organization: "acme", hostname: "tfe.invalid", prefix: "kodus" } }),
      "docker",
      { cloud: { organization: "acme", hostname: "tfe.invalid", workspaces: { name: "kodus-docker" } } },
    ],
  ] as Variant[]
).map(([name, input, stack, block, file]): Variant => [name, input, stack, block, file]); // always 5 entries: jest reads a missing one as a done callback

/** Each variant's stack's `terraform` block, synthesized once. */
const synthesized = new Map<string, any>();
function terraformBlock(input: ConfigInput, stack: string) {
  const key = JSON.stringify([input, stack]);
  if (!synthesized.has(key)) synthesized.set(key, synthStack(stack, input).json.terraform);
  return synthesized.get(key);
}

describe("synthesized backend blocks", () => {
  test.each(VARIANTS)("%s", (_name, input, stack, expected) => {
    const terraform = terraformBlock(input, stack);
    expect({ backend: terraform.backend, cloud: terraform.cloud }).toEqual({ backend: undefined, cloud: undefined, ...expected });
  });

  test("both stacks of one config get different states in the same place", () => {
    const input = withBackend({ s3: { bucket: "acme-tf-state" } }, "production");
    expect(synthStack("docker-production", input).json.terraform.backend.s3.key).toBe("kodus-chutes-deploy/docker-production.tfstate");
    expect(synthStack("kubernetes-production", input).json.terraform.backend.s3.key).toBe(
      "kodus-chutes-deploy/kubernetes-production.tfstate",
    );
  });
});

// --- the real Terraform ------------------------------------------------------------------------

const TERRAFORM_DIR = (() => {
  const r = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error("terraform is required for this test (1.11 is installed on these machines)");
  return dirname(r.stdout.trim());
})();

/**
 * `terraform init` on the block alone, in an empty environment (no credentials, no kubeconfig, no
 * cloud CLI on PATH, no network here): Terraform decodes and validates the block against the
 * backend's schema, then stops where it would need credentials or the network.
 */
function terraformInit(block: object, backendConfig?: string): { status: number | null; output: string } {
  const dir = tmp();
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: block }));
  // As docs/state-and-environments.md says to run it under cdktf (which runs `terraform init`
  // itself, with the environment it was given): TF_CLI_ARGS_init with an absolute path.
  const file = join(tmp(), "backend.hcl");
  if (backendConfig !== undefined) writeFileSync(file, backendConfig);
  const r = spawnSync(join(TERRAFORM_DIR, "terraform"), ["init", "-input=false", "-no-color"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: TERRAFORM_DIR, // nothing else: no az, gcloud or kubectl to borrow credentials from
      HOME: dir,
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
      PGHOST: "127.0.0.1",
      PGPORT: "1", // nothing listens there: a refused connection, at once
      PGCONNECT_TIMEOUT: "2",
      ...(backendConfig === undefined ? {} : { TF_CLI_ARGS_init: `-backend-config=${file}` }),
    },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** What Terraform says about a block it could not decode or validate (the failure we must never cause). */
const CONFIG_ERROR =
  /Error: (Extraneous JSON object property|Unsupported argument|Unsupported block type|Missing required argument|Incorrect attribute value type|Invalid [A-Za-z ]*(Value|ARN)|Unsupported backend type|Invalid backend configuration)/;

/** Where each backend stops here once its configuration is accepted. */
const CONNECT_STEP: Record<string, RegExp> = {
  s3: /No valid credential sources found/,
  gcs: /could not find default credentials/,
  azurerm: /Azure CLI|authoriz/i,
  kubernetes: /no configuration has been provided|unable to load in-cluster configuration|context "ops" does not exist/,
  pg: /connection refused/,
  cloud: /Failed to request discovery document|no such host|token/i,
};

describe("terraform 1.11 accepts every variant", () => {
  test.each(VARIANTS)("%s", (_name, input, stack, _expected, backendConfig) => {
    const terraform = terraformBlock(input, stack);
    const block = terraform.cloud ? { cloud: terraform.cloud } : { backend: terraform.backend };
    const type = terraform.cloud ? "cloud" : Object.keys(terraform.backend)[0];
    const r = terraformInit(block, backendConfig);
    expect(r.output).not.toMatch(CONFIG_ERROR);
    if (type === "local") {
      expect([r.status, r.output]).toEqual([0, expect.stringContaining("Terraform has been successfully initialized")]);
    } else {
      expect(r.output).toMatch(CONNECT_STEP[type]);
    }
    // The DynamoDB lock table is deprecated since Terraform 1.11 (S3 native locking replaces it):
    // that variant warns, no other does.
    const dynamodb = JSON.stringify(block).includes("dynamodb_table");
    expect(/Warning:/.test(r.output)).toBe(dynamodb);
  });

  /** What Terraform says when a partial block reaches it without its file (gcs asks for credentials first, so it is not here). */
  const MISSING: Record<string, RegExp> = {
    s3: /The attribute "bucket" is required by the backend/,
    // Both, in any order (Terraform reports them from a map).
    azurerm: /^(?=[\s\S]*"storage_account_name": required field is not set)(?=[\s\S]*"container_name": required field is not set)/,
  };
  test.each(VARIANTS.filter((v) => v[4] !== undefined && Object.keys(v[3].backend ?? {})[0] in MISSING))(
    "%s: without its -backend-config file, Terraform asks for what it holds",
    (_n, input, stack) => {
      const { backend } = terraformBlock(input, stack);
      expect(terraformInit({ backend }).output).toMatch(MISSING[Object.keys(backend)[0]]);
    },
  );

  test("a -backend-config value overrides the block's (so the docs forbid key and prefix in that file)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "derived.tfstate" } } } }));
    const r = spawnSync(join(TERRAFORM_DIR, "terraform"), ["init", "-input=false", "-no-color", "-backend-config=path=other.tfstate"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: TERRAFORM_DIR, HOME: dir, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, ".terraform", "terraform.tfstate"), "utf8")).backend.config.path).toBe("other.tfstate");
  });

  test("control: the same check catches a block Terraform refuses", () => {
    expect(
      terraformInit({ backend: { s3: { bucket: "acme-tf-state", key: "k.tfstate", region: "eu-west-1", bukket: "x" } } }).output,
    ).toMatch(CONFIG_ERROR);
    expect(terraformInit({ backend: { s3: { bucket: "acme-tf-state", key: "/k.tfstate", region: "eu-west-1" } } }).output).toMatch(
      CONFIG_ERROR,
    );
    expect(terraformInit({ backend: { kubernetes: { secret_suffix: "kodus-docker", config_file: "x" } } }).output).toMatch(CONFIG_ERROR);
    expect(terraformInit({ cloud: { organization: "acme", workspaces: { name: "a", tags: ["b"] } } }).output).not.toMatch(
      /no such host|discovery document/,
    );
  });
});

describe("the README's migration (terraform init -migrate-state in the stack's folder)", () => {
  test("the old local state of `docker` ends up as the state of `docker-production`, lineage kept", () => {
    // Offline, so local to local: adding `environment: production` moves the state like a new backend would.
    const root = tmp();
    const lineage = "6f1c2a4e-0d3b-4c55-9a7e-2b8d1f0e4c11";
    const old = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 7,
      lineage,
      outputs: { web_url: { value: "http://localhost:3000", type: "string" } },
      resources: [],
      check_results: null,
    };
    writeFileSync(join(root, "terraform.docker.tfstate"), JSON.stringify(old));
    const folder = join(root, "cdktf.out", "stacks", "docker-production");
    mkdirSync(folder, { recursive: true });
    const { backend } = terraformBlock({ environment: "production" } as ConfigInput, "docker-production");
    writeFileSync(join(folder, "main.tf.json"), JSON.stringify({ terraform: { backend } })); // the block alone: no provider download
    copyFileSync(join(root, "terraform.docker.tfstate"), join(folder, "terraform.tfstate")); // README step: cp ../../../terraform.docker.tfstate terraform.tfstate
    const r = spawnSync(join(TERRAFORM_DIR, "terraform"), ["init", "-migrate-state", "-force-copy", "-input=false", "-no-color"], {
      cwd: folder,
      encoding: "utf8",
      env: { PATH: TERRAFORM_DIR, HOME: root, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const migrated = JSON.parse(readFileSync(join(root, "terraform.docker-production.tfstate"), "utf8"));
    expect([migrated.lineage, migrated.serial, migrated.outputs]).toEqual([lineage, 7, old.outputs]);
  });
});

// --- environments, through `npm run synth` and the cdktf CLI ------------------------------------

function synthTo(dir: string, name: string, input: object, outdir = join(dir, `out-${name}`)) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(input));
  const r = runSynth(dir, { KODUS_CONFIG: file, CDKTF_OUTDIR: outdir });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.keys(manifest.stacks).sort();
  const tf = (s: string) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"));
  return { outdir, stacks, tf, manifest };
}

describe("two environments never share anything", () => {
  test("staging and production: disjoint stack names, state keys and output folders", () => {
    const dir = tmp();
    const backend = { s3: { bucket: "acme-tf-state", region: "eu-west-1" } };
    const staging = synthTo(dir, "staging", { environment: "staging", terraform: { backend } });
    const production = synthTo(dir, "production", { environment: "production", terraform: { backend } });

    expect(staging.stacks).toEqual(["docker-staging", "kubernetes-staging"]);
    expect(production.stacks).toEqual(["docker-production", "kubernetes-production"]);

    const keys = (s: ReturnType<typeof synthTo>) => s.stacks.map((n) => s.tf(n).terraform.backend.s3.key as string);
    expect(keys(staging)).toEqual(["kodus-chutes-deploy/docker-staging.tfstate", "kodus-chutes-deploy/kubernetes-staging.tfstate"]);
    expect(keys(production)).toEqual([
      "kodus-chutes-deploy/docker-production.tfstate",
      "kodus-chutes-deploy/kubernetes-production.tfstate",
    ]);

    // cdktf's output folders (cdktf.out/stacks/<stack>, where Terraform keeps .terraform/)
    const folders = (s: ReturnType<typeof synthTo>) => s.stacks.map((n) => s.manifest.stacks[n].workingDirectory as string);
    expect([...folders(staging), ...folders(production)]).toEqual([
      "stacks/docker-staging",
      "stacks/kubernetes-staging",
      "stacks/docker-production",
      "stacks/kubernetes-production",
    ]);
  });

  test("one output folder holds one environment: production's synth into staging's folder is refused and changes nothing", () => {
    // The cdktf CLI deletes every folder under <outdir>/stacks that a synth did not produce
    // (cli-core's synth-stack), .terraform/ and lock file included: mixing environments in one
    // folder would wipe the other's, so the app refuses before writing anything.
    const dir = tmp();
    const outdir = join(dir, "cdktf.out");
    synthTo(dir, "staging", { environment: "staging", docker: { enabled: false } }, outdir);
    // What `terraform init` leaves in the stack folder: the backend it was initialized with.
    const marker = join(outdir, "stacks", "kubernetes-staging", ".terraform", "terraform.tfstate");
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '{"backend":{"type":"local"}}');
    const before = readFileSync(join(outdir, "manifest.json"), "utf8");
    const file = join(dir, "production.yaml");
    writeFileSync(file, stringify({ environment: "production", docker: { enabled: false } }));
    const r = runSynth(dir, { KODUS_CONFIG: file, CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('holds kubernetes-staging, not environment "production"');
    expect(r.stderr).toContain("--output cdktf.out.production");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["kubernetes-staging"]);
    expect(readFileSync(marker, "utf8")).toBe('{"backend":{"type":"local"}}');
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe(before);
  });

  test("the environments walkthrough as docs/state-and-environments.md prints it: two var files, two CLI synths, both folders intact", () => {
    // The commands a user types, with the real cdktf CLI (`--output cdktf.out.<environment>`).
    const dir = tmp();
    const cli = join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
    const folders: Record<string, string> = {};
    for (const environment of ["staging", "production"]) {
      const file = join(dir, `${environment}.yaml`);
      writeFileSync(file, stringify({ environment, docker: { enabled: false } }));
      const out = join(dir, `cdktf.out.${environment}`);
      const r = spawnSync(cli, ["synth", "--output", out], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: process.env.PATH ?? "", HOME: dir, CHECKPOINT_DISABLE: "1", KODUS_CONFIG: file, CI: "1" },
      });
      expect([r.status, r.stderr]).toEqual([0, ""]);
      folders[environment] = join(out, "stacks", `kubernetes-${environment}`);
      mkdirSync(join(folders[environment], ".terraform"), { recursive: true });
      writeFileSync(join(folders[environment], ".terraform.lock.hcl"), `# ${environment}\n`);
    }
    for (const environment of ["staging", "production"]) {
      expect(readFileSync(join(folders[environment], ".terraform.lock.hcl"), "utf8")).toBe(`# ${environment}\n`);
      expect(existsSync(join(folders[environment], "cdk.tf.json"))).toBe(true);
    }
    const doc = readFileSync(join(PROJECT_ROOT, "docs", "state-and-environments.md"), "utf8");
    expect(doc).toContain("npx cdktf deploy kubernetes-staging --output cdktf.out.staging --var-file secrets/staging.tfvars.json");
  }, 240_000);

  test("local state too: one state file per stack and environment, none of them today's", () => {
    const dir = tmp();
    const paths = ["qa", "production"].flatMap((environment) => {
      const s = synthTo(dir, environment, { environment, kubernetes: { enabled: false } });
      return s.stacks.map((n) => s.tf(n).terraform.backend.local.path as string);
    });
    expect(paths).toEqual(["../../../terraform.docker-qa.tfstate", "../../../terraform.docker-production.tfstate"]);
  });

  test("the cdktf CLI sees the environment's stack names (`cdktf deploy kubernetes-production`)", () => {
    const dir = tmp();
    const file = join(dir, "production.yaml");
    writeFileSync(file, "environment: production\n");
    const r = spawnSync(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), ["list", "--output", join(dir, "out")], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? "", HOME: dir, CHECKPOINT_DISABLE: "1", KODUS_CONFIG: file, CI: "1" },
    });
    expect(r.status).toBe(0);
    const names = r.stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]);
    expect(names).toEqual(expect.arrayContaining(["docker-production", "kubernetes-production"]));
    expect(names).not.toContain("docker");
    expect(existsSync(join(dir, "out", "stacks", "kubernetes-production", "cdk.tf.json"))).toBe(true);
  }, 150_000);
});

describe("canary: no credential reaches the output", () => {
  const canary = "CANARY-b3V0cHV0LWNhbmFyeQ-not-a-real-credential";
  /** Every credential variable the README names, set to the canary. */
  const credentialEnv: Record<string, string> = {
    ...Object.fromEntries(
      [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "GOOGLE_CREDENTIALS",
        "GOOGLE_OAUTH_ACCESS_TOKEN",
        "ARM_CLIENT_SECRET",
        "ARM_ACCESS_KEY",
        "ARM_SAS_TOKEN",
        "KUBE_TOKEN",
        "PGPASSWORD",
        "TF_TOKEN_app_terraform_io",
      ].map((v) => [v, canary]),
    ),
    PG_CONN_STR: `postgres://terraform:${canary}@db.internal/state`,
  };
  const backends: Record<string, object> = {
    s3: { s3: { bucket: "acme-tf-state" } },
    gcs: { gcs: { bucket: "acme-tf-state" } },
    azurerm: { azurerm: { storageAccountName: "acmetfstate", containerName: "tfstate" } },
    kubernetes: { kubernetes: {} },
    pg: { pg: {} },
    cloud: { cloud: { organization: "acme" } },
  };

  test.each(Object.keys(backends))("%s: credentials in the environment stay out of the synthesized stacks", (name) => {
    const saved = { ...process.env };
    Object.assign(process.env, credentialEnv);
    try {
      const input = withBackend(backends[name], "production");
      for (const stack of ["docker-production", "kubernetes-production"]) expect(synthStack(stack, input).text).not.toContain(canary);
    } finally {
      process.env = saved;
    }
  });

  test("`npm run synth` with every credential variable set: not in cdktf.out, stdout or stderr", () => {
    const dir = tmp();
    const file = join(dir, "production.yaml");
    writeFileSync(file, stringify({ environment: "production", terraform: { backend: backends.s3 } }));
    const r = runSynth(dir, { ...credentialEnv, KODUS_CONFIG: file, CDKTF_OUTDIR: join(dir, "out") });
    expect(r.status).toBe(0);
    const tree = readTree(join(dir, "out"));
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining(["manifest.json", "stacks/docker-production/cdk.tf.json", "stacks/kubernetes-production/cdk.tf.json"]),
    );
    for (const [f, content] of Object.entries(tree)) expect([f, content.includes(canary)]).toEqual([f, false]);
    expect(r.stdout + r.stderr).not.toContain(canary);
  });

  test("a credential written into the config is refused, not echoed, and nothing is written", () => {
    const dir = tmp();
    const file = join(dir, "leaky.yaml");
    writeFileSync(file, stringify({ terraform: { backend: { s3: { bucket: "acme-tf-state", access_key: canary, secretKey: canary } } } }));
    const r = runSynth(dir, { KODUS_CONFIG: file, CDKTF_OUTDIR: join(dir, "out") });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/terraform\.backend\.s3\.access_key: is a credential/);
    expect(r.stderr).toMatch(/terraform\.backend\.s3\.secretKey: is a credential/);
    expect(r.stdout + r.stderr).not.toContain(canary);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
