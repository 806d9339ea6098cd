/**
 * The operator's loop with the real cdktf CLI (node_modules/.bin/cdktf, as cdktf.json runs the
 * app): synth, `terraform init` leaves working files in the stack folder, synth again, disable a
 * stack, synth again, break the config. No provider download is needed for synth.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, readTree, runSynth } from "./helpers/cli";

const CDKTF = join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

function cdktfSynth(outdir: string, config: string) {
  const r = spawnSync(CDKTF, ["synth", "--output", outdir], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", CHECKPOINT_DISABLE: "1", CI: "1", KODUS_CONFIG: config },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** What `terraform init` leaves in a stack folder. */
function fakeTerraformInit(stackDir: string): void {
  mkdirSync(join(stackDir, ".terraform", "providers"), { recursive: true });
  writeFileSync(join(stackDir, ".terraform", "providers", "marker"), "provider binary");
  writeFileSync(join(stackDir, ".terraform.lock.hcl"), '# provider lock\nprovider "registry.terraform.io/kreuzwerker/docker" {}\n');
}

describe("synth keeps Terraform's working files and works with the cdktf CLI", () => {
  test("cdktf synth: re-synth keeps .terraform/ and the lock file; a disabled stack; a bad config changes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "kodus-cdktf-cli-"));
    const out = join(dir, "cdktf.out");
    const config = join(dir, "kodus.config.yaml");

    writeFileSync(config, "kodus:\n  publicUrl: https://kodus.example.com\n");
    const first = cdktfSynth(out, config);
    expect([first.status, first.output]).toEqual([0, expect.stringContaining("docker, kubernetes")]);
    for (const stack of ["docker", "kubernetes"]) fakeTerraformInit(join(out, "stacks", stack));

    // A config change reaches cdk.tf.json, and terraform's files stay.
    writeFileSync(config, "kodus:\n  publicUrl: https://kodus2.example.com\n");
    const second = cdktfSynth(out, config);
    expect([second.status, second.output]).toEqual([0, expect.stringContaining("docker, kubernetes")]);
    for (const stack of ["docker", "kubernetes"]) {
      expect(readFileSync(join(out, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toContain("provider lock");
      expect(readFileSync(join(out, "stacks", stack, ".terraform", "providers", "marker"), "utf8")).toBe("provider binary");
      expect(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")).toContain("https://kodus2.example.com");
    }

    // Disabling a stack: the CLI removes that stack's folder itself; synth must still succeed.
    writeFileSync(config, "kodus:\n  publicUrl: https://kodus2.example.com\ndocker:\n  enabled: false\n");
    const third = cdktfSynth(out, config);
    expect(third.output).not.toContain("ENOENT");
    expect(third.status).toBe(0);
    expect(existsSync(join(out, "stacks", "docker", "cdk.tf.json"))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).stacks).not.toHaveProperty("docker");
    expect(readFileSync(join(out, "stacks", "kubernetes", ".terraform.lock.hcl"), "utf8")).toContain("provider lock");

    // A bad config fails and leaves the previous output exactly as it was.
    const before = readTree(out);
    writeFileSync(config, "kubernetes:\n  replicas:\n    api: 0\n");
    const bad = cdktfSynth(out, config);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain("kubernetes.replicas.api");
    expect(readTree(out)).toEqual(before);
  }, 240_000);

  test("npm run synth alone: keeps .terraform/ and the lock file, and clears a disabled stack's configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), "kodus-synth-keep-"));
    const out = join(dir, "out");
    expect(runSynth(dir, { CDKTF_OUTDIR: out }).status).toBe(0);
    fakeTerraformInit(join(out, "stacks", "docker"));
    expect(runSynth(dir, { CDKTF_OUTDIR: out }).status).toBe(0);
    expect(existsSync(join(out, "stacks", "docker", ".terraform", "providers", "marker"))).toBe(true);
    expect(existsSync(join(out, "stacks", "docker", ".terraform.lock.hcl"))).toBe(true);

    const config = join(dir, "k8s-only.yaml");
    writeFileSync(config, "docker:\n  enabled: false\n");
    expect(runSynth(dir, { CDKTF_OUTDIR: out, KODUS_CONFIG: config }).status).toBe(0);
    // No stale configuration a `terraform apply` in that folder could pick up.
    expect(existsSync(join(out, "stacks", "docker", "cdk.tf.json"))).toBe(false);
    expect(existsSync(join(out, "stacks", "kubernetes", "cdk.tf.json"))).toBe(true);
    // No staging folder left behind.
    expect(readdirSync(dir).filter((name) => name.startsWith(".out-"))).toEqual([]);
  }, 120_000);
});
