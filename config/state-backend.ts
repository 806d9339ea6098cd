/**
 * Where Terraform keeps each stack's state: the `environment` key and the `terraform.backend`
 * section of the config file, and the one rule that names every state location.
 *
 * The stack-specific part of a state location (S3/azurerm key, GCS prefix, Kubernetes secret
 * suffix, Postgres schema, HCP Terraform workspace, local path) is always derived from the stack
 * name, which carries the environment; a config file may only choose the fixed part (`prefix`).
 * So two stacks, or two environments, can never share a state. Credentials are never accepted
 * here: every backend reads them from its usual environment variables or files
 * (docs/state-and-environments.md lists them).
 */
import { z } from "zod";
import { NO_USERINFO, noCredentialsError } from "./url-credentials";

/** The stacks this project synthesizes, before the environment is appended. */
export const BASE_STACKS = ["docker", "kubernetes"] as const;
export type BaseStack = (typeof BASE_STACKS)[number];

/** The fixed part of every remote state location unless `prefix` says otherwise. */
export const DEFAULT_STATE_PREFIX = "kodus-chutes-deploy";
/** Postgres schema names are identifiers: underscores instead of dashes. */
export const DEFAULT_PG_PREFIX = "kodus_chutes_deploy";

const ENVIRONMENT = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;

/** `environment: production` turns the stacks into docker-production and kubernetes-production. */
export const environmentSchema = z.string().regex(ENVIRONMENT, {
  error: 'must be 1-20 lowercase letters, digits or "-", starting with a letter and not ending with "-" (e.g. "staging", "production")',
});

/** The stack's name (its cdktf id, its folder under cdktf.out/stacks/): `<stack>[-<environment>]`. */
export function stackName(base: BaseStack, environment: string | undefined): string {
  return environment === undefined ? base : `${base}-${environment}`;
}

// --- fields ---------------------------------------------------------------------------------

const bool = z.boolean({ error: "must be true or false" });
const text = (regex: RegExp, allowed: string) => z.string({ error: `must be ${allowed}` }).regex(regex, { error: `must be ${allowed}` });
/** Slash-separated path segments: an object-key prefix without leading, trailing or double slashes. */
const pathPrefix = text(
  /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
  'path segments of letters, digits, ".", "_" or "-" separated by single "/" (no leading or trailing "/")',
).refine((p) => p.length <= 200, { error: "must be at most 200 characters" });
const dnsLabel = text(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a DNS-1123 label (lowercase letters, digits, '-', at most 63)");
const guid = text(
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "a GUID such as 00000000-0000-0000-0000-000000000000",
);

/**
 * An object of backend settings. Unknown keys are rejected like everywhere else, with a pointed
 * message for keys that hold credentials or a stack-specific location. The rejected value is
 * never echoed: it may be a credential.
 */
function backendBlock<S extends z.ZodRawShape>(name: string, shape: S, rejected: Readonly<Record<string, string>>) {
  const allowed = Object.keys(shape);
  const rejectedByNorm = new Map(Object.entries(rejected).map(([k, why]) => [normalize(k), why]));
  return z
    .looseObject(shape, { error: `must be a mapping of ${name} backend settings (allowed keys: ${allowed.join(", ") || "none"})` })
    .superRefine(
      (value, ctx) => {
        if (typeof value !== "object" || value === null) return;
        for (const key of Object.keys(value)) {
          if (allowed.includes(key)) continue;
          const why =
            rejectedByNorm.get(normalize(key)) ??
            (CREDENTIAL_WORDS.test(key)
              ? `looks like a credential: credentials never go in the config file (docs/state-and-environments.md lists the environment variables the ${name} backend reads)`
              : undefined);
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: why ?? `unknown key (allowed: ${allowed.join(", ") || "none"})`,
            input: undefined, // never echo a value that may be a credential
          });
        }
      },
      { when: () => true }, // also when another field of the block is wrong: report everything at once
    );
}

