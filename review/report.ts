/**
 * The Markdown review report (a PR comment or a CI job summary) and the exit status a CI job
 * gates on. Deterministic: the same inputs give the same bytes (no time, no paths of this
 * machine, everything sorted).
 */
import { segments, type ReviewDiff, type StackDiff } from "./diff";
import type { Component, DeploymentModel } from "./model";

/** Exit statuses of `npm run review` (documented in docs/review.md). */
export const EXIT = {
  /** The report was produced and nothing can lose data (or --accept-data-loss was given). */
  OK: 0,
  /** Bad arguments, a git ref that does not exist, a synth or helm failure: no report. */
  ERROR: 1,
  /** Data could be lost: a data-store volume, a StatefulSet claim template, a Docker volume or database container is replaced or destroyed. */
  DATA_LOSS: 2,
} as const;

/** Marker the CI job looks for to update its PR comment instead of adding one. */
export const REPORT_MARKER = "<!-- kodus-chutes-deploy review -->";

export interface ReportOptions {
  /** Describes the base, e.g. "`main` (merge base 1a2b3c4)". */
  readonly baseLabel: string;
  /** Describes the head, e.g. "working tree". */
  readonly headLabel: string;
  readonly acceptDataLoss: boolean;
  /** Title, e.g. "Deploy review" or "Helm chart review". */
  readonly title?: string;
}

export interface Report {
  readonly markdown: string;
  readonly exitCode: number;
  readonly verdict: string;
}

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

export function verdictOf(diff: ReviewDiff, acceptDataLoss: boolean): { verdict: string; exitCode: number } {
  const changed = diff.stacks.filter((s) => s.status !== "unchanged");
  if (changed.length === 0) return { verdict: "✅ no changes.", exitCode: EXIT.OK };
  const restarts = [...new Set(diff.stacks.flatMap((s) => s.restarts.map((r) => `${s.name}/${r.component}`)))].length;
  const replaced = diff.stacks.flatMap((s) => s.resources.filter((r) => r.action === "replace" || r.action === "delete")).length;
  const summary = `${restarts} component${restarts === 1 ? "" : "s"} restart${restarts === 1 ? "s" : ""}, ${replaced} resource${replaced === 1 ? "" : "s"} replaced or destroyed`;
  if (diff.dataRisks.length > 0) {
    return acceptDataLoss
      ? {
          verdict: `⚠️ DATA LOSS ACCEPTED (--accept-data-loss): ${diff.dataRisks.length} change${diff.dataRisks.length === 1 ? "" : "s"} can lose stored data; ${summary}.`,
          exitCode: EXIT.OK,
        }
      : {
          verdict: `🛑 DATA CAN BE LOST: ${diff.dataRisks.length} change${diff.dataRisks.length === 1 ? "" : "s"} can lose stored data; ${summary}. Review below, back up first, or re-run with --accept-data-loss.`,
          exitCode: EXIT.DATA_LOSS,
        };
  }
  const warnings = diff.stacks.reduce((n, s) => n + s.warnings.length, 0);
  return {
    verdict: `${warnings ? "⚠️" : "✅"} no data at risk: ${summary}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}.`,
    exitCode: EXIT.OK,
  };
}

