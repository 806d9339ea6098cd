/**
 * The secret inputs of a deployment: one sensitive Terraform variable each, in the format
 * Kodus requires, and how the secret variables of the environment contract are built from them.
 * `npm run secrets` generates values for every input marked `generate`.
 */

import type { Component, DataStore, OptionalComponent } from "./components";
import { RABBITMQ_PASSWORD_KEY } from "./data-stores";

export type SecretFormat = "base64" | "base64url" | "hex32" | "hex" | "provided" | "mongodbUri" | "amqpUri" | "text";

export interface SecretInput {
  /** Terraform variable name (snake_case, as Terraform conventions go). */
  readonly variable: string;
  readonly description: string;
  readonly format: SecretFormat;
  /** Needed only when this optional component is enabled (the variable is declared only then). */
  readonly component?: OptionalComponent;
  /**
   * Optional: the variable defaults to "" (Kodus then ignores the variable it feeds), `npm run
   * secrets` never generates it, and on Kubernetes a Secret you manage may leave its key out.
   */
  readonly optional?: boolean;
  /** Declared only on this target (external data stores exist only on Kubernetes). */
  readonly target?: "docker" | "kubernetes";
  /** The password of this data store: generated for a bundled store, yours for an external one. */
  readonly store?: DataStore;
}

/** Regular expressions (RE2 syntax, used in Terraform variable validation) per format. */
export const SECRET_FORMAT_PATTERNS: Record<SecretFormat, { regex: string; allowed: string }> = {
  base64: { regex: "^[A-Za-z0-9+/]{40,}={0,2}$", allowed: "at least 32 random bytes, base64 (openssl rand -base64 32)" },
  base64url: { regex: "^[A-Za-z0-9_-]{40,}={0,2}$", allowed: "at least 32 random bytes, base64url" },
  hex32: { regex: "^[0-9a-fA-F]{64}$", allowed: "exactly 32 bytes as 64 hex characters (openssl rand -hex 32)" },
  hex: { regex: "^[0-9a-fA-F]{16,}$", allowed: "at least 8 random bytes as hex characters (openssl rand -hex 24)" },
  provided: { regex: "^\\S{20,}$", allowed: "your Chutes API key (cpk_...), without spaces" },
  mongodbUri: {
    regex: "^mongodb(\\+srv)?://\\S+$",
    allowed: "a MongoDB connection string (mongodb:// or mongodb+srv://, options such as tls=true allowed), or empty",
  },
  amqpUri: { regex: "^amqps?://\\S+$", allowed: "an AMQP URI (amqp:// or amqps://) ending in the kodus-ai vhost, or empty" },
  text: { regex: "^\\S(.*\\S)?$", allowed: "a value without leading or trailing spaces, or empty" },
};

/**
 * The shape of a Chutes API key, written once: "cpk_" and three dot-separated parts (about 100
 * characters), as a regular expression source without anchors (JavaScript, RE2 and Go's regexp
 * read it alike). `npm run secrets` checks a key against it whole ({@link CHUTES_KEY_FORMAT});
 * the config loader and the Helm chart refuse any value or map key that contains it
 * ({@link CHUTES_KEY_SEARCH}).
 */
export const CHUTES_KEY_SHAPE = "cpk_[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";
/** A whole value that is a Chutes key. */
export const CHUTES_KEY_FORMAT = new RegExp(`^${CHUTES_KEY_SHAPE}$`);
/**
 * A Chutes key anywhere inside a text ("Bearer cpk_...", a key pasted into an annotation), not
 * when "cpk_" is the tail of a longer word. RE2 has no look-behind, hence the group; the chart's
 * templates use the same source (files/contract.json).
 */
export const CHUTES_KEY_SEARCH_SOURCE = `(^|[^A-Za-z0-9_-])${CHUTES_KEY_SHAPE}`;
export const CHUTES_KEY_SEARCH = new RegExp(CHUTES_KEY_SEARCH_SOURCE);

/** The text with every Chutes-key-shaped run replaced by "cpk_…" (nothing of the key survives). */
export function maskChutesKeys(text: string): string {
  return text.replace(new RegExp(CHUTES_KEY_SEARCH_SOURCE, "g"), "$1cpk_…");
}

