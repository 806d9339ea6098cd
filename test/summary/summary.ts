/**
 * A compact, stable text of what a stack or the chart deploys, for the summary snapshots: per
 * component its kind, image, replicas, resources, env names with their source (a literal value,
 * or the Secret/variable it comes from, never a secret value), probes, exposure, volumes and
 * the pod's security settings. Built on the review's model (review/model.ts), which already
 * resolves references and never resolves a secret. Long values (the embedded probe source, a
 * config file) appear as a short hash, so a probe edit changes one line, not hundreds.
 */
import { createHash } from "node:crypto";
import type { Component, StackModel } from "../../review/model";

const MAX_LITERAL = 80;
const short = (value: string): string =>
  value.length <= MAX_LITERAL && !value.includes("\n")
    ? JSON.stringify(value)
    : `<${value.length} chars, sha256 ${createHash("sha256").update(value).digest("hex").slice(0, 12)}>`;

/** The security settings of a pod template or Docker container, as `key=value` words. */
function security(template: unknown): string[] {
  const out = new Set<string>();
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, path));
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      const key = k.replace(/-/g, "_");
      if (/^(security_context|pod_security_context|securityContext)$/.test(key) && v && typeof v === "object") {
        for (const [sk, sv] of Object.entries(flatten(v))) out.add(`${sk}=${sv}`);
      } else if (
        /^(read_only|privileged|user|cap_drop|capabilities|security_opts|automount_service_account_token|automountServiceAccountToken|host_network|hostNetwork)$/.test(
          key,
        )
      ) {
        out.add(`${key}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
      } else visit(v, `${path}.${k}`);
    }
  };
  visit(template, "");
  return [...out].sort();
}

function flatten(node: unknown, prefix = ""): Record<string, string> {
  if (Array.isArray(node)) {
    const allScalars = node.every((n) => typeof n !== "object" || n === null);
    if (allScalars) return { [prefix]: JSON.stringify(node) };
    return Object.assign({}, ...node.map((n, i) => flatten(n, `${prefix}[${i}]`)));
  }
  if (node && typeof node === "object")
    return Object.assign({}, ...Object.entries(node).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
  return { [prefix]: String(node) };
}

function componentLines(c: Component): string[] {
  const env = Object.entries(c.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, v]) => `    ${name} = ${v.kind === "secret" ? `(secret: ${v.source})` : short(v.value)}`);
  return [
    `${c.label} (${c.kind} ${c.objectName})`,
    `  image: ${c.images.join(", ") || "-"}`,
    `  replicas: ${c.replicas}`,
    `  resources: ${c.resources || "-"}`,
    `  probes: ${c.probes.join("; ") || "-"}`,
    `  exposure: ${c.exposure.join("; ") || "-"}`,
    `  volumes: ${c.volumes.join("; ") || "-"}${c.dataStore ? " (holds data)" : ""}`,
    `  security: ${security(c.template).join(" ") || "-"}`,
    `  env:`,
    ...env,
  ];
}

/** The whole summary of one stack (or the chart's render), one component after another. */
export function deployedSummary(stack: StackModel): string {
  const lines = [`${stack.name} (${stack.platform})${stack.backend ? `, state: ${stack.backend}` : ""}`];
  for (const c of [...stack.components].sort((a, b) => a.label.localeCompare(b.label) || a.address.localeCompare(b.address)))
    lines.push("", ...componentLines(c));
  const resources = stack.resources.map((r) => r.address).sort();
  lines.push("", `resources (${resources.length}):`, ...resources.map((r) => `  ${r}`));
  return lines.join("\n") + "\n";
}
