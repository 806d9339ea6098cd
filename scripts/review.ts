/**
 * npm run review [-- --base <git-ref>] [--helm-values <file> [--base-helm-values <file>]]
 *                   [--release <name>] [--namespace <ns>] [--accept-data-loss]
 *
 * Synthesizes the working tree and a base (default: the merge base with the default branch),
 * each with its own code, and prints a Markdown review of the change on stdout. With
 * --helm-values, reviews the Helm chart rendered with that values file instead of the stacks.
 * Exit status: 0 nothing can lose data (or --accept-data-loss), 2 data can be lost, 1 error.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { diffModels } from "../review/diff";
import { modelFromManifests, readSynthOutput, type DeploymentModel } from "../review/model";
import { EXIT, renderReport } from "../review/report";
import {
  ReviewError,
  baseConfigEnv,
  checkoutBase,
  defaultBase,
  renderChart,
  repoOf,
  resolveCommit,
  synthBoth,
  synthIn,
} from "../review/sources";
import { redactSecrets, runAsMain, type CliContext } from "./cli";

const PROJECT_ROOT = resolve(__dirname, "..");
/**
 * What the review prints is redacted first: the Chutes key wherever this process can know it
 * (CHUTES_API_KEY, TF_VAR_chutes_api_key), any 12-character run of it, and any Bearer or cpk_
 * token (a key pasted into the config or a values file would otherwise be quoted in a diff).
 */
const clean = (text: string) => redactSecrets(text, [process.env.CHUTES_API_KEY, process.env.TF_VAR_chutes_api_key]);

const USAGE = `usage: npm run review -- [--base <git-ref>] [--helm-values <file> [--base-helm-values <file>]] [--release <name>] [--namespace <ns>] [--accept-data-loss]
  --base <git-ref>          what to compare with (default: merge base of HEAD with the default branch)
  --helm-values <file>      review the Helm chart rendered with this values file (base: the file as it is at the base, if tracked)
  --base-helm-values <file> values file for the base side (default: as above)
  --release, --namespace    helm release name and namespace (default: kodus, kodus)
  --accept-data-loss        exit 0 even when data could be lost
exit status: 0 nothing can lose data (or accepted), 2 data can be lost, 1 error`;

async function main(argv: string[], { stdout, stderr }: Pick<CliContext, "stdout" | "stderr">): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        "helm-values": { type: "string" },
        "base-helm-values": { type: "string" },
        release: { type: "string", default: "kodus" },
        namespace: { type: "string", default: "kodus" },
        "accept-data-loss": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    stderr(clean(`review: ${(err as Error).message}\n${USAGE}\n`));
    return EXIT.ERROR;
  }
  if (args.help) {
    stdout(`${USAGE}\n`);
    return EXIT.OK;
  }
  const cwd = process.cwd();
  const helmValues = args["helm-values"] ? resolve(cwd, args["helm-values"]) : undefined;
  if (helmValues && !existsSync(helmValues)) throw new ReviewError(`--helm-values: ${helmValues} does not exist`);
  const baseHelmValues = args["base-helm-values"] ? resolve(cwd, args["base-helm-values"]) : undefined;
  if (baseHelmValues && !existsSync(baseHelmValues)) throw new ReviewError(`--base-helm-values: ${baseHelmValues} does not exist`);

  const { top, sub } = repoOf(PROJECT_ROOT);
  const base = args.base ? { ref: args.base, label: args.base } : defaultBase(top);
  const commit = resolveCommit(top, base.ref);
  const baseLabel = base.label === commit ? commit.slice(0, 12) : `${base.label} (${commit.slice(0, 12)})`;

  const tree = checkoutBase(top, sub, commit, PROJECT_ROOT);
  const work = mkdtempSync(join(tmpdir(), "kodus-review-"));
  try {
    let baseModel: DeploymentModel;
    let headModel: DeploymentModel;
    let note = "";
    if (helmValues) {
      const helm = process.env.HELM_BIN || join(PROJECT_ROOT, ".tools", "bin", "helm");
      const rel = relative(PROJECT_ROOT, helmValues);
      const inProject = !rel.startsWith("..") && !isAbsolute(rel);
      const baseValues = baseHelmValues ?? (inProject && existsSync(join(tree.root, rel)) ? join(tree.root, rel) : helmValues);
      const common = { helm, release: args.release!, namespace: args.namespace! };
      headModel = modelFromManifests(
        "helm",
        renderChart({ ...common, chartDir: join(PROJECT_ROOT, "helm", "kodus-chutes"), valuesFiles: [helmValues] }),
      );
      baseModel = modelFromManifests(
        "helm",
        renderChart({ ...common, chartDir: join(tree.root, "helm", "kodus-chutes"), valuesFiles: [baseValues] }),
      );
      if (baseValues === helmValues && !baseHelmValues) note = " (same values file on both sides)";
    } else {
      const baseEnv = baseConfigEnv(process.env, cwd, PROJECT_ROOT, tree.root);
      if (baseEnv.note) note = ` (${baseEnv.note})`;
      const headEnv =
        process.env.KODUS_CONFIG && !isAbsolute(process.env.KODUS_CONFIG)
          ? { ...process.env, KODUS_CONFIG: resolve(cwd, process.env.KODUS_CONFIG) }
          : process.env;
      // Both must have finished before `finally` removes the base worktree (a failing head
      // synth must not pull the tree from under the base's).
      await synthBoth([
        synthIn(PROJECT_ROOT, join(work, "head"), headEnv),
        synthIn(tree.root, join(work, "base"), baseEnv.env, join(work, "ts-cache")),
      ]);
      headModel = readSynthOutput(join(work, "head"));
      baseModel = readSynthOutput(join(work, "base"));
    }
    const report = renderReport(diffModels(baseModel, headModel), headModel, {
      baseLabel: `${baseLabel}${note}`,
      headLabel: "working tree",
      acceptDataLoss: args["accept-data-loss"]!,
      title: helmValues ? "Helm chart review" : "Deploy review",
    });
    stdout(clean(report.markdown));
    return report.exitCode;
  } finally {
    rmSync(work, { recursive: true, force: true });
    tree.dispose();
  }
}

/** `npm run review`: prints the report (or the usage) and returns the exit status (docs/review.md). */
export async function run(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    return await main([...argv], context);
  } catch (err) {
    if (!(err instanceof ReviewError)) throw err;
    context.stderr(clean(`review: ${err.message}\n`));
    return EXIT.ERROR;
  }
}

if (require.main === module) runAsMain(run);
