/**
 * docs/configuration-reference.md is generated from the zod schema and config/descriptions.ts
 * (npm run docs:config): it must be current, every key of the schema must have a description,
 * and no description may be left over for a key that is gone.
 */
import { readFileSync } from "node:fs";
import { CONFIG_DESCRIPTIONS } from "../../config/descriptions";
import { REFERENCE_FILE, configLeaves, expandKey, renderReference } from "../../scripts/config-reference";

test("the committed reference is what npm run docs:config generates", () => {
  expect(readFileSync(REFERENCE_FILE, "utf8")).toBe(renderReference());
});

test("every description names keys the schema has, and every key has one", () => {
  const leaves = new Set(configLeaves().map((l) => l.path));
  const described = new Set(Object.keys(CONFIG_DESCRIPTIONS).flatMap(expandKey));
  expect([...described].filter((p) => !leaves.has(p))).toEqual([]);
  expect([...leaves].filter((p) => !described.has(p))).toEqual([]);
  expect(leaves.size).toBeGreaterThan(100);
});

test("a key family expands to each name", () => {
  expect(expandKey("a.{b,c}.{d,e}")).toEqual(["a.b.d", "a.b.e", "a.c.d", "a.c.e"]);
});

test("defaults come from the schema as the loader applies them", () => {
  const text = renderReference();
  expect(text).toMatch(/\| `kubernetes\.namespace` \| string \| `"kodus"` \|/);
  expect(text).toMatch(/\| `healthcheck\.schedule` \| string \| `"\*\/15 \* \* \* \*"` \|/);
});
