/**
 * The test environment (test/helpers/jest-environment.cjs) formats stack traces of plain objects
 * cheaply; real errors keep Jest's source-mapped positions.
 */
import { readFileSync } from "node:fs";
import { captureStackTrace } from "cdktf/lib/tokens/private/stack-trace";

// Type-only lines: esbuild drops them, so without source maps every line below would shift up.
interface Padding {
  readonly a: number;
  readonly b: number;
}
type Unused = Padding | undefined;

const THROW_LINE = 16;
const makeError = (): Error => new Error("made here"); // line 16: a real error's frame must say so

test("a real error's stack points at the TypeScript source line (source maps still apply)", () => {
  const unused: Unused = undefined;
  expect(unused).toBeUndefined();
  expect(makeError().stack).toContain(`jest-environment.test.ts:${THROW_LINE}:`);
});

test("a plain object's stack is V8's plain format, cut to 10 frames (V8's default limit)", () => {
  const holder = { stack: "" };
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = 1000;
  try {
    Error.captureStackTrace(holder);
  } finally {
    Error.stackTraceLimit = previous;
  }
  const lines = holder.stack.split("\n");
  expect(lines[0]).toBe("[object Object]");
  expect(lines.length - 1).toBeGreaterThan(1);
  expect(lines.length - 1).toBeLessThanOrEqual(10);
  expect(lines.slice(1).every((l) => l.startsWith("    at "))).toBe(true);
});

test("cdktf's token creation stacks still name the caller", () => {
  const frames = captureStackTrace();
  expect(frames.length).toBeGreaterThan(0);
  expect(frames.join("\n")).toContain("jest-environment.test.ts");
});

test("an error whose toString tag is not Error (a DOMException) keeps source-mapped lines too", () => {
  const line =
    readFileSync(__filename, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(["MARK", "DOMEXCEPTION"].join("-"))) + 1;
  const error = new DOMException("aborted", "AbortError"); // MARK-DOMEXCEPTION
  expect(Object.prototype.toString.call(error)).not.toBe("[object Error]");
  expect(error.stack).toContain(`jest-environment.test.ts:${line}:`);
});
