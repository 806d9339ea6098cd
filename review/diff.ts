/**
 * The change between two deployment models, in reviewer terms: settings (llm.model,
 * kodus.version ...), per-component changes (replicas, image, resources, env, probes,
 * exposure, volumes), what restarts and why, what is replaced or destroyed and where data can
 * be lost. Pure: models in, a ReviewDiff out.
 */
import type { Component, DeploymentModel, EnvValue, Resource, StackModel } from "./model";
import { stableJson } from "./resolve";
import { DOCKER_CONTAINER_NOT_APPLIED, dataRisk, forcesReplacement, imageMajor, immutableInKubernetes, majorUpgradeAdvice } from "./rules";

export type Action = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly kind?: string;
  readonly name: string;
  readonly action: Action;
  /** Changed attribute paths (list indexes removed), sorted. */
  readonly paths: string[];
  /** The paths that force replacement (Terraform) or that Kubernetes refuses to update (Helm). */
  readonly forcing: string[];
  /** Set when stored data can be lost. */
  readonly dataRisk?: string;
  readonly notes: string[];
}

export interface Restart {
  readonly component: string;
  /** rolling restart, recreated (Docker), re-runs (Job). */
  readonly how: string;
  readonly reasons: string[];
}

export interface StackDiff {
  readonly name: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly platform: string;
  /** "llm.model `a` → `b`", "worker replicas 2 → 3", "API_X added to api, worker". */
  readonly changes: string[];
  readonly restarts: Restart[];
  readonly resources: ResourceChange[];
  /** Warnings that are not data loss (write-only Secret data not rewritten, a stack no longer synthesized ...). */
  readonly warnings: string[];
}

export interface ReviewDiff {
  readonly source: "cdktf" | "helm";
  readonly stacks: StackDiff[];
  /** Every change that can lose data, one line each. */
  readonly dataRisks: string[];
}

/* ------------------------------------------------------------------------------------------ */

