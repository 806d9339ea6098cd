/**
 * npm run secrets -- [command] [--out FILE] [--no-check]
 *
 *   (no command) | init    first set-up: every missing secret is generated; the Chutes key is
 *                          taken from CHUTES_API_KEY. Values already in the file are kept.
 *   rotate chutes_api_key  replace the Chutes key with CHUTES_API_KEY
 *   rotate NAME            replace one generated secret with a fresh random value
 *   bump                   bump secrets_revision only (a Secret you manage changed: mode existing)
 *
 * The file is a git-ignored Terraform var file (default kodus.secrets.auto.tfvars.json in the
 * project root; cdktf passes every *.auto.tfvars.json there to each `cdktf deploy`). Every
 * rotation also bumps `secrets_revision` in it: the Kubernetes stack needs the bump to rewrite
 * its write-only Secrets and roll the pods, and both stacks show it as an output.
 *
 * A new Chutes key is format-checked and then probed against Chutes (the probe the stacks
 * deploy, with the config's llm.baseUrl and llm.model) before it is written: on a Docker host,
 * Terraform replaces the Kodus containers whose environment changes before it re-runs the
 * on-host preflight, so this is where a rejected key must stop. --no-check skips the probe.
 *
 * Writes are atomic (temporary file + rename) with mode 0600. No secret value is ever printed:
 * errors name the file and the problem, never the content.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, resolveConfigPath } from "../config/load";
import type { Config } from "../config/schema";
import { stackName } from "../config/state-backend";
import {
  CHUTES_KEY_FORMAT,
  SECRETS_REVISION_VARIABLE,
  SECRET_INPUTS,
  generateSecretValue,
  isGenerated,
  type SecretInput,
  type SecretInputName,
} from "../contract/secrets";
import { preflightSettings, probeEnv, probeSettingsFor } from "../probe/probe-program";
import { redactSecrets, runAsMain, runProbeProcess, type ProbeCliContext } from "./cli";

/** Encryption keys of stored data: a new one cannot read what the old one wrote. */
const NEVER_ROTATED: readonly string[] = ["api_crypto_key", "mcp_manager_encryption_secret"];

export const DEFAULT_SECRETS_FILE = "kodus.secrets.auto.tfvars.json";
/**
 * With an `environment` in the config the default file is per environment, and not an
 * `*.auto.tfvars.json`: cdktf hands every such file in the project root to every stack, so one
 * auto file would give staging and production the same JWT secrets, crypto key and passwords.
 */
export const environmentSecretsFile = (environment: string): string => `secrets/${environment}.tfvars.json`;
const PROJECT_ROOT = resolve(__dirname, "..");

export const USAGE = `Usage: npm run secrets -- [command] [--out FILE] [--no-check]
  (none) or init          first set-up: generate every missing secret; the Chutes key comes from
                          CHUTES_API_KEY. Values already in the file are kept.
  rotate chutes_api_key   replace the Chutes key with CHUTES_API_KEY (checked against Chutes first)
  rotate NAME             replace one generated secret with a fresh random value; NAME is one of
                          ${SECRET_INPUTS.filter((i) => isGenerated(i) && !NEVER_ROTATED.includes(i.variable))
                            .map((i) => i.variable)
                            .join(", ")}
  bump                    bump ${SECRETS_REVISION_VARIABLE} only (after your own secret store changed the Secret)
  --out FILE              the var file (default ${DEFAULT_SECRETS_FILE} in the project root; with an
                          environment in the config, ${environmentSecretsFile("<environment>")})
  --no-check              do not probe Chutes with a new key (e.g. no egress from this machine)
Every rotation bumps ${SECRETS_REVISION_VARIABLE}. Each command prints the deploy command to run next.
No value is ever printed.`;

/** A problem to report: names the file and what is wrong, never a value. */
export class SecretsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export type SecretsFile = Record<string, string | number>;

/** Fills in every missing secret (first set-up); never changes a value already there. */
export function fillSecrets(existing: SecretsFile, chutesKey: string | undefined): { values: SecretsFile; added: string[] } {
  const values: SecretsFile = { ...existing };
  const added: string[] = [];
  for (const input of SECRET_INPUTS as readonly SecretInput[]) {
    if (values[input.variable]) continue;
    if (input.format === "provided") {
      if (!chutesKey) continue;
      values[input.variable] = chutesKey;
    } else if (isGenerated(input)) {
      values[input.variable] = generateSecretValue(input.format, randomBytes);
    } else {
      continue; // optional inputs you give yourself (connection strings, e-mail credentials)
    }
    added.push(input.variable);
  }
  return { values, added };
}