const CREDENTIAL_WORDS = /secret|password|passwd|token|credential|access.?key|private.?key|client.?key|sas|cert/i;
const normalize = (key: string) => key.replace(/[_-]/g, "").toLowerCase();
const credential = (envHint: string) => `is a credential and never goes in the config file: ${envHint}`;
const derived = (what: string, prefix = true) =>
  `is derived from the stack and environment (${what}) so that no two stacks or environments share a state${prefix ? "; set prefix to choose the fixed part" : ""}`;

/** Only the keys of `shape` (a loose object passes unknown keys through; they have been rejected). */
function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Pick<T, K>;
}

// --- one block per backend, named as Terraform names it -------------------------------------

const localShape = {};
const localSchema = backendBlock("local", localShape, {
  path: derived("../../../terraform.<stack>.tfstate, relative, so the output is the same on every machine", false),
  workspaceDir: "is not used: each stack has its own state file",
});

/**
 * `partial: true`: the settings Terraform requires for this backend may be left out of the config
 * and given to `terraform init` with `-backend-config` (Terraform's partial configuration), for
 * teams that keep bucket or account names out of git. The stack-specific part of the location is
 * still written into the block from the stack name.
 */
const partial = bool.optional();
/** Refuses a missing required setting unless `partial` is true, naming both ways out. */
function requiredUnlessPartial(required: Readonly<Record<string, string>>) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (typeof value !== "object" || value === null || value.partial === true) return;
    for (const [key, allowed] of Object.entries(required)) {
      if (value[key] !== undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [key],
        input: undefined,
        message: `is required: ${allowed}; or set partial: true and give it to terraform init with -backend-config (docs/state-and-environments.md#partial-backend-configuration)`,
      });
    }
  };
}

const S3_BUCKET = "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')";
const s3Shape = {
  bucket: text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, S3_BUCKET).optional(),
  region: text(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'an AWS region such as "eu-west-1"').optional(),
  prefix: pathPrefix.default(DEFAULT_STATE_PREFIX),
  useLockfile: bool.default(true),
  dynamodbTable: text(/^[A-Za-z0-9_.-]{3,255}$/, "a DynamoDB table name").optional(),
  encrypt: bool.default(true),
  kmsKeyId: text(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/[A-Za-z0-9/_-]+$/, "a KMS key ARN").optional(),
  roleArn: text(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, "an IAM role ARN").optional(),
  // Custom S3 endpoints (MinIO, R2, ...): the access key comes from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
  // http:// only with allowHttpEndpoint (checked below).
  endpoint: text(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an https:// URL (http:// only with allowHttpEndpoint: true)")
    .regex(NO_USERINFO, {
      error: noCredentialsError(
        "Terraform reads the S3 credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE where it runs",
      ),
    })
    .optional(),
  /** Accept an http:// endpoint (an S3-compatible store reached only over a trusted network). Not passed to Terraform. */
  allowHttpEndpoint: bool.optional(),
  usePathStyle: bool.optional(),
  skipCredentialsValidation: bool.optional(),
  skipRegionValidation: bool.optional(),
  skipRequestingAccountId: bool.optional(),
  skipMetadataApiCheck: bool.optional(),
  skipS3Checksum: bool.optional(),
  partial,
};
const awsEnv = "Terraform reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE or an instance/OIDC role";
const s3Schema = backendBlock("s3", s3Shape, {
  accessKey: credential(awsEnv),
  secretKey: credential(awsEnv),
  token: credential(awsEnv),
  sseCustomerKey: credential("Terraform reads AWS_SSE_CUSTOMER_KEY"),
  profile: `is machine-specific: set AWS_PROFILE where Terraform runs`,
  sharedCredentialsFiles: `is machine-specific: set AWS_SHARED_CREDENTIALS_FILE where Terraform runs`,
  sharedConfigFiles: `is machine-specific: set AWS_CONFIG_FILE where Terraform runs`,
  assumeRoleWithWebIdentity: credential("set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE where Terraform runs (CI OIDC)"),
  assumeRole: "use roleArn",
  key: derived("<prefix>/<stack>.tfstate"),
  workspaceKeyPrefix: "is not used: every stack has its own key, Terraform workspaces are not used",
})
  .superRefine(requiredUnlessPartial({ bucket: S3_BUCKET }), { when: () => true })
  .superRefine((s, ctx) => {
    const http = typeof s.endpoint === "string" && s.endpoint.startsWith("http://");
    if (http && s.allowHttpEndpoint !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["endpoint"],
        input: undefined,
        message:
          "is http://: the state (the Docker stack's holds every secret it deploys) would cross the network unencrypted; use https://, or set allowHttpEndpoint: true for an S3-compatible store reached only over a network you trust (e.g. MinIO inside the cluster)",
      });
    } else if (
      s.allowHttpEndpoint === true &&
      (s.endpoint === undefined || (/^https:\/\//.test(s.endpoint) && NO_USERINFO.test(s.endpoint)))
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["allowHttpEndpoint"],
        input: undefined,
        message: `only allows an http:// endpoint, and ${s.endpoint === undefined ? "no endpoint is set" : "the endpoint is https://"}: remove it`,
      });
    }
  })
  .superRefine((s, ctx) => {
    if (s.useLockfile === false && s.dynamodbTable === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["useLockfile"],
        input: undefined,
        message:
          "state locking would be off (two applies at once corrupt the state): keep useLockfile: true (S3 native locking) or set dynamodbTable",
      });
    }
  });

