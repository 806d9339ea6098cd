/**
 * Why the Docker stack's key rotation is gated by `npm run secrets -- rotate chutes_api_key`
 * (which probes the new key before writing it) and not by depends_on alone: with the real
 * Terraform, a container that is replaced is destroyed BEFORE the resources it depends on are
 * re-created, so an on-host preflight that Kodus depends on runs only after the old Kodus
 * containers are gone. Shown with Terraform's built-in terraform_data and local-exec (no
 * provider download), in the same shape as the synthesized Docker stack.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStack } from "../helpers/synth";

function terraform(args: string[], cwd: string) {
  const r = spawnSync("terraform", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  if (r.error) throw new Error(`terraform is required for this test: ${r.error.message}`);
  return r;
}

test("the synthesized Docker stack has the shape modelled below", () => {
  const { json } = synthStack("docker");
  const containers = json.resource.docker_container;
  expect(containers["chutes-preflight"].lifecycle.replace_triggered_by).toEqual(["terraform_data.chutes-preflight-trigger"]);
  expect(json.resource.terraform_data["chutes-preflight-trigger"].triggers_replace).toEqual({ at: "${timestamp()}" });
  for (const c of ["api", "worker", "webhooks", "web"]) expect(containers[c].depends_on).toContain("docker_container.chutes-preflight");
  // The key is in these containers' environment (ForceNew): a new key replaces them.
  for (const c of ["api", "worker"]) expect(containers[c].env.join("\n")).toContain("${var.chutes_api_key}");
  // The webhooks service never reads it: it does not hold it, and a new key does not replace it.
  expect(containers.webhooks.env.join("\n")).not.toContain("${var.chutes_api_key}");
});

test("Terraform destroys a replaced Kodus container before its preflight dependency re-runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-tf-order-"));
  // preflight: re-created on every apply, fails for the key "bad"; kodus: replaced when the key changes.
  writeFileSync(
    join(dir, "main.tf"),
    `variable "key" { type = string }
resource "terraform_data" "every_apply" { triggers_replace = timestamp() }
resource "terraform_data" "preflight" {
  input = var.key
  lifecycle { replace_triggered_by = [terraform_data.every_apply] }
  provisioner "local-exec" { command = "echo preflight-\${self.output} >> events && test \${self.output} != bad" }
}
resource "terraform_data" "kodus" {
  triggers_replace = var.key
  depends_on       = [terraform_data.preflight]
  provisioner "local-exec" { command = "echo create-kodus >> events" }
  provisioner "local-exec" {
    when    = destroy
    command = "echo destroy-kodus >> events"
  }
}
`,
  );
  expect(terraform(["init", "-input=false", "-no-color"], dir).status).toBe(0);
  expect(terraform(["apply", "-auto-approve", "-input=false", "-no-color", "-var", "key=good"], dir).status).toBe(0);
  rmSync(join(dir, "events"));

  const rotated = terraform(["apply", "-auto-approve", "-input=false", "-no-color", "-var", "key=bad"], dir);
  expect(rotated.status).not.toBe(0); // the preflight rejected the key ...
  // ... but only after the running Kodus was destroyed, and no new one was created.
  expect(readFileSync(join(dir, "events"), "utf8").trim().split("\n")).toEqual(["destroy-kodus", "preflight-bad"]);
}, 120_000);
