/**
 * Where the two sides of a review come from: the working tree and a git ref checked out in a
 * temporary `git worktree`, each synthesized by its own code (its `npm run synth`) or rendered with
 * the real helm. No network, no providers, no cluster.
 *
 * The base worktree gets a symlink to the working tree's node_modules instead of its own
 * `npm ci`: dependencies rarely differ between a branch and its base, and installing them
 * would make every review slow and need the registry. A change of dependencies is therefore
 * reviewed with the head's dependencies on both sides.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export class ReviewError extends Error {}

function git(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.error) throw new ReviewError(`git is required: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** The repository's top level and the project's path inside it. */
export function repoOf(projectRoot: string): { top: string; sub: string } {
  const r = git(projectRoot, ["rev-parse", "--show-toplevel"]);
  if (r.status !== 0) throw new ReviewError(`${projectRoot} is not inside a git repository (${r.stderr})`);
  return { top: r.stdout, sub: relative(r.stdout, projectRoot) };
}

/**
 * The default base: the merge base of HEAD with the default branch (origin/HEAD, else
 * origin/main, origin/master, main, master, whichever exists first).
 */
export function defaultBase(top: string): { ref: string; label: string } {
  const candidates: string[] = [];
  const originHead = git(top, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  if (originHead.status === 0 && originHead.stdout) candidates.push(originHead.stdout);
  candidates.push("origin/main", "origin/master", "main", "master");
  for (const branch of candidates) {
    if (git(top, ["rev-parse", "--verify", "--quiet", `${branch}^{commit}`]).status !== 0) continue;
    const mb = git(top, ["merge-base", "HEAD", branch]);
    if (mb.status === 0 && mb.stdout) return { ref: mb.stdout, label: `merge base with ${branch}` };
  }
  throw new ReviewError("no default branch found (origin/HEAD, origin/main, origin/master, main, master): pass --base <git-ref>");
}

export function resolveCommit(top: string, ref: string): string {
  const r = git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (r.status !== 0 || !r.stdout) throw new ReviewError(`--base: unknown git ref ${JSON.stringify(ref)}`);
  return r.stdout;
}

export interface BaseTree {
  /** The project directory inside the base worktree. */
  readonly root: string;
  readonly dispose: () => void;
}

/** Checks `commit` out in a temporary worktree whose node_modules links to `projectRoot`'s. */
export function checkoutBase(top: string, sub: string, commit: string, projectRoot: string): BaseTree {
  const dir = mkdtempSync(join(tmpdir(), "kodus-review-base-"));
  const tree = join(dir, "tree");
  const add = git(top, ["worktree", "add", "--detach", "--quiet", tree, commit]);
  if (add.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new ReviewError(`git worktree add failed: ${add.stderr}`);
  }
  const root = join(tree, sub);
  const modules = join(root, "node_modules");
  if (existsSync(root) && !existsSync(modules) && existsSync(join(projectRoot, "node_modules")))
    symlinkSync(join(projectRoot, "node_modules"), modules, "dir");
  return {
    root,
    dispose: () => {
      git(top, ["worktree", "remove", "--force", tree]);
      rmSync(dir, { recursive: true, force: true });
      git(top, ["worktree", "prune"]);
    },
  };
}

/**
 * Runs the tree's own `npm run synth` (whatever runner that tree uses) into `outdir`; rejects
 * with its stderr. `cacheDir` keeps the base's transpiled files out of the shared node_modules.
 */
export function synthIn(
  root: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  cacheDir?: string,
  timeoutMs = synthTimeoutMs(env),
): Promise<void> {
  return new Promise((done, fail) => {
    if (!existsSync(join(root, "package.json"))) return fail(new ReviewError(`no package.json in ${root}`));
    // Its own process group, so that a timeout stops npm and the synth it started.
    const child = spawn("npm", ["run", "--silent", "synth"], {
      cwd: root,
      env: { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...(cacheDir ? { KODUS_TS_CACHE_DIR: cacheDir } : {}) },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("error", (e) => {
      clearTimeout(timer);
      fail(new ReviewError(`cannot run npm: ${e.message}`));
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      if (timedOut)
        fail(new ReviewError(`synth in ${root} took longer than ${timeoutMs / 1000} s and was stopped (KODUS_REVIEW_SYNTH_TIMEOUT_MS)`));
      else if (status === 0) done();
      else fail(new ReviewError(`synth failed in ${root} (exit ${status}):\n${stderr.trim()}`));
    });
  });
}

/** How long one synth may take: KODUS_REVIEW_SYNTH_TIMEOUT_MS, default 10 minutes. */
export function synthTimeoutMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env.KODUS_REVIEW_SYNTH_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 600_000;
}

/**
 * Runs both synths and settles only when both have finished (or been stopped by their timeout):
 * the caller removes the base worktree afterwards, never while the base synth still reads it.
 * Rejects with the first failure.
 */
export async function synthBoth(runs: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(runs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** `KODUS_CONFIG` as the base should see it: a relative path points into the base tree. */
export function baseConfigEnv(
  env: NodeJS.ProcessEnv,
  cwd: string,
  projectRoot: string,
  baseRoot: string,
): { env: NodeJS.ProcessEnv; note?: string } {
  const named = env.KODUS_CONFIG;
  if (!named || named.trim() === "") return { env };
  const abs = isAbsolute(named) ? named : resolve(cwd, named);
  const rel = relative(projectRoot, abs);
  if (rel.startsWith("..") || isAbsolute(rel)) return { env: { ...env, KODUS_CONFIG: abs } }; // outside the project: same file both sides
  const inBase = join(baseRoot, rel);
  if (existsSync(inBase)) return { env: { ...env, KODUS_CONFIG: inBase } };
  const { KODUS_CONFIG: _drop, ...rest } = env;
  return { env: rest, note: `${rel} does not exist at the base: base uses the built-in defaults` };
}

/**
 * Values that let chart mode render without real secrets (under `helm template` the chart
 * cannot read generated ones back and requires every value); the user's values files override
 * them. Secret data is never shown or compared, so these only make the render possible.
 */
const PLACEHOLDER = { base64: "A".repeat(43) + "=", hex64: "0".repeat(64), hex: "0".repeat(48) };
const PLACEHOLDER_VALUES = {
  secrets: {
    values: {
      chutes_api_key: "cpk_review-placeholder.not.a.key",
      api_jwt_secret: PLACEHOLDER.base64,
      api_jwt_refresh_secret: PLACEHOLDER.base64,
      nextauth_secret: PLACEHOLDER.base64,
      api_crypto_key: PLACEHOLDER.hex64,
      code_management_secret: PLACEHOLDER.hex64,
      code_management_webhook_token: "A".repeat(43),
      postgres_password: PLACEHOLDER.hex,
      mongodb_password: PLACEHOLDER.hex,
      rabbitmq_password: PLACEHOLDER.hex,
    },
  },
};

export interface HelmRender {
  readonly helm: string;
  readonly chartDir: string;
  readonly valuesFiles: readonly string[];
  readonly release: string;
  readonly namespace: string;
}

/** `helm template` with the chart and values files; the objects, parsed as YAML 1.1 like Kubernetes does. */
export function renderChart(o: HelmRender): Record<string, unknown>[] {
  if (!existsSync(join(o.chartDir, "Chart.yaml"))) return []; // no chart on this side: everything is added or removed
  const dir = mkdtempSync(join(tmpdir(), "kodus-review-helm-"));
  try {
    const placeholders = join(dir, "placeholders.json");
    writeFileSync(placeholders, JSON.stringify(PLACEHOLDER_VALUES));
    const args = [
      "template",
      o.release,
      o.chartDir,
      "--namespace",
      o.namespace,
      "-f",
      placeholders,
      ...o.valuesFiles.flatMap((f) => ["-f", f]),
    ];
    const r = spawnSync(o.helm, args, {
      encoding: "utf8",
      timeout: 60_000,
      // No kubeconfig, no repositories, no plugins: rendering depends on nothing but the files.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        HELM_CACHE_HOME: join(dir, "cache"),
        HELM_CONFIG_HOME: join(dir, "config"),
        HELM_DATA_HOME: join(dir, "data"),
        KUBECONFIG: join(dir, "none"),
      },
    });
    if (r.error)
      throw new ReviewError(`cannot run helm (${o.helm}): ${r.error.message}. Install it with \`npm run helm:install\` or set HELM_BIN.`);
    if (r.status !== 0) throw new ReviewError(`helm template failed for ${o.chartDir}:\n${r.stderr.trim()}`);
    const objects: Record<string, unknown>[] = [];
    for (const doc of parseAllDocuments(r.stdout, { version: "1.1" })) {
      if (doc.errors.length) throw new ReviewError(`helm rendered invalid YAML: ${doc.errors[0].message}`);
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (obj) objects.push(obj);
    }
    return objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
