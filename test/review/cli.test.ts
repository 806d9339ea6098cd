/**
 * `npm run review` end to end, in a scratch git repository holding a copy of this project:
 * a committed base, a working tree with a config change and a code change, the real git
 * worktree and synth of both sides. One full run (slow part), one failing run (fast).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../helpers/cli";
import { leakedRuns, randomChutesKey } from "../helpers/secret-leaks";

/** A fresh random key per run, checked with the sliding window (no 12-character run of it printed). */
const CANARY = randomChutesKey();
let repo: string;

const git = (...args: string[]) => {
  const r = spawnSync(
    "git",
    ["-c", "user.name=review-test", "-c", "user.email=review@test.invalid", "-c", "commit.gpgsign=false", ...args],
    { cwd: repo, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
};
const review = (args: string[]) =>
  spawnSync("npm", ["run", "--silent", "review", "--", ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", CHECKPOINT_DISABLE: "1", TF_VAR_chutes_api_key: CANARY },
  });

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "kodus-review-cli-"));
  const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_ROOT, encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(PROJECT_ROOT, f))) continue;
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    cpSync(join(PROJECT_ROOT, f), join(repo, f));
  }
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(repo, "node_modules"), "dir");
  writeFileSync(join(repo, "kodus.config.yaml"), "kubernetes:\n  dataStores:\n    mode: bundled\n");
  git("init", "--quiet", "--initial-branch=main");
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
  // The change under review: a config change (worker replicas, bigger bundled volumes) and a
  // code change (a Deployment setting), plus a secret in the working tree the report must not show.
  writeFileSync(
    join(repo, "kodus.config.yaml"),
    "kubernetes:\n  replicas:\n    worker: 3\n  dataStores:\n    mode: bundled\n    storageSize: 20Gi\n",
  );
  const workload = join(repo, "constructs", "kubernetes", "kodus-workload.ts");
  writeFileSync(workload, readFileSync(workload, "utf8").replace("revisionHistoryLimit: 3", "revisionHistoryLimit: 5"));
  writeFileSync(join(repo, "kodus.secrets.auto.tfvars.json"), JSON.stringify({ chutes_api_key: CANARY }));
}, 60_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

test("reviews the working tree against the merge base with main: lines, data-loss exit status 2, no secret, worktree removed", () => {
  const r = review([]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(2);
  const head = git("rev-parse", "HEAD").slice(0, 12);
  expect(r.stdout).toContain(`## Deploy review: working tree vs merge base with main (${head})`);
  expect(r.stdout).toContain("- worker replicas 2 → 3");
  expect(r.stdout).toContain("🛑 **`kubernetes_stateful_set_v1.postgres`** (StatefulSet `kodus-postgres`) **REPLACED**");
  expect(r.stdout).toContain("**Verdict:** 🛑 DATA CAN BE LOST");
  // The code change is synthesized from the working tree's code.
  expect(r.stdout).toMatch(/updated: `kubernetes_deployment_v1\.api` \([^)]*`spec\.revision_history_limit`/);
  expect(leakedRuns(r.stdout + r.stderr, CANARY)).toEqual([]);
  // The temporary worktree is gone.
  expect(git("worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
}, 120_000);

test("the key given where a ref or a flag goes: exit 1, nothing of it printed", () => {
  for (const args of [["--base", CANARY], [`--${CANARY.slice(20)}`], ["--base", `main..${CANARY.slice(0, 60)}`]]) {
    const r = review(args);
    expect(r.status).toBe(1);
    expect(leakedRuns(r.stdout + r.stderr, CANARY)).toEqual([]);
  }
});

test("an unknown base ref: exit 1, the ref named, nothing on stdout", () => {
  const r = review(["--base", "no-such-ref"]);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain('review: --base: unknown git ref "no-such-ref"');
});