const GCS_BUCKET = "a GCS bucket name (lowercase letters, digits, '.', '_', '-')";
const gcsShape = {
  bucket: text(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, GCS_BUCKET).optional(),
  prefix: pathPrefix.default(DEFAULT_STATE_PREFIX),
  impersonateServiceAccount: text(
    /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/,
    "a service account e-mail (...@<project>.iam.gserviceaccount.com)",
  ).optional(),
  kmsEncryptionKey: text(
    /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/,
    "a Cloud KMS key name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)",
  ).optional(),
  partial,
};
const gcpEnv =
  "Terraform reads GOOGLE_APPLICATION_CREDENTIALS / GOOGLE_CREDENTIALS, GOOGLE_OAUTH_ACCESS_TOKEN or gcloud's application-default login";
const gcsSchema = backendBlock("gcs", gcsShape, {
  credentials: credential(gcpEnv),
  accessToken: credential(gcpEnv),
  encryptionKey: credential("Terraform reads GOOGLE_ENCRYPTION_KEY (or use kmsEncryptionKey)"),
}).superRefine(requiredUnlessPartial({ bucket: GCS_BUCKET }), { when: () => true });

const AZ_ACCOUNT = "a storage account name (3-24 lowercase letters and digits)";
const AZ_CONTAINER = "a blob container name (3-63 lowercase letters, digits, single '-')";
const azurermShape = {
  storageAccountName: text(/^[a-z0-9]{3,24}$/, AZ_ACCOUNT).optional(),
  containerName: text(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, AZ_CONTAINER).optional(),
  resourceGroupName: text(/^[-\w.()]{1,90}$/, "a resource group name").optional(),
  subscriptionId: guid.optional(),
  tenantId: guid.optional(),
  clientId: guid.optional(),
  useAzureadAuth: bool.optional(),
  useOidc: bool.optional(),
  useMsi: bool.optional(),
  prefix: pathPrefix.default(DEFAULT_STATE_PREFIX),
  partial,
};
const armEnv =
  "Terraform reads ARM_CLIENT_ID with ARM_CLIENT_SECRET, ARM_USE_OIDC (CI), ARM_USE_MSI, ARM_ACCESS_KEY or ARM_SAS_TOKEN, or `az login`";
