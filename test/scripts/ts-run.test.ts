/**
 * scripts/ts-run.cjs, the runner behind `cdktf synth` and `npm run synth`: a user who edits a
 * .ts file and synthesizes right away must get the edit, never a cached build, and the program
 * must behave as tsc compiled it (strict mode, module identity, __dirname, TypeScript lines).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, TS_RUN } from "../helpers/cli";

function run(file: string, cacheDir: string) {
  const r = spawnSync(process.execPath, [TS_RUN, file], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", KODUS_TS_CACHE_DIR: cacheDir },
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

test("an edited .ts is used by the very next run, even with the same size and mtime; an unchanged run does not load esbuild", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-ts-run-"));
  const cache = join(dir, "cache");
  const value = join(dir, "value.ts");
  const fixed = new Date("2026-01-01T00:00:00Z"); // whole seconds: restorable exactly
  writeFileSync(value, 'export const value: string = "one";\n');
  utimesSync(value, fixed, fixed);
  writeFileSync(
    join(dir, "main.ts"),
    'import { value } from "./value";\nconst esbuild = Object.keys(require.cache).some((k) => k.endsWith("/node_modules/esbuild/lib/main.js"));\nconsole.log(`${value} esbuild=${esbuild}`);\n',
  );
  expect(run(join(dir, "main.ts"), cache)).toMatchObject({ status: 0, stdout: "one esbuild=true" });
  expect(run(join(dir, "main.ts"), cache)).toMatchObject({ status: 0, stdout: "one esbuild=false" });

  const before = statSync(value);
  writeFileSync(value, 'export const value: string = "two";\n'); // same length
  utimesSync(value, fixed, fixed); // same mtime, as a fast editor, a checkout or a copy can leave it
  expect([statSync(value).size, statSync(value).mtimeMs]).toEqual([before.size, before.mtimeMs]);
  expect(run(join(dir, "main.ts"), cache)).toMatchObject({ status: 0, stdout: "two esbuild=true" });
  expect(readdirSync(cache).filter((f) => f.endsWith(".js"))).toHaveLength(3); // main, value "one", value "two"
});

test("the program runs as tsc would compile it: strict mode, main module, __dirname of the source, TypeScript lines in stack traces", () => {
  const dir = mkdtempSync(join(tmpdir(), "kodus-ts-run-"));
  writeFileSync(
    join(dir, "main.ts"),
    [
      "type Point = { x: number };",
      "const frozen: Point = Object.freeze({ x: 1 });",
      "let strict = false;",
      "try { (frozen as { x: number }).x = 2; } catch { strict = true; }",
      "console.log(JSON.stringify({ strict, main: require.main === module, dir: __dirname }));",
      // cdktf's token stacks: captured on a plain object with no limit; kept to V8's default 10 frames.
      'function deep(n: number): string { if (n > 0) return deep(n - 1); const o = { stack: "" }; Error.stackTraceLimit = Infinity; Error.captureStackTrace(o); Error.stackTraceLimit = 10; return o.stack; } const plain = deep(30).split("\\n"); console.error("PLAIN " + JSON.stringify({ frames: plain.length - 1, first: plain[1] }));',
      "function explode(): never {",
      '  throw new Error("boom");',
      "}",
      "if (process.argv.includes('never')) explode();",
      "explode();",
    ].join("\n"),
  );
  const r = run(join(dir, "main.ts"), join(dir, "cache"));
  expect(r.status).toBe(1);
  expect(JSON.parse(r.stdout)).toEqual({ strict: true, main: true, dir });
  expect(r.stderr).toContain("Error: boom");
  expect(r.stderr).toContain(`at explode (${join(dir, "main.ts")}:8:9)`);
  expect(r.stderr).toContain(`${join(dir, "main.ts")}:11:1`);
  const plain = JSON.parse(/^PLAIN (.*)$/m.exec(r.stderr)![1]) as { frames: number; first: string };
  expect(plain.frames).toBe(10);
  expect(plain.first).toContain(`at deep (${join(dir, "main.ts")}:6:`);
});

test("cdktf synth (cdktf.json) and npm run synth both run main.ts through the runner", () => {
  expect(JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8")).app).toBe("node scripts/ts-run.cjs main.ts");
  expect(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts.synth).toBe("node scripts/ts-run.cjs main.ts");
});
