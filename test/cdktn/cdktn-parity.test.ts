/**
 * CDK Terrain parity, run by `npm run check:cdktn` (.ci/run) with KODUS_TEST_SET=cdktn:
 * KODUS_CDKTN_CHECKOUT is a copy of this checkout switched with `npm run cdk:switch -- cdktn`.
 * Every stack variant (scripts/synth-variants.ts) is synthesized in both, with the real
 * App.synth(); once parsed, the Terraform configurations and manifests must be equal except
 * for the library version each one records.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonTree } from "../../scripts/synth-variants";
import { PROJECT_ROOT } from "../helpers/cli";

const CDKTN_CHECKOUT = process.env.KODUS_CDKTN_CHECKOUT;
if (!CDKTN_CHECKOUT) throw new Error("set KODUS_CDKTN_CHECKOUT to a checkout switched to cdktn (npm run check:cdktn does)");
const VARIANTS = [
  "defaults",
  "healthcheck-off",
  "docker-tuned",
  "kubernetes-bundled",
  "kubernetes-existing-secret",
  "kubernetes-scaled",
  "production-s3",
];

function synthAll(checkout: string): { outdir: string; banner: string } {
  const outdir = mkdtempSync(join(tmpdir(), "kodus-variants-"));
  const r = spawnSync(process.execPath, [join(checkout, "scripts", "ts-run.cjs"), join(checkout, "scripts", "synth-variants.ts"), outdir], {
    cwd: checkout,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", CHECKPOINT_DISABLE: "1" },
  });
  if (r.status !== 0) throw new Error(`synth-variants failed in ${checkout}:\n${r.stderr}`);
  return { outdir, banner: r.stdout.trim() };
}

/** Takes out the recorded library version (and checks it is where it should be). */
function withoutVersion(tree: Record<string, any>, version: string): Record<string, any> {
  for (const [file, json] of Object.entries(tree)) {
    if (file.endsWith("manifest.json")) {
      expect([file, json.version]).toEqual([file, version]);
      delete json.version;
    } else if (file.endsWith("cdk.tf.json")) {
      expect([file, json["//"].metadata.version]).toEqual([file, version]);
      delete json["//"].metadata.version;
    }
  }
  return tree;
}

let cdktf: ReturnType<typeof synthAll>;
let cdktn: ReturnType<typeof synthAll>;
beforeAll(() => {
  cdktf = synthAll(PROJECT_ROOT);
  cdktn = synthAll(CDKTN_CHECKOUT);
}, 120_000);

test("the two checkouts really run different libraries", () => {
  expect(cdktf.banner).toMatch(/^cdktf 0\.21\.0: 7 variants/);
  expect(cdktn.banner).toMatch(/^cdktn 0\.24\.\d+: 7 variants/);
});

test.each(VARIANTS)("%s: the same Terraform configuration and manifest, version aside", (variant) => {
  const a = withoutVersion(jsonTree(join(cdktf.outdir, variant)), "0.21.0");
  const b = withoutVersion(jsonTree(join(cdktn.outdir, variant)), /cdktn (\S+):/.exec(cdktn.banner)![1]);
  expect(Object.keys(a).length).toBeGreaterThan(1);
  expect(Object.keys(b)).toEqual(Object.keys(a));
  expect(b).toEqual(a);
});

test("the chart and the probe never load the CDK library: the chart's programs import only Node built-ins", () => {
  // (npm run check:cdktn also runs their suites, with the rest of npm test, in the cdktn checkout.)
  const programs = readdirSync(join(PROJECT_ROOT, "helm"), { recursive: true })
    .map(String)
    .filter((f) => /\.(m?js|cjs|ts)$/.test(f))
    .sort();
  expect(programs).toEqual([join("kodus-chutes", "files", "chutes-probe.mjs"), join("kodus-chutes", "files", "kodus-helm-test.mjs")]);
  const probe = readFileSync(join(PROJECT_ROOT, "probe", "chutes-probe.mjs"), "utf8");
  expect(readFileSync(join(PROJECT_ROOT, "helm", programs[0]), "utf8")).toBe(probe);
  expect(probe).not.toMatch(/^\s*import\s|\brequire\s*\(|\bimport\s*\(/m);
  for (const program of programs) {
    const source = readFileSync(join(PROJECT_ROOT, "helm", program), "utf8");
    const specifiers = [...source.matchAll(/(?:^\s*import\s[^"']*|\brequire\s*\(\s*|\bimport\s*\(\s*)["']([^"']+)["']/gm)].map((m) => m[1]);
    expect({ program, outsideNode: specifiers.filter((s) => !s.startsWith("node:")) }).toEqual({ program, outsideNode: [] });
  }
});
