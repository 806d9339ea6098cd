/**
 * Reads the configuration file once, at the edge, and turns it into a frozen, typed Config.
 * Every problem is reported at once, one line each, naming the dotted path, the bad value
 * (unless it looks like a secret) and what is allowed.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { CHUTES_KEY_SEARCH, maskChutesKeys } from "../contract/secrets";
import { keyShapedProblems } from "./no-secrets";
import { configSchema, inputProblems, type Config } from "./schema";

export const DEFAULT_CONFIG_FILE = "kodus.config.yaml";

/** A config that cannot be used; `problems` holds one human-readable line per problem. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Which file to read: `KODUS_CONFIG` (relative to the working directory), else
 * `kodus.config.yaml` in the project root if it exists, else none (built-in defaults).
 */
export function resolveConfigPath(env: Readonly<Record<string, string | undefined>>, projectRoot: string, cwd: string): string | undefined {
  const named = env.KODUS_CONFIG;
  if (named !== undefined && named.trim() !== "") return isAbsolute(named) ? named : resolve(cwd, named);
  const fallback = resolve(projectRoot, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

/** Loads and validates a config file; with no path, the built-in defaults. */
export function loadConfig(path: string | undefined): Config {
  if (path === undefined) return parseConfig({}, "built-in defaults");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message;
    throw new ConfigError(path, [`cannot read ${path}: ${reason}`]);
  }
  return parseConfigText(text, path);
}

/** Parses YAML (or JSON, which is YAML) text and validates it. */
export function parseConfigText(text: string, source: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const line = e.linePos?.[0];
        const where = line ? `${source}:${line.line}:${line.col}` : source;
        return maskChutesKeys(`${where}: YAML syntax error: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
      }),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  return parseConfig(data, source);
}

/** Validates already-parsed data against the one schema and freezes the result. */
export function parseConfig(data: unknown, source: string): Config {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(source, ["(top level): must be a mapping of sections (llm, kodus, docker, kubernetes, healthcheck)"]);
  }
  // The one rule over every string of the file (config/no-secrets.ts): its lines come first, and
  // any other problem at or under such a field is left out (it would only repeat the field).
  const keyShaped = keyShapedProblems(data);
  const covered = (path: readonly PropertyKey[]) => keyShaped.some((k) => k.path.every((part, i) => String(path[i]) === String(part)));
  const result = configSchema.safeParse(data, { reportInput: true });
  const issues = result.success ? [] : onePerPath(result.error.issues).filter((issue) => !covered(issue.path));
  const problems = [
    ...keyShaped.map((k) => k.line),
    ...issues.flatMap(describeIssue),
    ...inputProblems(data)
      .filter((p) => !covered(p.path))
      .map((p) => `${p.path.join(".")}: ${p.message}`),
  ].map(maskChutesKeys); // nothing of a key reaches a problem line, even through a path or a message
  if (!result.success || problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(result.data) as Config;
}

/** One problem per field: a value that breaks several checks (huge numbers: int and max) is reported once. */
function onePerPath(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (issue.code === "unrecognized_keys") return true;
    const key = issue.path.map(String).join(".");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;
const TYPE_NAMES: Record<string, string> = {
  object: "a mapping (key: value lines)",
  array: "a list",
  string: "a string",
  number: "a number",
  boolean: "true or false",
};

/** Our own wording for the checks whose message the schema leaves to zod. */
function plainMessage(issue: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "too_small":
      return issue.origin === "string" && Number(issue.minimum) === 1 ? "must not be empty" : `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_format":
      return issue.format === "regex" && "pattern" in issue
        ? `has an invalid format (allowed: ${String(issue.pattern)})`
        : `must be a valid ${issue.format}`;
    default:
      return "has an invalid value";
  }
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path.map(String));
    // A key-shaped key has its own line already (keyShapedProblems).
    return issue.keys
      .filter((key) => !CHUTES_KEY_SEARCH.test(key))
      .map((key) => `${path ? `${path}.` : ""}${key}: unknown key${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`);
  }
  let message = plainMessage(issue);
  if (issue.code === "invalid_type" && issue.input === undefined) message = `is required (${message})`;
  if (issue.code === "invalid_value") message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  const got = "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? ` (got ${showValue(issue.input)})` : "";
  return [`${path || "(top level)"}: ${message}${got}`];
}

/** Shows a rejected value, unless it looks like a credential someone pasted in the wrong place. */
function showValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return "a number too large to represent";
  // Credentials inside a URL are masked, whatever else is wrong with the value.
  if (typeof value === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/.test(value))
    return JSON.stringify(value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, "$1***@"));
  const text = JSON.stringify(value);
  return /(cpk_|sk-|Bearer\s)/i.test(text) || (typeof value === "string" && value.length > 40 && /^[A-Za-z0-9+/=._-]+$/.test(value))
    ? "a value that looks like a secret, not shown"
    : text;
}

/** The keys an object in the schema accepts, found by walking the schema along `path`. */
function allowedKeysAt(path: readonly string[]): string[] | undefined {
  let node: unknown = configSchema;
  for (const key of [...path, ""]) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (shape === undefined) return undefined;
    if (key === "") return Object.keys(shape);
    node = shape[key];
  }
  return undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema as { _zod?: { def: { innerType?: unknown; in?: unknown } } };
  while (current?._zod?.def.innerType !== undefined || current?._zod?.def.in !== undefined) {
    current = (current._zod!.def.innerType ?? current._zod!.def.in) as typeof current;
  }
  return current;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
