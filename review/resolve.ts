/**
 * Static resolution of Terraform references inside a synthesized stack (cdk.tf.json), so a
 * review compares what Terraform will compute, not the text of the expressions: a pod
 * annotation `${sha256(jsonencode(kubernetes_config_map_v1.env-worker.data))}` changes when
 * that ConfigMap's data changes, `${var.secrets_revision}` when the variable's default does.
 *
 * Only configuration is known here (no state, no provider): references to computed attributes
 * stay as their address text, except a few well-known proxies (a docker_image's id follows its
 * name). Sensitive and ephemeral variables are never resolved: they stay `var.NAME`, so no
 * secret value can enter the model even if a default were given.
 */

/** A resource's configuration as synthesized. */
export type Attrs = Record<string, unknown>;

export interface TerraformVariable {
  readonly sensitive: boolean;
  readonly ephemeral: boolean;
  readonly default?: unknown;
}

export interface ResolveContext {
  /** type → logical name → attributes */
  readonly resources: Readonly<Record<string, Readonly<Record<string, Attrs>>>>;
  readonly variables: Readonly<Record<string, TerraformVariable>>;
}

/** Computed attributes with a configured attribute that changes exactly when they do. */
const COMPUTED_PROXIES: Record<string, Record<string, string>> = {
  docker_image: { image_id: "name", id: "name", repo_digest: "name" },
};

const REF = /(?<![\w.-])(var|local|[a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)/g;
const MAX_DEPTH = 6;

/** Variables a string refers to (`var.NAME`), in order of first appearance. */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** Whether a value refers to a sensitive or ephemeral variable anywhere inside it. */
export function refersToSecret(value: unknown, ctx: ResolveContext): boolean {
  if (typeof value === "string") return variablesIn(value).some((v) => isSecretVariable(v, ctx));
  if (Array.isArray(value)) return value.some((v) => refersToSecret(v, ctx));
  if (value !== null && typeof value === "object") return Object.values(value).some((v) => refersToSecret(v, ctx));
  return false;
}

export function isSecretVariable(name: string, ctx: ResolveContext): boolean {
  const v = ctx.variables[name];
  return v === undefined || v.sensitive || v.ephemeral; // unknown: treat as secret, never resolve
}

function walk(value: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const m of path.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (m[1] !== undefined) {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !(m[1] in (cur as object))) return { found: false };
      cur = (cur as Record<string, unknown>)[m[1]];
    } else {
      const i = Number(m[2]);
      // cdktf writes single nested blocks as objects; Terraform addresses them as [0].
      if (Array.isArray(cur)) {
        if (i >= cur.length) return { found: false };
        cur = cur[i];
      } else if (i !== 0 || cur === null || typeof cur !== "object") return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** Stable JSON: object keys sorted. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function resolveRef(kind: string, name: string, path: string, ctx: ResolveContext, depth: number): { ok: boolean; value?: unknown } {
  if (kind === "var") {
    const v = ctx.variables[name];
    if (v === undefined || v.sensitive || v.ephemeral || v.default === undefined) return { ok: false };
    return { ok: true, value: v.default };
  }
  if (kind === "local") return { ok: false };
  const attrs = ctx.resources[kind]?.[name];
  if (attrs === undefined) return { ok: false };
  let w = walk(attrs, path);
  if (!w.found) {
    const attr = /^\.([A-Za-z_][\w-]*)/.exec(path)?.[1];
    const proxy = attr ? COMPUTED_PROXIES[kind]?.[attr] : undefined;
    if (!proxy) return { ok: false };
    w = walk(attrs, `.${proxy}`);
    if (!w.found) return { ok: false };
  }
  return { ok: true, value: resolveValue(w.value, ctx, depth + 1) };
}

/**
 * Resolves every reference the context knows inside a value. A string that is exactly one
 * reference becomes the referenced value; references inside larger expressions are replaced by
 * their value's text. Unknown references (computed attributes, secrets) stay as written.
 */
export function resolveValue(value: unknown, ctx: ResolveContext, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === "string") return resolveString(value, ctx, depth);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx, depth));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, ctx, depth)]));
  }
  return value;
}

function resolveString(text: string, ctx: ResolveContext, depth: number): unknown {
  if (!text.includes("${")) return text;
  const whole = /^\$\{([^{}]*)\}$/.exec(text);
  if (whole) {
    const inner = whole[1].trim();
    const single = new RegExp(`^${REF.source}$`).exec(inner);
    if (single) {
      const r = resolveRef(single[1], single[2], single[3] ?? "", ctx, depth);
      if (r.ok) return r.value;
      return text;
    }
  }
  return text.replace(/\$\{([^{}]*)\}/g, (expr, inner: string) => {
    let changed = false;
    const out = inner.replace(REF, (ref, kind: string, name: string, path: string) => {
      const r = resolveRef(kind, name, path ?? "", ctx, depth);
      if (!r.ok) return ref;
      changed = true;
      return typeof r.value === "string" ? JSON.stringify(r.value) : stableJson(r.value);
    });
    if (!changed) return expr;
    // An interpolation of one constant is just its text.
    const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(out.trim());
    if (literal) return JSON.parse(`"${literal[1]}"`) as string;
    if (/^-?\d+(\.\d+)?$/.test(out.trim())) return out.trim();
    return "${" + out + "}";
  });
}