/** Replaces one secret and bumps the revision; returns the new file content and the new revision. */
export function rotateSecret(
  existing: SecretsFile,
  name: SecretInputName,
  chutesKey: string | undefined,
): { values: SecretsFile; revision: number; previousRevision: number } {
  const input: SecretInput = SECRET_INPUTS.find((i) => i.variable === name)!;
  const values: SecretsFile = { ...existing };
  if (input.format === "provided") {
    if (!chutesKey)
      throw new SecretsError("rotate chutes_api_key: set the new key in the CHUTES_API_KEY environment variable (never as an argument)", 2);
    if (existing.chutes_api_key === chutesKey)
      throw new SecretsError("rotate chutes_api_key: CHUTES_API_KEY is the key already in the file: nothing to rotate");
    values.chutes_api_key = chutesKey;
  } else if (isGenerated(input)) {
    values[name] = generateSecretValue(input.format, randomBytes);
  } else {
    throw new SecretsError(`rotate ${name}: you give this value yourself: change it in the var file, then run: npm run secrets -- bump`, 2);
  }
  const previousRevision = revisionIn(existing);
  values[SECRETS_REVISION_VARIABLE] = previousRevision + 1;
  return { values, revision: previousRevision + 1, previousRevision };
}

/** The secrets revision a var file holds (the variable's default, 1, when it holds none). */
function revisionIn(file: SecretsFile): number {
  const revision = file[SECRETS_REVISION_VARIABLE];
  return typeof revision === "number" ? revision : 1;
}

/** The Chutes key as given, trimmed and checked against the shape Chutes issues (cpk_ + three dot-separated parts). */
export function checkChutesKeyFormat(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const key = raw.trim();
  if (!CHUTES_KEY_FORMAT.test(key)) {
    throw new SecretsError(
      `CHUTES_API_KEY does not look like a Chutes API key (${key.length} characters; expected "cpk_" followed by three dot-separated parts, no spaces): value not shown`,
      2,
    );
  }
  return key;
}

/** Reads and checks the var file; every error names the file and the problem, never content. */
export function readSecretsFile(file: string): SecretsFile {
  if (!existsSync(file)) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new SecretsError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (text.trim() === "") return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // JSON.parse messages can quote the text around the error: report only where it is.
    const position = /position (\d+)/.exec((err as Error).message);
    const where = position ? ` at line ${text.slice(0, Number(position[1])).split("\n").length}` : "";
    throw new SecretsError(`${file}: not valid JSON${where}; fix or restore the file (content not shown)`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new SecretsError(`${file}: must be a JSON object of variable names to values`);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === SECRETS_REVISION_VARIABLE) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
        problems.push(`${SECRETS_REVISION_VARIABLE} must be a whole number >= 1`);
    } else if (typeof value !== "string") {
      problems.push(`${key} must be a string`);
    }
  }
  if (problems.length > 0) throw new SecretsError(`${file}: ${problems.join("; ")} (values not shown)`);
  return data as SecretsFile;
}

