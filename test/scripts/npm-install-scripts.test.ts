/**
 * npm 11 runs a dependency's install scripts only when package.json's `allowScripts` covers
 * it (it warns today; a stricter npm skips them). The cdktf CLI's terminal module compiles in
 * one on Node 24: every package of the lock file that has an install script must be declared.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

test("every locked package with an install script is declared in allowScripts", () => {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const allowed = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).allowScripts ?? {};
  const withScripts = Object.entries<{ hasInstallScript?: boolean }>(lock.packages)
    .filter(([path, p]) => path !== "" && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
  expect(withScripts.length).toBeGreaterThan(0);
  expect([...new Set(withScripts)].filter((name) => allowed[name] !== true).sort()).toEqual([]);
  // and nothing is declared that no longer needs it
  expect(Object.keys(allowed).filter((name) => !withScripts.includes(name))).toEqual([]);
});