/** Changed leaf paths between two values, with list indexes kept ("a.b[0].c"). */
export function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (stableJson(a) === stableJson(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length || !a.every(isObj) || !b.every(isObj)) return [prefix || "(value)"];
    return a.flatMap((x, i) => changedPaths(x, b[i], `${prefix}[${i}]`));
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    // Keys that are not identifiers (labels, annotations) are quoted: `metadata.labels["app.kubernetes.io/version"]`.
    const seg = (k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}[${JSON.stringify(k)}]`);
    return keys.flatMap((k) => changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seg(k)));
  }
  return [prefix || "(value)"];
}

const stripIndexes = (p: string) => p.replace(/\[\d+\]/g, "");
/** Path segments: identifiers and quoted keys. */
export const segments = (p: string): string[] =>
  [...p.matchAll(/\["((?:[^"\\]|\\.)*)"\]|[^.[\]]+/g)].map((m) => (m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[0]));
const uniqSorted = (xs: string[]) => [...new Set(xs)].sort();

/** Settings a reviewer recognises, derived from the components' environment. */
const SETTINGS: [string, string][] = [
  ["llm.model", "API_LLM_PROVIDER_MODEL"],
  ["llm.baseUrl", "API_OPENAI_FORCE_BASE_URL"],
  ["llm.temperature", "API_LLM_TEMPERATURE_OVERRIDE"],
  ["llm prefetch per worker", "WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH"],
  ["kodus.publicUrl", "NEXTAUTH_URL"],
];

function mostCommon(values: string[]): string | undefined {
  if (values.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
}

/** Derived settings of a stack: llm.model from API_LLM_PROVIDER_MODEL, kodus.version from the Kodus image tags ... */
export function settingsOf(stack: StackModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [setting, variable] of SETTINGS) {
    const values = stack.components
      .map((c) => c.env[variable])
      .filter((v): v is Extract<EnvValue, { kind: "plain" }> => v?.kind === "plain")
      .map((v) => v.value);
    const v = mostCommon(values);
    if (v !== undefined) out[setting] = v;
  }
  const tags = stack.components
    .flatMap((c) => c.images)
    .filter((i) => /kodus-ai-/.test(i) && i.includes(":"))
    .map((i) => i.slice(i.lastIndexOf(":") + 1));
  const version = mostCommon(tags);
  if (version !== undefined) out["kodus.version"] = version;
  return out;
}

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";
const envText = (v: EnvValue) => (v.kind === "plain" ? code(v.value) : `from ${v.source}`);

function componentChanges(base: Component, head: Component): string[] {
  const out: string[] = [];
  const n = head.label;
  if (base.replicas !== head.replicas) out.push(`${n} replicas ${base.replicas} → ${head.replicas}`);
  if (stableJson(base.images) !== stableJson(head.images))
    out.push(`${n} image ${base.images.map(code).join(", ")} → ${head.images.map(code).join(", ")}`);
  if (base.resources !== head.resources) out.push(`${n} resources ${base.resources} → ${head.resources}`);
  const list = (label: string, a: string[], b: string[]) => {
    const removed = a.filter((x) => !b.includes(x));
    const added = b.filter((x) => !a.includes(x));
    if (removed.length || added.length)
      out.push(`${n} ${label}: ${[...removed.map((x) => `− ${x}`), ...added.map((x) => `+ ${x}`)].join("; ")}`);
  };
  list("probes", base.probes, head.probes);
  list("exposure", base.exposure, head.exposure);
  list("volumes", base.volumes, head.volumes);
  if (base.kind !== head.kind) out.push(`${n} kind ${base.kind} → ${head.kind}`);
  return out;
}

/** "API_X added to api, worker (`v`)" lines, grouped over components. */
function envChanges(pairs: [Component | undefined, Component | undefined][]): string[] {
  const groups = new Map<string, string[]>();
  const add = (key: string, comp: string) => groups.set(key, [...(groups.get(key) ?? []), comp]);
  for (const [b, h] of pairs) {
    if (!b || !h) continue; // added/removed components are reported as such
    const names = [...new Set([...Object.keys(b.env), ...Object.keys(h.env)])].sort();
    for (const name of names) {
      const x = b.env[name];
      const y = h.env[name];
      if (!x && y) add(`${name} added to \u0000 (${envText(y)})`, h.label);
      else if (x && !y) add(`${name} removed from \u0000`, h.label);
      else if (x && y && stableJson(x) !== stableJson(y)) add(`${name} on \u0000: ${envText(x)} → ${envText(y)}`, h.label);
    }
  }
  return [...groups.entries()].map(([line, comps]) => line.replace("\u0000", uniqSorted(comps).join(", "))).sort();
}

function restartReasons(base: Component, head: Component): string[] {
  const paths = changedPaths(base.template, head.template).map(stripIndexes);
  const reasons = new Set<string>();
  for (const p of paths) {
    const seg = segments(p);
    const annotation = seg[0] === "metadata" && seg[1] === "annotations" ? seg[2] : undefined;
    if (p.endsWith(".image") || p === "image") reasons.add(`image ${base.images.join(", ")} → ${head.images.join(", ")}`);
    else if (annotation && /revision/i.test(annotation) && /secret/i.test(annotation)) {
      const get = (c: Component) => String(((c.template as Record<string, any>).metadata?.annotations ?? {})[annotation] ?? "unset");
      reasons.add(`secrets revision ${get(base)} → ${get(head)} (${annotation})`);
    } else if (annotation && /secret/i.test(annotation)) reasons.add(`secret values (${annotation})`);
    else if (annotation && /config|checksum/i.test(annotation)) {
      const maps =
        (head.template as Record<string, any>).spec?.container?.flatMap?.((c: any) =>
          (c.env_from ?? []).map((e: any) => e.config_map_ref?.name).filter(Boolean),
        ) ?? [];
      reasons.add(`config hash (${annotation}${maps.length ? `: ConfigMap ${maps.join(", ")} changed` : ""})`);
    } else if (annotation) reasons.add(`annotation ${annotation}`);
    else if (seg[0] === "metadata" && seg[1] === "labels") reasons.add(`pod label ${seg[2]}`);
    else if (seg.includes("env")) {
      const names = Object.keys({ ...base.env, ...head.env }).filter((k) => stableJson(base.env[k]) !== stableJson(head.env[k]));
      reasons.add(names.length ? `env ${names.join(", ")}` : "env");
    } else if (/\.resources\./.test(p)) reasons.add("resources");
    else if (/_probe\.|^healthcheck/.test(p)) reasons.add("probes");
    else
      reasons.add(
        p
          .replace(/^spec\./, "")
          .split(".")
          .slice(0, 2)
          .join("."),
      );
  }
  return [...reasons].sort();
}

function diffResources(base: StackModel | undefined, head: StackModel | undefined, source: "cdktf" | "helm"): ResourceChange[] {
  const b = new Map((base?.resources ?? []).map((r) => [r.address, r]));
  const h = new Map((head?.resources ?? []).map((r) => [r.address, r]));
  const addresses = [...new Set([...b.keys(), ...h.keys()])].sort();
  const dataComponents = new Set(
    [...(base?.components ?? []), ...(head?.components ?? [])].filter((c) => c.dataStore).map((c) => c.address),
  );
  // A data store whose image crosses a major version: the new server and the old data files.
  const baseComponents = new Map((base?.components ?? []).map((c) => [c.address, c]));
  const majorBumps = new Map<string, string>();
  for (const hc of head?.components ?? []) {
    const bc = baseComponents.get(hc.address);
    if (!bc || !(hc.dataStore || bc.dataStore)) continue;
    for (const [i, image] of hc.images.entries()) {
      const before = bc.images[i];
      const [from, to] = [before && imageMajor(before), imageMajor(image)];
      if (from && to && from !== to)
        majorBumps.set(hc.address, `its image moves to another major version (${before} → ${image}): ${majorUpgradeAdvice(image)}`);
    }
  }
  const out: ResourceChange[] = [];
  for (const address of addresses) {
    const x = b.get(address);
    const y = h.get(address);
    const r = (y ?? x) as Resource;
    let action: Action;
    let paths: string[] = [];
    let forcing: string[] = [];
    const notes: string[] = [];
    if (!x) action = "create";
    else if (!y) action = "delete";
    else {
      paths = uniqSorted(changedPaths(x.attrs, y.attrs).map(stripIndexes));
      if (paths.length === 0) continue;
      if (source === "cdktf") {
        forcing = paths.filter((p) => forcesReplacement(r.type, p, y.attrs));
        action = forcing.length ? "replace" : "update";
        if (r.type === "docker_container") {
          const ignored = paths.filter((p) => DOCKER_CONTAINER_NOT_APPLIED.includes(p.split(".")[0]));
          if (ignored.length && !forcing.length)
            notes.push(
              `${uniqSorted(ignored.map((p) => p.split(".")[0])).join(", ")} change is stored in state but not applied to the running container (the provider neither updates nor replaces it): recreate the container to apply it`,
            );
        }
      } else {
        forcing = r.kind === "Job" ? [] : paths.filter((p) => immutableInKubernetes(r.kind ?? r.type, p));
        action = "update";
        if (forcing.length)
          notes.push(
            `Kubernetes refuses to change ${forcing.join(", ")} in place: helm upgrade fails until the object is deleted and recreated`,
          );
      }
    }
    let risk: string | undefined;
    if (action === "delete" || action === "replace") risk = dataRisk(r.type, r.kind, r.attrs, action);
    if (
      !risk &&
      source === "helm" &&
      forcing.length &&
      r.kind === "StatefulSet" &&
      forcing.some((p) => p.startsWith("spec.volume_claim_template"))
    ) {
      risk =
        "its claim template changes: existing claims are never resized or moved, and recreating the StatefulSet with a renamed template starts on new, empty volumes";
    }
    if (!risk && majorBumps.has(address)) risk = majorBumps.get(address);
    if (!risk && action === "replace" && r.type === "docker_container" && dataComponents.has(address)) {
      // The data lives in named volumes, which a replaced container keeps: a restart, not a loss.
      notes.push("a data-store container is replaced (downtime while it restarts); its named volumes and their data are kept");
    }
    if (!risk && action === "delete" && r.type === "docker_container" && dataComponents.has(address)) {
      notes.push("a data-store container is removed (its named volumes stay unless they are removed too)");
    }
    if (source === "cdktf" && action === "update" && r.kind === "Secret" && y && x) {
      const changedWo = paths.filter((p) => p.startsWith("data_wo."));
      if (changedWo.length && !paths.includes("data_wo_revision")) {
        notes.push(
          `write-only data changes (${uniqSorted(changedWo.map((p) => p.split(".")[1])).join(", ")}) but data_wo_revision does not: Terraform will not rewrite the Secret; bump secrets_revision with this deploy`,
        );
      }
    }
    out.push({
      address,
      type: r.type,
      ...(r.kind ? { kind: r.kind } : {}),
      name: r.name,
      action,
      paths,
      forcing,
      ...(risk ? { dataRisk: risk } : {}),
      notes,
    });
  }
  return out;
}

function diffStack(base: StackModel | undefined, head: StackModel | undefined, source: "cdktf" | "helm"): StackDiff {
  const s = (head ?? base) as StackModel;
  const resources = diffResources(base, head, source);
  const changes: string[] = [];
  const warnings: string[] = [];
  const restarts: Restart[] = [];
  if (!base || !head) {
    const comps = s.components.map((c) => c.label);
    changes.push(`stack ${code(s.name)} ${!base ? "added" : "removed"}${comps.length ? ` (${comps.join(", ")})` : ""}`);
    if (!head && source === "cdktf") {
      warnings.push(
        `stack ${code(s.name)} is no longer synthesized: \`cdktf deploy\` neither updates nor destroys it, its resources keep running unmanaged. If they should go, destroy it from the base commit, where it still synthesizes (\`npx cdktf destroy ${s.name}\` fails on this branch: "Could not find stack"): \`git worktree add ../before <base> && cd ../before && npm ci && npx cdktf destroy ${s.name}\`, or \`terraform -chdir=cdktf.out/stacks/${s.name} destroy\` in a synth of the base${
          resources.some((r) => r.dataRisk)
            ? " (that deletes its data: " +
              resources
                .filter((r) => r.dataRisk)
                .map((r) => code(r.address))
                .join(", ") +
              ")"
            : ""
        }.`,
      );
      // Nothing is destroyed by this change itself.
      return { name: s.name, status: "removed", platform: s.platform, changes, restarts, resources: [], warnings };
    }
    return { name: s.name, status: !base ? "added" : "removed", platform: s.platform, changes, restarts, resources, warnings };
  }

  // settings
  const sb = settingsOf(base);
  const sh = settingsOf(head);
  for (const k of [...new Set([...Object.keys(sb), ...Object.keys(sh)])].sort()) {
    if (sb[k] !== sh[k])
      changes.push(`${k} ${sb[k] === undefined ? "unset" : code(sb[k])} → ${sh[k] === undefined ? "unset" : code(sh[k])}`);
  }
  if (base.backend !== head.backend) {
    warnings.push(
      `backend ${base.backend ?? "none"} → ${head.backend ?? "none"}: Terraform must migrate the state (\`terraform init -migrate-state\` in the stack directory), or it will plan to create everything anew`,
    );
  }
  // variables (non-secret defaults only)
  for (const v of [...new Set([...Object.keys(base.variables), ...Object.keys(head.variables)])].sort()) {
    const x = base.variables[v];
    const y = head.variables[v];
    if (!x)
      changes.push(
        `variable ${code(v)} added${y.sensitive || y.ephemeral ? " (secret)" : y.default !== undefined ? ` (default ${code(stableJson(y.default))})` : " (no default: the deploy must set it)"}`,
      );
    else if (!y) changes.push(`variable ${code(v)} removed`);
    else if (!(y.sensitive || y.ephemeral) && stableJson(x.default) !== stableJson(y.default)) {
      changes.push(
        `variable ${code(v)} default ${x.default === undefined ? "none" : code(stableJson(x.default))} → ${y.default === undefined ? "none" : code(stableJson(y.default))}`,
      );
    }
  }

  // components
  const cb = new Map(base.components.map((c) => [c.address, c]));
  const ch = new Map(head.components.map((c) => [c.address, c]));
  const addresses = [...new Set([...cb.keys(), ...ch.keys()])];
  const pairs: [Component | undefined, Component | undefined][] = addresses.map((a) => [cb.get(a), ch.get(a)]);
  pairs.sort((p, q) => (p[1] ?? p[0])!.label.localeCompare((q[1] ?? q[0])!.label));
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  for (const [b, h] of pairs) {
    if (!b && h) changes.push(`${h.label} added (${h.kind} ${code(h.objectName)})`);
    else if (b && !h) changes.push(`${b.label} removed (${b.kind} ${code(b.objectName)})`);
    else if (b && h) {
      changes.push(...componentChanges(b, h));
      const rc = byAddress.get(h.address);
      if (rc && stableJson(b.template) !== stableJson(h.template)) {
        const reasons = restartReasons(b, h);
        if (rc.action === "replace") {
          const how =
            h.kind === "Job"
              ? "re-runs (Job replaced)"
              : h.kind === "container"
                ? "recreated (container replaced: downtime)"
                : `recreated (${h.kind} replaced)`;
          restarts.push({ component: h.label, how, reasons });
        } else if (rc.action === "update" && h.kind !== "Job" && h.kind !== "CronJob") {
          restarts.push({ component: h.label, how: h.kind === "container" ? "updated in place" : "rolling restart", reasons });
        } else if (rc.action === "update" && h.kind === "Job" && source === "helm") {
          restarts.push({ component: h.label, how: "re-runs with the new spec", reasons });
        } else if (h.kind === "CronJob") restarts.push({ component: h.label, how: "next scheduled run uses the new spec", reasons });
      } else if (rc?.action === "replace") {
        restarts.push({
          component: h.label,
          how: h.kind === "Job" ? "re-runs (Job replaced)" : "recreated",
          reasons: rc.forcing.map((p) => `${p} changed`),
        });
      }
    }
  }
  changes.push(...envChanges(pairs));
  for (const r of resources) warnings.push(...r.notes.map((n) => `${code(r.address)}: ${n}`));
  const any = changes.length || restarts.length || resources.length || warnings.length;
  return {
    name: s.name,
    status: any ? "changed" : "unchanged",
    platform: s.platform,
    changes,
    restarts: restarts.sort((a, b) => a.component.localeCompare(b.component)),
    resources,
    warnings,
  };
}