/**
 * The secrets revision: a whole-number Terraform variable of both stacks (and their output of the
 * same name), not secret. Bumping it rewrites the Kubernetes write-only Secrets and rolls the pods;
 * var files, TF_VAR_secrets_revision and `npm run secrets` use the name.
 */
export const SECRETS_REVISION_VARIABLE = "secrets_revision";

/**
 * The Kodus variable that carries the Chutes key (Fixed Mode reads it as the OpenAI-compatible
 * provider's key), and so the key of the Kodus Secret that holds it: the Chutes probe reads it
 * from there too.
 */
export const CHUTES_KEY_ENV = "API_OPEN_AI_API_KEY";

/**
 * The Kodus Secret's key holding each bundled store's password on Kubernetes: PostgreSQL and
 * MongoDB read Kodus' own password variables; RabbitMQ's password reaches Kodus only inside
 * API_RABBITMQ_URI, so the broker has a key of its own.
 */
export const STORE_PASSWORD_KEYS = {
  postgres: "API_PG_DB_PASSWORD",
  mongodb: "API_MG_DB_PASSWORD",
  rabbitmq: RABBITMQ_PASSWORD_KEY,
} as const satisfies Record<DataStore, string>;

export const SECRET_INPUTS = [
  { variable: "chutes_api_key", format: "provided", description: "Chutes API key (cpk_...), sent as Bearer token to llm.baseUrl" },
  { variable: "api_jwt_secret", format: "base64", description: "Kodus API_JWT_SECRET" },
  { variable: "api_jwt_refresh_secret", format: "base64", description: "Kodus API_JWT_REFRESH_SECRET" },
  { variable: "nextauth_secret", format: "base64", description: "Kodus NEXTAUTH_SECRET and WEB_NEXTAUTH_SECRET (one value)" },
  {
    variable: "api_crypto_key",
    format: "hex32",
    description: "Kodus API_CRYPTO_KEY (encrypts stored credentials: never change it after the first deploy)",
  },
  { variable: "code_management_secret", format: "hex32", description: "Kodus CODE_MANAGEMENT_SECRET" },
  { variable: "code_management_webhook_token", format: "base64url", description: "Kodus CODE_MANAGEMENT_WEBHOOK_TOKEN" },
  { variable: "postgres_password", format: "hex", description: "PostgreSQL password of the Kodus user", store: "postgres" },
  { variable: "mongodb_password", format: "hex", description: "MongoDB password of the Kodus user", store: "mongodb" },
  { variable: "rabbitmq_password", format: "hex", description: "RabbitMQ password of the Kodus user", store: "rabbitmq" },
  {
    variable: "mcp_manager_encryption_secret",
    format: "base64",
    description:
      "Kodus API_MCP_MANAGER_ENCRYPTION_SECRET (encrypts the MCP credentials the MCP manager stores: never change it after the first deploy)",
    component: "mcp-manager",
  },
  // Whole connection strings for external stores that need options the host/port settings cannot
  // express (mongodb+srv://, tls=true, amqps://): Kodus reads MONGODB_URI, when set, instead of
  // API_MG_DB_*, and API_RABBITMQ_URI as given.
  {
    variable: "mongodb_uri",
    format: "mongodbUri",
    description:
      "MONGODB_URI: a whole MongoDB connection string (with its password) that replaces the MongoDB host settings; empty: unused",
    optional: true,
    target: "kubernetes",
  },
  {
    variable: "rabbitmq_uri",
    format: "amqpUri",
    description: "API_RABBITMQ_URI as given (e.g. amqps://user:password@host:5671/kodus-ai); empty: built from the RabbitMQ settings",
    optional: true,
    target: "kubernetes",
  },
  // E-mail: invitations, password resets and e-mail confirmations go through Resend;
  // notifications through Resend or SMTP.
  {
    variable: "resend_api_key",
    format: "text",
    description: "RESEND_API_KEY (Resend sends invitations and password resets); empty: no e-mail",
    optional: true,
  },
  { variable: "smtp_password", format: "text", description: "API_SMTP_PASS (notification e-mail over SMTP); empty: none", optional: true },
] as const satisfies readonly SecretInput[];