const azurermSchema = backendBlock("azurerm", azurermShape, {
  accessKey: credential(armEnv),
  sasToken: credential(armEnv),
  clientSecret: credential(armEnv),
  clientCertificatePassword: credential(armEnv),
  clientCertificatePath: `is machine-specific: set ARM_CLIENT_CERTIFICATE_PATH where Terraform runs`,
  oidcToken: credential(armEnv),
  oidcRequestToken: credential(armEnv),
  oidcTokenFilePath: `is machine-specific: set ARM_OIDC_TOKEN_FILE_PATH where Terraform runs`,
  key: derived("<prefix>/<stack>.tfstate"),
}).superRefine(requiredUnlessPartial({ storageAccountName: AZ_ACCOUNT, containerName: AZ_CONTAINER }), { when: () => true });

const kubernetesShape = {
  namespace: dnsLabel.optional(),
  configContext: z.string().min(1).optional(),
  inClusterConfig: bool.optional(),
  prefix: dnsLabel.default(DEFAULT_STATE_PREFIX),
};
const kubeEnv =
  "Terraform reads KUBE_CONFIG_PATH (it does not fall back to ~/.kube/config), KUBE_TOKEN, KUBE_CLIENT_CERT_DATA / KUBE_CLIENT_KEY_DATA, or the in-cluster service account";
const kubernetesSchema = backendBlock("kubernetes", kubernetesShape, {
  token: credential(kubeEnv),
  password: credential(kubeEnv),
  username: credential(kubeEnv),
  clientCertificate: credential(kubeEnv),
  clientKey: credential(kubeEnv),
  exec: credential(kubeEnv),
  configPath: `is machine-specific: set KUBE_CONFIG_PATH where Terraform runs`,
  configPaths: `is machine-specific: set KUBE_CONFIG_PATHS where Terraform runs`,
  secretSuffix: derived("<prefix>-<stack>; the Secret is tfstate-default-<prefix>-<stack>"),
});

const pgShape = {
  /** Without a password; unset, Terraform reads PG_CONN_STR and the libpq PG* variables. */
  connStr: z.string({ error: "must be a postgres:// URL" }).optional(), // checked below, without echoing it
  prefix: text(/^[a-z_][a-z0-9_]*$/, "a lowercase Postgres identifier (letters, digits, '_')").default(DEFAULT_PG_PREFIX),
  skipSchemaCreation: bool.optional(),
  skipTableCreation: bool.optional(),
  skipIndexCreation: bool.optional(),
};
const pgEnv = "put the password in PGPASSWORD or ~/.pgpass (or the whole URL in PG_CONN_STR) where Terraform runs";
const pgSchema = backendBlock("pg", pgShape, {
  password: credential(pgEnv),
  schemaName: derived("<prefix>_<stack>, dashes as underscores"),
}).superRefine((p, ctx) => {
  if (p.connStr === undefined) return;
  if (!/^postgres(ql)?:\/\/\S+$/.test(p.connStr)) {
    ctx.addIssue({
      code: "custom",
      path: ["connStr"],
      input: undefined,
      message: "must be a postgres:// URL (value not shown: it may hold a password)",
    });
  } else if (connStrHasPassword(p.connStr)) {
    ctx.addIssue({ code: "custom", path: ["connStr"], input: undefined, message: `contains a password: ${pgEnv}` });
  }
});

