/**
 * The migration's first step on Kubernetes (stack and chart): PostgreSQL has the extensions Kodus
 * needs, or the Job fails with the statement an administrator must run. Kodus' source
 * (a-nasstrom/kodus-ai a1051fafb): libs/core/infrastructure/database/typeorm/migrations/
 * 1766026227000-AddTableSuggestionEmbedded.ts runs `CREATE EXTENSION IF NOT EXISTS vector`, and
 * migrations such as 1766092668018-inboxOutboxWorkflow.ts default columns to uuid_generate_v4()
 * (the "uuid-ossp" extension, which TypeORM creates when it may). Neither is a trusted
 * extension: a user that is not a superuser cannot create them.
 *
 * The check runs here as the real program (node -e, as the init container runs it) against a
 * stand-in `pg` driver that answers like PostgreSQL does.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStack } from "../helpers/synth";

const EXTENSIONS = ["vector", "uuid-ossp"];
const ADMIN_SQL = 'CREATE EXTENSION IF NOT EXISTS "vector"; CREATE EXTENSION IF NOT EXISTS "uuid-ossp";';

const k8s = synthStack("kubernetes").json;
const init = k8s.resource.kubernetes_job_v1.migrate.spec.template.spec.init_container;
const check = init.find((c: any) => c.name === "postgres-extensions");

/** A stand-in `pg` module: `installed` extensions exist; CREATE EXTENSION works only when `superuser`. */
function fakePg(state: { installed: string[]; superuser: boolean; connects?: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), "kodus-pg-"));
  mkdirSync(join(dir, "pg"));
  writeFileSync(
    join(dir, "pg", "index.js"),
    `const state = ${JSON.stringify(state)};
     exports.Client = class {
       constructor(o) { this.o = o; }
       async connect() { if (state.connects === false) throw new Error("connect ECONNREFUSED"); }
       async query(sql, args) {
         if (sql.startsWith("SELECT 1 FROM pg_extension")) return { rowCount: state.installed.includes(args[0]) ? 1 : 0 };
         const m = /CREATE EXTENSION IF NOT EXISTS "([^"]+)"/.exec(sql);
         if (m) { if (!state.superuser) throw new Error('permission denied to create extension "' + m[1] + '"'); state.installed.push(m[1]); return {}; }
         throw new Error("unexpected " + sql);
       }
       async end() {}
     };`,
  );
  return dir;
}

function runCheck(nodePath: string | undefined) {
  const [cmd, ...args] = check.command;
  const env = {
    PATH: process.env.PATH ?? "",
    API_PG_DB_HOST: "pg",
    API_PG_DB_PORT: "5432",
    API_PG_DB_USERNAME: "kodus",
    API_PG_DB_DATABASE: "kodus_db",
    API_PG_DB_PASSWORD: "x",
    ...(nodePath ? { NODE_PATH: nodePath } : {}),
  };
  return spawnSync(cmd === "node" ? process.execPath : cmd, args, { env, encoding: "utf8", cwd: tmpdir() });
}

test("the migration Job checks first, on the API image, with the API's settings and only the PostgreSQL password", () => {
  expect(init.map((c: any) => c.name)).toEqual(["postgres-extensions"]);
  expect(check.image).toBe(k8s.resource.kubernetes_job_v1.migrate.spec.template.spec.container[0].image);
  expect(check.env.map((e: any) => e.name)).toEqual(["API_PG_DB_PASSWORD"]);
  expect(check.termination_message_policy).toBe("FallbackToLogsOnError");
});

test("both extensions there: passes", () => {
  const r = runCheck(fakePg({ installed: [...EXTENSIONS], superuser: false }));
  expect([r.status, r.stdout]).toEqual([0, expect.stringContaining("has the extensions Kodus needs")]);
});

test("missing, and the user may create them (a superuser, the bundled store): creates them and passes", () => {
  const r = runCheck(fakePg({ installed: [], superuser: true }));
  expect(r.status).toBe(0);
  for (const e of EXTENSIONS) expect(r.stdout).toContain(`created extension ${e}`);
});

test("missing, and the user may not create them: fails with PostgreSQL's reason and the SQL an admin runs once", () => {
  const r = runCheck(fakePg({ installed: ["uuid-ossp"], superuser: false }));
  expect(r.status).toBe(1);
  expect(r.stdout).toContain("PostgreSQL is missing extensions Kodus needs");
  expect(r.stdout).toContain('vector (permission denied to create extension "vector")');
  expect(r.stdout).toContain(ADMIN_SQL);
  expect(r.stdout).toContain("database kodus_db");
});

test("cannot judge (no driver, no connection): never blocks the migration", () => {
  expect(runCheck(undefined).status).toBe(0);
  const r = runCheck(fakePg({ installed: [], superuser: false, connects: false }));
  expect([r.status, r.stdout]).toEqual([0, expect.stringContaining("cannot connect to PostgreSQL")]);
});
