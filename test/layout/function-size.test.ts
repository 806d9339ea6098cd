/**
 * Size limits that keep the stacks readable as a list of what is deployed: no function in
 * stacks/ over 60 lines, none in constructs/ over 120 (constructors, methods, functions and
 * arrow functions alike, measured from the first to the last line). A part that grows past its
 * limit is split into named functions or a construct of its own (docs/development.md#size-limits).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const LIMITS = { stacks: 60, constructs: 120 } as const;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every function-like node of a source text longer than `limit` lines, as "file:line name (n lines)". */
export function tooLong(file: string, text: string, limit: number): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const last = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      const named = ts.isVariableDeclaration(node.parent) ? node.parent : node;
      const name = ts.isConstructorDeclaration(node) ? "constructor" : (named.name?.getText(src) ?? "(anonymous)");
      if (lines > limit) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
}

describe.each(Object.entries(LIMITS))("%s/", (dir, limit) => {
  test(`no function over ${limit} lines`, () => {
    const files = tsFiles(join(ROOT, dir));
    expect(files.length).toBeGreaterThan(1);
    const offenders = files.flatMap((f) => tooLong(relative(ROOT, f), readFileSync(f, "utf8"), limit));
    expect(offenders).toEqual([]);
  });
});

test("the measure counts a constructor, a method and an arrow function by their lines", () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `    x${i}();`).join("\n");
  const text = [
    "class A {",
    "  constructor() {",
    body(3), // lines 3-5: the constructor is 5 lines with its braces
    "  }",
    "  m() {",
    body(1),
    "  }",
    "}",
    "const f = () => {",
    body(4),
    "};",
  ].join("\n");
  expect(tooLong("a.ts", text, 4)).toEqual(["a.ts:2 constructor (5 lines)", "a.ts:11 f (6 lines)"]);
  expect(tooLong("a.ts", text, 6)).toEqual([]);
});