function stackSection(s: StackDiff): string[] {
  const lines: string[] = [
    `### ${s.platform === s.name ? "" : `${s.platform} `}stack ${code(s.name)}${s.status === "unchanged" ? ": no changes" : s.status === "changed" ? "" : `: ${s.status}`}`,
  ];
  if (s.status === "unchanged") return lines;
  const riskLines = s.resources.filter((r) => r.dataRisk);
  if (riskLines.length) {
    lines.push("", "**🛑 Data can be lost**", "");
    for (const r of riskLines)
      lines.push(
        `- 🛑 **${code(r.address)}** (${r.kind ?? r.type} ${code(r.name)}) **${r.action === "delete" ? "DESTROYED" : r.action === "replace" ? "REPLACED" : "CHANGED"}**${r.forcing.length ? ` by ${r.forcing.map(code).join(", ")}` : ""}: ${r.dataRisk}.`,
      );
  }
  if (s.changes.length) {
    lines.push("", "**Changes**", "");
    for (const c of s.changes) lines.push(`- ${c}`);
  }
  if (s.restarts.length) {
    lines.push("", "**Restarts**", "");
    for (const r of s.restarts) lines.push(`- ${r.component}: ${r.how}${r.reasons.length ? ` (${r.reasons.join("; ")})` : ""}`);
  }
  const replaced = s.resources.filter((r) => (r.action === "replace" || r.action === "delete") && !r.dataRisk);
  if (replaced.length) {
    lines.push("", "**Replaced or destroyed**", "");
    for (const r of replaced)
      lines.push(
        `- ${code(r.address)} (${r.kind ?? r.type} ${code(r.name)}) ${r.action === "delete" ? "destroyed" : `replaced by ${r.forcing.map(code).join(", ")}`}`,
      );
  }
  const other = s.resources.filter((r) => r.action === "create" || r.action === "update");
  if (other.length) {
    lines.push("", "<details><summary>Created or updated in place</summary>", "");
    for (const r of other)
      lines.push(
        `- ${r.action === "create" ? "created" : "updated"}: ${code(r.address)}${r.paths.length ? ` (${summarizePaths(r.paths).map(code).join(", ")})` : ""}`,
      );
    lines.push("", "</details>");
  }
  if (s.warnings.length) {
    lines.push("", "**Warnings**", "");
    for (const w of s.warnings) lines.push(`- ⚠️ ${w}`);
  }
  return lines;
}

/** At most 8 paths, shortened to three levels. */
function summarizePaths(paths: readonly string[]): string[] {
  const short = [...new Set(paths.map((p) => segments(p).slice(0, 3).join(".")))];
  return short.length > 8 ? [...short.slice(0, 8), `… ${short.length - 8} more`] : short;
}

function componentSection(c: Component): string[] {
  const plain = Object.entries(c.env).filter(([, v]) => v.kind === "plain");
  const secret = Object.entries(c.env).filter(([, v]) => v.kind === "secret");
  const lines = [`#### ${c.label}: ${c.kind} ${code(c.objectName)}${c.dataStore ? " (holds data)" : ""}`, ""];
  lines.push(`- image: ${c.images.map(code).join(", ") || "none"}`);
  lines.push(`- replicas: ${c.replicas}`);
  lines.push(`- resources: ${c.resources || "none"}`);
  if (plain.length) lines.push(`- env: ${plain.map(([k, v]) => `${k}=${code(v.kind === "plain" ? v.value : "")}`).join(", ")}`);
  if (secret.length) lines.push(`- secrets: ${secret.map(([k, v]) => `${k} from ${v.kind === "secret" ? v.source : ""}`).join("; ")}`);
  if (c.probes.length) lines.push(`- probes: ${c.probes.join("; ")}`);
  if (c.exposure.length) lines.push(`- exposure: ${c.exposure.join("; ")}`);
  if (c.volumes.length) lines.push(`- volumes: ${c.volumes.join("; ")}`);
  lines.push("");
  return lines;
}

/** The whole report. `head` is described in full (collapsed), the diff on top. */
export function renderReport(diff: ReviewDiff, head: DeploymentModel, options: ReportOptions): Report {
  const { verdict, exitCode } = verdictOf(diff, options.acceptDataLoss);
  const lines: string[] = [
    REPORT_MARKER,
    `## ${options.title ?? "Deploy review"}: ${options.headLabel} vs ${options.baseLabel}`,
    "",
    `**Verdict:** ${verdict}`,
    "",
  ];
  if (diff.dataRisks.length) {
    lines.push("> [!CAUTION]", "> Data can be lost:");
    for (const r of diff.dataRisks) lines.push(`> - ${r}`);
    lines.push("");
  }
  for (const s of diff.stacks) lines.push(...stackSection(s), "");
  for (const s of head.stacks) {
    lines.push(`<details><summary>What ${code(s.name)} deploys (${s.components.length} components)</summary>`, "");
    if (s.backend) lines.push(`State backend: ${s.backend}`, "");
    for (const c of s.components) lines.push(...componentSection(c));
    lines.push("</details>", "");
  }
  lines.push(
    `Exit status ${exitCode}: 0 = nothing can lose data (or accepted), 2 = data can be lost (re-run with --accept-data-loss to accept), 1 = error.`,
  );
  return { markdown: lines.join("\n") + "\n", exitCode, verdict };
}
