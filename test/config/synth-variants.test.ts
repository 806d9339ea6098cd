/**
 * The stack variants the CDK Terrain parity check synthesizes (scripts/synth-variants.ts) are
 * valid configs: checked here in npm test, because check:cdktn (CI only) would otherwise be the
 * first to find a variant that a new config rule refuses. The same for the branch variants of the
 * refactoring set (`synth-variants.ts --all`).
 */
import { parseConfig } from "../../config/load";
import { BRANCH_VARIANTS, VARIANTS, differingFiles } from "../../scripts/synth-variants";

test.each(Object.entries({ ...VARIANTS, ...BRANCH_VARIANTS }))("%s is a valid config", (name, input) => {
  expect(() => parseConfig(input, `variant ${name}`)).not.toThrow();
});

test("the refactoring comparison names a file whose parsed content differs, or that one side lacks", () => {
  const before = { "a/cdk.tf.json": { resource: { x: { y: 1 } } }, "a/manifest.json": { v: 1 } };
  expect(differingFiles(before, structuredClone(before))).toEqual([]);
  // Key order is no difference; a changed value, a missing or an extra file are.
  expect(differingFiles(before, { "a/manifest.json": { v: 1 }, "a/cdk.tf.json": { resource: { x: { y: 1 } } } })).toEqual([]);
  expect(differingFiles(before, { ...before, "a/cdk.tf.json": { resource: { x: { y: 2 } } } })).toEqual(["a/cdk.tf.json"]);
  expect(differingFiles(before, { "a/cdk.tf.json": before["a/cdk.tf.json"], "b/x.json": {} })).toEqual([
    "a/manifest.json (only before)",
    "b/x.json (only after)",
  ]);
});
