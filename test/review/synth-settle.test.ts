/**
 * The review's two synths: neither may outlive the review, and the base worktree is removed
 * only after both have settled. A failing head synth must not leave the base synth running
 * over a deleted tree (it hung for over 10 minutes), and a synth that hangs is stopped.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthBoth, synthIn, synthTimeoutMs } from "../../review/sources";

/** A project whose `npm run synth` runs `script` (node -e). */
function project(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kodus-synth-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "p", private: true, scripts: { synth: `node -e ${JSON.stringify(script)}` } }),
  );
  mkdirSync(join(dir, "out"));
  return dir;
}

test("a failing synth rejects only after the other one has finished", async () => {
  const slow = project("setTimeout(() => require('fs').writeFileSync('finished', 'yes'), 1500)");
  const failing = project("process.exit(3)");
  const started = Date.now();
  await expect(
    synthBoth([synthIn(failing, join(failing, "out"), process.env), synthIn(slow, join(slow, "out"), process.env)]),
  ).rejects.toThrow(/exit 3/);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  expect(require("node:fs").readFileSync(join(slow, "finished"), "utf8")).toBe("yes");
});

test("a synth that hangs is stopped at its timeout, with the setting to change named", async () => {
  const hanging = project("setInterval(() => {}, 1000)");
  const started = Date.now();
  await expect(synthIn(hanging, join(hanging, "out"), process.env, undefined, 1000)).rejects.toThrow(
    /took longer than 1 s and was stopped \(KODUS_REVIEW_SYNTH_TIMEOUT_MS\)/,
  );
  expect(Date.now() - started).toBeLessThan(10_000);
});

test("the timeout: 10 minutes unless KODUS_REVIEW_SYNTH_TIMEOUT_MS says otherwise", () => {
  expect(synthTimeoutMs({})).toBe(600_000);
  expect(synthTimeoutMs({ KODUS_REVIEW_SYNTH_TIMEOUT_MS: "5000" })).toBe(5000);
  expect(synthTimeoutMs({ KODUS_REVIEW_SYNTH_TIMEOUT_MS: "soon" })).toBe(600_000);
});
