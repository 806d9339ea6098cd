/**
 * The CI the project ships for its users parses and uses only what the project has: every
 * `npm run <script>` exists in package.json, every file a step names exists, and the GitLab
 * CI equivalent in the README does the same.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../helpers/cli";

const scripts = Object.keys(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts);

/** The npm scripts and project files a shell snippet uses. */
function references(shell: string): { npmScripts: string[]; files: string[] } {
  const npmScripts = [...shell.matchAll(/npm run (?:--silent )?([\w:.-]+)/g)].map((m) => m[1]);
  if (/\bnpm test\b/.test(shell)) npmScripts.push("test");
  const files = [...shell.matchAll(/(?:^|\s)((?:helm|scripts|\.ci|review|config)\/[\w./-]+)/g)].map((m) => m[1]);
  return { npmScripts, files };
}

function checkShell(shell: string) {
  const { npmScripts, files } = references(shell);
  for (const s of npmScripts) expect(scripts).toContain(s);
  for (const f of files) expect(existsSync(join(PROJECT_ROOT, f))).toBe(true);
  return { npmScripts, files };
}

test("the GitHub workflow parses, runs the tests, checks synth determinism and posts the review", () => {
  const wf = parse(readFileSync(join(PROJECT_ROOT, ".github", "workflows", "ci.yml"), "utf8"));
  const steps: any[] = Object.values<any>(wf.jobs).flatMap((j) => j.steps);
  const shell = steps.map((s) => s.run ?? "").join("\n");
  const { npmScripts, files } = checkShell(shell);
  expect(npmScripts).toEqual(expect.arrayContaining(["test", "synth", "review", "helm:install"]));
  expect(files).toEqual([]);
  expect(shell).toMatch(/diff -r/);
  // Only well-known actions, pinned by full commit SHA (a tag can be moved), the tag in a comment.
  const raw = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "ci.yml"), "utf8");
  for (const s of steps.filter((x) => x.uses))
    expect(s.uses).toMatch(/^(actions\/(checkout|setup-node|github-script)|hashicorp\/setup-terraform)@[0-9a-f]{40}$/);
  for (const line of raw.split("\n").filter((l) => /uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  // The Node version CI uses satisfies package.json's engines (">=N").
  const minNode = Number(/>=\s*(\d+)/.exec(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).engines.node)![1]);
  for (const s of steps.filter((x) => x.uses?.startsWith("actions/setup-node")))
    expect(Number(s.with["node-version"])).toBeGreaterThanOrEqual(minNode);
  const script = steps.find((s) => s.uses?.startsWith("actions/github-script"))?.with?.script as string;
  expect(script).toContain("<!-- kodus-chutes-deploy review -->");
  expect(script).toContain("updateComment");
});

test("the review page's GitLab CI equivalent parses and uses only npm scripts the project has", () => {
  const section = readFileSync(join(PROJECT_ROOT, "docs/review.md"), "utf8");
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBeDefined();
  const gitlab = parse(block!);
  const shell = Object.values<any>(gitlab)
    .filter((j) => j && typeof j === "object" && Array.isArray(j.script))
    .flatMap((j) => [...(j.before_script ?? []), ...j.script])
    .join("\n");
  const { npmScripts } = checkShell(shell);
  expect(npmScripts).toEqual(expect.arrayContaining(["test", "synth", "review"]));
});

describe("the GitHub workflow's review on day two", () => {
  const wf = parse(readFileSync(join(PROJECT_ROOT, ".github", "workflows", "ci.yml"), "utf8"));
  const review = wf.jobs.review.steps.find((s: any) => s.id === "review");

  test("re-runs when a label is added or removed (the accept-data-loss gate), besides pushes", () => {
    expect(wf.on.pull_request.types).toEqual(expect.arrayContaining(["opened", "synchronize", "reopened", "labeled", "unlabeled"]));
  });

  test("one run per pull request at a time: a newer one cancels the older", () => {
    expect(wf.concurrency["cancel-in-progress"]).toBe(true);
    expect(wf.concurrency.group).toContain("github.event.pull_request.number");
  });

  test("reviews the chart with the values files the team lists, not the chart's own defaults", () => {
    expect(typeof wf.env.HELM_VALUES_FILES).toBe("string");
    expect(review.run).toContain("for values in $HELM_VALUES_FILES");
    expect(review.run).toMatch(/--helm-values "\$values"/);
    expect(review.run).not.toContain("helm/kodus-chutes/values.yaml");
  });
});

test("the CI examples install the Terraform npm test needs (>= 1.11), pinned", () => {
  const ci = parse(readFileSync(join(PROJECT_ROOT, ".github", "workflows", "ci.yml"), "utf8"));
  const setup = ci.jobs.test.steps.find((s: { uses?: string }) => s.uses?.startsWith("hashicorp/setup-terraform@"));
  expect(setup?.uses).toMatch(/@[0-9a-f]{40}$/);
  expect(setup?.with?.terraform_version).toMatch(/^1\.(1[1-9]|[2-9][0-9])\./);
  const steps = ci.jobs.test.steps.map((s: { uses?: string; run?: string }) => s.uses ?? s.run);
  expect(steps.indexOf(setup.uses)).toBeLessThan(steps.indexOf("npm test"));
  const gitlab = readFileSync(join(PROJECT_ROOT, "docs", "review.md"), "utf8");
  expect(gitlab).toMatch(/releases\.hashicorp\.com\/terraform\/1\.11\.\d+\/terraform_1\.11\.\d+_linux_amd64\.zip/);
});
