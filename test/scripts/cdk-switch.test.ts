/**
 * `npm run cdk:switch -- cdktf` on a checkout that is already on cdktf must not touch
 * package.json or the lock file: it used to `git checkout` them, silently discarding edits.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

// The library this checkout runs on (cdktf; cdktn in the copy `npm run check:cdktn` switches).
const CURRENT = (require("cdktf/package.json") as { name: string }).name;

test("switching to the library already in use: uncommitted edits to package.json and the lock file are kept, nothing reinstalled", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-cdk-switch-"));
  mkdirSync(join(dir, "scripts"));
  copyFileSync(join(ROOT, "scripts", "cdk-switch.sh"), join(dir, "scripts", "cdk-switch.sh"));
  for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(ROOT, f), join(dir, f));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir });
  git("init", "-q");
  git("add", "package.json", "package-lock.json");
  git("commit", "-qm", "base");
  const edited = readFileSync(join(dir, "package.json"), "utf8").replace('"private": true', '"private": true, "x-my-edit": 1');
  writeFileSync(join(dir, "package.json"), edited);
  const r = spawnSync("bash", [join(dir, "scripts", "cdk-switch.sh"), CURRENT], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, npm_config_offline: "true" },
  });
  expect([r.status, r.stdout]).toEqual([0, expect.stringContaining(`already on ${CURRENT}`)]);
  expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(edited);
});