/** Writes the file atomically with mode 0600: a temporary file in the same folder, fsync, rename. */
export function writeSecretsFile(file: string, values: SecretsFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // --out secrets/prod.tfvars.json on a fresh checkout
  const tmp = resolve(dirname(file), `.${Date.now()}-${process.pid}.secrets.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(values, null, 2)}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  chmodSync(tmp, 0o600); // whatever the umask
  renameSync(tmp, file);
}

/** Runs the deployed probe against Chutes with `key`, using the config's base URL and model. */
async function probeKey(key: string, context: ProbeCliContext): Promise<{ ok: boolean; status?: string; summary: string }> {
  const { env: processEnv, cwd, runProbe = runProbeProcess } = context;
  let env: Record<string, string>;
  try {
    env = probeEnv(preflightSettings(probeSettingsFor(loadConfig(resolveConfigPath(processEnv, PROJECT_ROOT, cwd)))));
  } catch (err) {
    if (err instanceof ConfigError) throw new SecretsError(`cannot check the key: ${err.message}`, 2);
    throw err;
  }
  const r = await runProbe([], { ...processEnv, ...env, CHUTES_API_KEY: key }, { timeoutMs: 120_000 });
  // The probe redacts the key from its line; parse it and show only status, detail and hint.
  let line: { status?: string; detail?: string; hint?: string };
  try {
    line = JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    line = { status: "probe_failed", detail: `the probe exited ${r.code ?? r.signal}` };
  }
  // Redacted (every 12-character run of the key, Bearer and cpk_ tokens) before anything is cut or printed.
  const text = redactSecrets([line.status, line.detail, line.hint].filter(Boolean).join(": "), [key, processEnv.CHUTES_API_KEY]);
  return { ok: r.code === 0, status: line.status, summary: `${text} (${env.PROBE_MODEL} at ${env.PROBE_BASE_URL})` };
}

/**
 * The deploy command(s) to run next, as the user must type them: the config's real stack names
 * (`kubernetes-prod` with `environment: prod`), that environment's output folder, and
 * `--var-file` unless the file is an auto var file in the project root (which cdktf passes itself).
 */
export function nextDeployCommand(config: Config | undefined, file: string, stacks?: readonly ("docker" | "kubernetes")[]): string {
  const bases = stacks ?? (config ? (["kubernetes", "docker"] as const).filter((b) => config[b].enabled) : ["kubernetes", "docker"]);
  const environment = config?.environment;
  const flags = [
    ...(environment === undefined ? [] : ["--output", `cdktf.out.${environment}`]),
    ...(dirname(file) === PROJECT_ROOT && file.endsWith(".auto.tfvars.json") ? [] : ["--var-file", shellPath(file)]),
  ];
  return `Next: ${bases.map((b) => ["npx cdktf deploy", stackName(b, environment), ...flags].join(" ")).join("   (and/or: ")}${bases.length > 1 ? ")" : ""}`;
}

/** A path as the user types it from the project root (where npx cdktf runs). */
const shellPath = (file: string): string => {
  const rel = relative(PROJECT_ROOT, file);
  return rel.startsWith("..") ? file : rel;
};

/** The config, or undefined when it cannot be read (its errors are the deploy's to report). */
function tryLoadConfig(context: ProbeCliContext): Config | undefined {
  try {
    return loadConfig(resolveConfigPath(context.env, PROJECT_ROOT, context.cwd));
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

/** Statuses where Chutes never judged the key: nothing reached it, or it answered off the API. */
const NO_VERDICT = /^(network_error|timeout|redirect|probe_failed|config_error)$/;

async function main(argv: readonly string[], context: ProbeCliContext): Promise<string[]> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: "string" }, "no-check": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    // parseArgs names the flag, never a value of ours; keep only its first sentence.
    throw new SecretsError(`${(err as Error).message.split(". ")[0]}\n${USAGE}`, 2);
  }
  const { values: args, positionals } = parsed;
  if (args.help) return [USAGE];
  const [command = "init", name, ...extra] = positionals;
  if (extra.length > 0 || !["init", "rotate", "bump"].includes(command) || (command !== "rotate" && name !== undefined)) {
    throw new SecretsError(`unexpected arguments\n${USAGE}`, 2);
  }
  const config = tryLoadConfig(context);
  const defaultFile = config?.environment === undefined ? DEFAULT_SECRETS_FILE : environmentSecretsFile(config.environment);
  const file = resolve(context.cwd, args.out ?? resolve(PROJECT_ROOT, defaultFile));
  const existing = readSecretsFile(file);
  const chutesKey = checkChutesKeyFormat(context.env.CHUTES_API_KEY);
  const out: string[] = [];
  const check = async (key: string): Promise<void> => {
    if (args["no-check"]) {
      out.push("Chutes check skipped (--no-check): the deploy's preflight is the first check of this key");
      return;
    }
    const result = await probeKey(key, context);
    if (!result.ok && NO_VERDICT.test(result.status ?? ""))
      throw new SecretsError(
        `${file}: not changed: the key could not be checked, Chutes gave no verdict on it: ${result.summary}. Fix the egress from this machine, or write the key unchecked with --no-check (the deploy's preflight then checks it)`,
      );
    if (!result.ok) throw new SecretsError(`${file}: not changed: Chutes does not accept the new key: ${result.summary}`);
    out.push(`Chutes accepts the key: ${result.summary}`);
  };

  if (command === "init") {
    if (chutesKey && existing.chutes_api_key && existing.chutes_api_key !== chutesKey) {
      throw new SecretsError(
        `${file}: already holds a different chutes_api_key; to replace it run: CHUTES_API_KEY=... npm run secrets -- rotate chutes_api_key`,
      );
    }
    const { values, added } = fillSecrets(existing, chutesKey);
    if (added.includes("chutes_api_key")) await check(chutesKey!);
    // Secrets added to a file that was already deployed (an upgrade brought a new secret input):
    // the Kubernetes stack rewrites its write-only Secret only when the revision changes.
    const deployedBefore = Object.keys(existing).some((k) => k !== SECRETS_REVISION_VARIABLE);
    const previousRevision = revisionIn(existing);
    if (added.length > 0 && deployedBefore) values[SECRETS_REVISION_VARIABLE] = previousRevision + 1;
    if (added.length > 0) writeSecretsFile(file, values);
    else if (existsSync(file) && (statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
    out.push(
      `${file}: ${added.length ? `added ${added.join(", ")}` : "complete, nothing to add"}${
        added.length > 0 && deployedBefore
          ? `; ${SECRETS_REVISION_VARIABLE} ${previousRevision} -> ${previousRevision + 1} (the Kubernetes Secret is rewritten with them)`
          : ""
      } (values not shown; keep this file out of git)`,
    );
    if (!values.chutes_api_key)
      out.push("chutes_api_key is not set yet: run CHUTES_API_KEY=cpk_... npm run secrets (or set TF_VAR_chutes_api_key when you deploy).");
    if (config?.environment !== undefined && args.out === undefined && existsSync(resolve(PROJECT_ROOT, DEFAULT_SECRETS_FILE)))
      out.push(
        `Warning: ${DEFAULT_SECRETS_FILE} exists too: cdktf passes it to every stack of every environment (a --var-file given after it wins only for the names both set). Move its values into per-environment files and delete it.`,
      );
    out.push(nextDeployCommand(config, file));
    return out;
  }

  if (command === "bump") {
    if (!existsSync(file))
      throw new SecretsError(`${file}: does not exist; run the first set-up first: CHUTES_API_KEY=... npm run secrets`);
    const previous = revisionIn(existing);
    writeSecretsFile(file, { ...existing, [SECRETS_REVISION_VARIABLE]: previous + 1 });
    return [`${file}: ${SECRETS_REVISION_VARIABLE} ${previous} -> ${previous + 1}`, nextDeployCommand(config, file, ["kubernetes"])];
  }

  const input = SECRET_INPUTS.find((i) => i.variable === name);
  if (!input) throw new SecretsError(`rotate: ${name === undefined ? "name the secret to rotate" : "unknown secret name"}\n${USAGE}`, 2);
  if (NEVER_ROTATED.includes(input.variable)) {
    throw new SecretsError(
      `rotate ${input.variable}: refused: Kodus encrypts stored credentials with it, and a new key cannot read them; it must never change after the first deploy`,
    );
  }
  if (!existsSync(file)) throw new SecretsError(`${file}: does not exist; run the first set-up first: CHUTES_API_KEY=... npm run secrets`);
  const { values, revision, previousRevision } = rotateSecret(existing, input.variable, chutesKey);
  if (input.format === "provided") await check(chutesKey!);
  writeSecretsFile(file, values);
  out.push(`${file}: rotated ${input.variable}; ${SECRETS_REVISION_VARIABLE} ${previousRevision} -> ${revision} (values not shown)`);
  if (/^(postgres|mongodb|rabbitmq)_password$/.test(input.variable)) {
    out.push(
      `Before deploying: set the new ${input.variable} inside the store itself; the store reads the variable only when its volume is first initialized.`,
    );
  }
  out.push(nextDeployCommand(config, file));
  return out;
}

/** `npm run secrets`: prints what was done (never a value) and returns the exit code. */
export async function run(argv: readonly string[], context: ProbeCliContext): Promise<number> {
  try {
    for (const line of await main(argv, context)) context.stdout(`${redactSecrets(line, [context.env.CHUTES_API_KEY])}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof SecretsError)) {
      // Unexpected: name the kind of failure only (a message could quote file content).
      context.stderr(
        `npm run secrets: unexpected ${(err as Error).name ?? "error"}${(err as NodeJS.ErrnoException).code ? ` (${(err as NodeJS.ErrnoException).code})` : ""}\n`,
      );
      return 1;
    }
    context.stderr(`npm run secrets: ${redactSecrets(err.message, [context.env.CHUTES_API_KEY])}\n`);
    return err.exitCode;
  }
}

if (require.main === module) runAsMain(run);