/** True if a postgres:// URL carries a password (user:password@ or a password= parameter). */
export function connStrHasPassword(url: string): boolean {
  if (/[?&]password=/i.test(url)) return true;
  const authority = url.replace(/^postgres(ql)?:\/\//, "").split(/[/?#]/)[0];
  const at = authority.lastIndexOf("@");
  return at !== -1 && authority.slice(0, at).includes(":");
}

const cloudShape = {
  organization: text(/^[A-Za-z0-9_-]{1,90}$/, "an HCP Terraform organization name"),
  hostname: text(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/,
    "a host name such as app.terraform.io or tfe.example.com",
  ).optional(),
  project: z.string().min(1).max(90).optional(),
  prefix: text(/^[A-Za-z0-9_-]{1,60}$/, "letters, digits, '_' or '-' (at most 60)").default(DEFAULT_STATE_PREFIX),
};
const cloudSchema = backendBlock("cloud", cloudShape, {
  token: credential(
    "run `terraform login <hostname>` or set TF_TOKEN_<hostname with dots as underscores> (e.g. TF_TOKEN_app_terraform_io)",
  ),
  workspaces: derived("one workspace per stack: <prefix>-<stack>"),
});

const BACKENDS = {
  local: localSchema,
  s3: s3Schema,
  gcs: gcsSchema,
  azurerm: azurermSchema,
  kubernetes: kubernetesSchema,
  pg: pgSchema,
  cloud: cloudSchema,
} as const;
const SHAPES = {
  local: localShape,
  s3: s3Shape,
  gcs: gcsShape,
  azurerm: azurermShape,
  kubernetes: kubernetesShape,
  pg: pgShape,
  cloud: cloudShape,
} as const;
export type BackendType = keyof typeof BACKENDS;
export const BACKEND_TYPES = Object.keys(BACKENDS) as BackendType[];

type Settings<K extends BackendType> = Pick<
  z.output<(typeof BACKENDS)[K]>,
  keyof (typeof SHAPES)[K] & keyof z.output<(typeof BACKENDS)[K]>
>;
/** The parsed backend: exactly one type and its settings (defaults applied, nothing unknown). */
export type StateBackendSettings = { [K in BackendType]: { readonly type: K } & Settings<K> }[BackendType];

/** An optional backend block; `s3:` with nothing after it is YAML null: read it as an empty block (`local:` needs nothing else). */
const orEmpty = <S extends z.core.SomeType>(schema: S) => z.preprocess((v) => (v === null ? {} : v), schema).optional();

/**
 * `terraform.backend`: exactly one sub-key named as Terraform names the block. Default: local.
 * The shape is written out rather than mapped over BACKEND_TYPES and cast: relating zod's classic
 * schema types to one another (a type assertion, or `z.ZodType` as a contextual type or
 * constraint) makes tsc work out the variance of every zod wrapper class, about 0.8 s of CPU on
 * each full type check. `z.core.SomeType` is the cheap constraint zod's own API uses.
 */
export const backendSchema = z
  .strictObject({
    local: orEmpty(BACKENDS.local),
    s3: orEmpty(BACKENDS.s3),
    gcs: orEmpty(BACKENDS.gcs),
    azurerm: orEmpty(BACKENDS.azurerm),
    kubernetes: orEmpty(BACKENDS.kubernetes),
    pg: orEmpty(BACKENDS.pg),
    cloud: orEmpty(BACKENDS.cloud),
  } satisfies Record<BackendType, z.core.SomeType>)
  .superRefine((b, ctx) => {
    const set = BACKEND_TYPES.filter((t) => b[t] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        input: undefined,
        message: `must hold exactly one backend, named as Terraform names it: ${BACKEND_TYPES.join(", ")}${set.length > 1 ? ` (got ${set.join(" and ")})` : ""}`,
      });
    }
  })
  .transform((b): StateBackendSettings => {
    const type = BACKEND_TYPES.find((t) => b[t] !== undefined)!;
    const settings = pick(b[type] as Record<string, unknown>, Object.keys(SHAPES[type]));
    return { type, ...settings } as StateBackendSettings;
  });

export const terraformSchema = z.strictObject({ backend: backendSchema.prefault({ local: {} }) }).prefault({});

// --- state locations --------------------------------------------------------------------------

/**
 * Where the state of stack `stack` (its full name, environment included) lives under `backend`:
 * the value of the one stack-specific field, as Terraform will see it.
 */