export function diffModels(base: DeploymentModel, head: DeploymentModel): ReviewDiff {
  const b = new Map(base.stacks.map((s) => [s.name, s]));
  const h = new Map(head.stacks.map((s) => [s.name, s]));
  const names = [...new Set([...b.keys(), ...h.keys()])].sort();
  const stacks = names.map((n) => diffStack(b.get(n), h.get(n), head.source));
  const renames = renamedStacks(base, head);
  for (const [from, to] of renames) {
    for (const st of stacks) {
      if (st.name !== from && st.name !== to) continue;
      st.warnings.splice(0, st.warnings.length);
      st.resources.splice(0, st.resources.length);
    }
  }
  const dataRisks = stacks.flatMap((s) =>
    s.resources
      .filter((r) => r.dataRisk)
      .map(
        (r) =>
          `${s.name}: ${r.address} (${r.kind ?? r.type} ${r.name}) ${r.action === "delete" ? "destroyed" : r.action === "replace" ? "replaced" : "changed"}: ${r.dataRisk}`,
      ),
  );
  for (const [from, to] of renames) {
    dataRisks.push(
      `stack ${from} → ${to}: the environment (the stack name, hence its Terraform state key) changed, while the objects keep their names${
        head.stacks.find((x) => x.name === to)?.platform === "docker"
          ? " and Docker's named volumes (which `docker volume create` reuses silently)"
          : ""
      }: the new stack would start with an empty state over the running objects and share their data, and destroying the old stack deletes that data. Do not destroy ${from}. Move its state instead: with the local backend rename terraform.${from}.tfstate to terraform.${to}.tfstate; with a remote backend copy the state to the new key (\`terraform state pull\` in the old stack directory, \`terraform state push\` in the new one) before the first deploy, or keep the old environment name`,
    );
  }
  return { source: head.source, stacks, dataRisks };
}

/**
 * Stacks that were renamed rather than replaced: one removed and one added on the same platform
 * whose objects carry the same names (an `environment` rename changes the stack name and its
 * state key, not the object names). Pairs [removed, added].
 */
export function renamedStacks(base: DeploymentModel, head: DeploymentModel): [string, string][] {
  const headNames = new Set(head.stacks.map((s) => s.name));
  const baseNames = new Set(base.stacks.map((s) => s.name));
  const removed = base.stacks.filter((s) => !headNames.has(s.name));
  const added = head.stacks.filter((s) => !baseNames.has(s.name));
  const objectNames = (st: StackModel) => new Set(st.resources.map((r) => `${r.type} ${r.name}`));
  const pairs: [string, string][] = [];
  for (const r of removed) {
    const names = objectNames(r);
    const match = added.find((a) => {
      if (a.platform !== r.platform) return false;
      const shared = [...objectNames(a)].filter((n) => names.has(n)).length;
      return shared > 0 && shared >= Math.min(names.size, objectNames(a).size) / 2;
    });
    if (match) pairs.push([r.name, match.name]);
  }
  return pairs;
}
