/**
 * What a chart release needs, checked where it can be without a registry: `helm package` gives
 * the versioned archive the release workflow pushes, CHANGELOG.md has the version's entry and
 * Chart.yaml's Artifact Hub changes say the same, and the workflow is wired as documented
 * (tag = version, pinned actions, OIDC for keyless signing, signing by digest).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CHART_DIR, PROJECT_ROOT, helm } from "./helm";

const chart = parse(readFileSync(join(CHART_DIR, "Chart.yaml"), "utf8"));
const changelog = readFileSync(join(CHART_DIR, "CHANGELOG.md"), "utf8");

/** The bullets under `## <version> ...`, each joined onto one line. */
function changelogEntries(version: string): string[] {
  const start = changelog.search(new RegExp(`^## ${version.replace(/\./g, "\\.")}( |$)`, "m"));
  if (start < 0) return [];
  const rest = changelog.slice(start).split("\n").slice(1);
  const end = rest.findIndex((l) => l.startsWith("## "));
  return (end < 0 ? rest : rest.slice(0, end))
    .join("\n")
    .split(/^- /m)
    .slice(1)
    .map((b) => b.replace(/\s+/g, " ").trim());
}

test("helm package gives kodus-chutes-<Chart.yaml version>.tgz, changelog included", () => {
  const out = mkdtempSync(join(tmpdir(), "kodus-package-"));
  const r = helm(["package", CHART_DIR, "--destination", out]);
  expect([r.status, r.stderr]).toEqual([0, ""]);
  expect(readdirSync(out)).toEqual([`kodus-chutes-${chart.version}.tgz`]);
  expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  const files = execFileSync("tar", ["-tzf", join(out, `kodus-chutes-${chart.version}.tgz`)], { encoding: "utf8" }).split("\n");
  expect(files).toEqual(expect.arrayContaining(["kodus-chutes/Chart.yaml", "kodus-chutes/CHANGELOG.md", "kodus-chutes/values.schema.json"]));
});

test("CHANGELOG.md has an entry for the chart's version, and Artifact Hub's changes are the same entries", () => {
  const entries = changelogEntries(chart.version);
  expect(entries.length).toBeGreaterThan(0);
  const changes = parse(chart.annotations["artifacthub.io/changes"]) as { kind: string; description: string }[];
  expect(changes.map((c) => c.description)).toEqual(entries);
  for (const c of changes) expect(["added", "changed", "deprecated", "removed", "fixed", "security"]).toContain(c.kind);
});

test("the changelog check can fail: a version without an entry has none", () => {
  expect(changelogEntries("99.0.0")).toEqual([]);
});

describe("the release workflow", () => {
  const text = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "chart-release.yml"), "utf8");
  const workflow = parse(text);
  const steps: { uses?: string; run?: string }[] = workflow.jobs.release.steps;

  test("runs on chart-v* tags and refuses a tag that is not the chart's version", () => {
    expect(workflow.on.push.tags).toEqual(["chart-v*"]);
    const check = steps.find((s) => s.run?.includes("chart-v$version"))?.run ?? "";
    expect(check).toContain('"$GITHUB_REF_NAME" != "chart-v$version"');
    expect(check).toContain("CHANGELOG.md");
  });

  test("pins every action by commit and gets an OIDC token only where it signs", () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.release.permissions).toEqual({ contents: "read", packages: "write", "id-token": "write" });
  });

  test("tests with Helm 4 and 3, packages, pushes to OCI and signs the pushed digest", () => {
    const runs = steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npm run check:helm3");
    expect(runs).toContain("helm package helm/kodus-chutes --destination dist");
    expect(runs).toMatch(/helm push "dist\/kodus-chutes-\$VERSION\.tgz" "oci:\/\/ghcr\.io\/\$owner\/charts"/);
    expect(runs).toContain('cosign sign --yes "$REF"');
    expect(runs).toContain("charts/kodus-chutes@$digest");
  });
});