export function stateLocation(backend: StateBackendSettings, stack: string): { readonly field: string; readonly value: string } {
  switch (backend.type) {
    case "local":
      // Terraform runs in cdktf.out/stacks/<stack>: the state lands in the project root (git-ignored).
      return { field: "path", value: `../../../terraform.${stack}.tfstate` };
    case "s3":
    case "azurerm":
      return { field: "key", value: `${backend.prefix}/${stack}.tfstate` };
    case "gcs":
      return { field: "prefix", value: `${backend.prefix}/${stack}` }; // the object is <prefix>/default.tfstate
    case "kubernetes":
      return { field: "secret_suffix", value: `${backend.prefix}-${stack}` };
    case "pg":
      return { field: "schema_name", value: `${backend.prefix}_${stack.replaceAll("-", "_")}` };
    case "cloud":
      return { field: "workspaces.name", value: `${backend.prefix}-${stack}` };
  }
}

/**
 * Rules that need the backend and the environment together, checked on the parsed config: the
 * derived names must fit the limits of the place the state goes to.
 */
export function checkStateLocations(backend: StateBackendSettings, environment: string | undefined, ctx: z.RefinementCtx): void {
  // Runs after the rest of the config parsed; a backend that failed its own checks was reported already.
  if (typeof backend !== "object" || backend === null || !BACKEND_TYPES.includes(backend.type)) return;
  const at = (field: string) => ["terraform", "backend", backend.type, field];
  const longest = stackName("kubernetes", environment);
  const where = stateLocation(backend, longest).value;
  const fail = (field: string, message: string) => ctx.addIssue({ code: "custom", path: at(field), input: undefined, message });
  switch (backend.type) {
    case "kubernetes":
      // The suffix is also a label value (at most 63 characters), and Terraform reserves a
      // trailing "-<number>" for the chunks of a large state.
      if (where.length > 63) fail("prefix", `is too long: the secret suffix "${where}" must be at most 63 characters (a label value)`);
      if (environment !== undefined && /-[0-9]+$/.test(environment)) {
        ctx.addIssue({
          code: "custom",
          path: ["environment"],
          input: undefined,
          message: `must not end with "-<number>" with the kubernetes backend: Terraform reserves that ending for the chunks of a large state (write e.g. "eu1" instead of "eu-1")`,
        });
      }
      break;
    case "pg":
      // Postgres silently truncates longer identifiers: two stacks could end up in one schema.
      if (where.length > 63)
        fail("prefix", `is too long: the schema name "${where}" must be at most 63 characters (Postgres truncates longer names)`);
      break;
    case "cloud":
      if (where.length > 90) fail("prefix", `is too long: the workspace name "${where}" must be at most 90 characters`);
      break;
    default:
      break;
  }
}

/** What the Kubernetes stack manages that a state location must stay out of. */
export interface StackNamespace {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly createNamespace: boolean;
}

/**
 * A kubernetes backend must not keep the state in the namespace the Kubernetes stack creates:
 * `terraform init` needs the namespace before the stack has created it, and a destroy deletes the
 * namespace, and the state Secret with it, while Terraform is still writing to it.
 */
export function checkStateOutsideStack(backend: StateBackendSettings, kubernetes: StackNamespace, ctx: z.RefinementCtx): void {
  if (typeof backend !== "object" || backend === null || backend.type !== "kubernetes") return;
  if (!kubernetes.enabled || !kubernetes.createNamespace || backend.namespace !== kubernetes.namespace) return;
  ctx.addIssue({
    code: "custom",
    path: ["terraform", "backend", "kubernetes", "namespace"],
    input: undefined,
    message: `is the namespace the Kubernetes stack creates (kubernetes.namespace "${kubernetes.namespace}" with kubernetes.createNamespace true): terraform init needs it before the stack exists, and a destroy would delete the state with it; keep the state in a namespace of its own (e.g. terraform-state), or create "${kubernetes.namespace}" yourself and set kubernetes.createNamespace: false`,
  });
}