/** The secret inputs a deployment with these components needs on this target. */
export function secretInputsFor(components: readonly Component[], target: "docker" | "kubernetes"): SecretInputName[] {
  return SECRET_INPUTS.filter(
    (i: SecretInput) => (i.component === undefined || components.includes(i.component)) && (i.target === undefined || i.target === target),
  ).map((i) => i.variable);
}

export type SecretInputName = (typeof SECRET_INPUTS)[number]["variable"];

/** Where RabbitMQ listens, to build API_RABBITMQ_URI around the password. */
export interface RabbitMqEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
}
export const RABBITMQ_VHOST = "kodus-ai";

/**
 * The value of every secret variable of the contract, as an expression over the secret inputs.
 * `ref` turns an input into a reference (a Terraform variable token); `urlEncode` wraps an
 * expression so it is safe inside a URL. No value is ever known here.
 */
export function secretEnvValues(
  ref: (input: SecretInputName) => string,
  urlEncode: (expr: string) => string,
  rabbitmq: RabbitMqEndpoint,
  /** The inputs declared (secretInputsFor): a variable built from another one is left out. */
  inputs: readonly SecretInputName[] = SECRET_INPUTS.map((i) => i.variable),
  /** An expression: `value` when it is not empty, else `fallback`. */
  orElse: (value: string, fallback: string) => string = () => {
    throw new Error("secretEnvValues: the rabbitmq_uri input needs orElse (its value when set, else the URI built from the settings)");
  },
): Record<string, string> {
  const from = (env: string, input: SecretInputName): Record<string, string> => (inputs.includes(input) ? { [env]: ref(input) } : {});
  const built = `amqp://${encodeURIComponent(rabbitmq.username)}:${urlEncode(ref("rabbitmq_password"))}@${rabbitmq.host}:${rabbitmq.port}/${RABBITMQ_VHOST}`;
  return {
    [CHUTES_KEY_ENV]: ref("chutes_api_key"),
    API_JWT_SECRET: ref("api_jwt_secret"),
    API_JWT_REFRESH_SECRET: ref("api_jwt_refresh_secret"),
    NEXTAUTH_SECRET: ref("nextauth_secret"),
    WEB_NEXTAUTH_SECRET: ref("nextauth_secret"),
    API_CRYPTO_KEY: ref("api_crypto_key"),
    CODE_MANAGEMENT_SECRET: ref("code_management_secret"),
    CODE_MANAGEMENT_WEBHOOK_TOKEN: ref("code_management_webhook_token"),
    [STORE_PASSWORD_KEYS.postgres]: ref("postgres_password"),
    [STORE_PASSWORD_KEYS.mongodb]: ref("mongodb_password"),
    API_RABBITMQ_URI: inputs.includes("rabbitmq_uri") ? orElse(ref("rabbitmq_uri"), built) : built,
    ...from("API_MCP_MANAGER_ENCRYPTION_SECRET", "mcp_manager_encryption_secret"),
    ...from("MONGODB_URI", "mongodb_uri"),
    ...from("RESEND_API_KEY", "resend_api_key"),
    ...from("API_SMTP_PASS", "smtp_password"),
  };
}

/** The formats `npm run secrets` generates. */
export type GeneratedFormat = "base64" | "base64url" | "hex32" | "hex";
const GENERATED: readonly SecretFormat[] = ["base64", "base64url", "hex32", "hex"];
/** Whether `npm run secrets` (and the chart) generate this input's value. */
export function isGenerated(input: SecretInput): input is SecretInput & { readonly format: GeneratedFormat } {
  return GENERATED.includes(input.format) && !input.optional;
}

/** A fresh random value in the given format (the generator behind `npm run secrets`). */
export function generateSecretValue(format: GeneratedFormat, random: (bytes: number) => Buffer): string {
  switch (format) {
    case "base64":
      return random(32).toString("base64");
    case "base64url":
      return random(32).toString("base64url");
    case "hex32":
      return random(32).toString("hex");
    case "hex":
      return random(24).toString("hex");
  }
}
