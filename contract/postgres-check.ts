/**
 * What Kodus' migrations need from PostgreSQL besides a database: two extensions. Its first
 * migrations run `CREATE EXTENSION IF NOT EXISTS vector` (pgvector, for embeddings) and TypeORM
 * creates "uuid-ossp" for the uuid_generate_v4() defaults; neither is a trusted extension, so on
 * a managed PostgreSQL where the Kodus user is not a superuser both fail, and the migration
 * (or, later, signing up) breaks with an error that does not say what to do.
 *
 * The migration runs this check first, with the API's own settings (the API image has Node and
 * the `pg` driver Kodus uses): it creates a missing extension if it may, and otherwise fails with
 * the one statement an administrator must run. It never blocks a migration it cannot judge (no
 * driver, no connection: the migration's own error is then the one to read).
 */

/** The extensions Kodus' schema needs. */
export const POSTGRES_EXTENSIONS = ["vector", "uuid-ossp"] as const;

/** Marker at the start of the check's failure message (docs and tests look for it). */
export const POSTGRES_CHECK_FAILURE = "kodus: PostgreSQL is missing extensions Kodus needs";

/** The SQL an administrator runs once, as a superuser, in the Kodus database. */
export const POSTGRES_ADMIN_SQL = POSTGRES_EXTENSIONS.map((e) => `CREATE EXTENSION IF NOT EXISTS "${e}";`).join(" ");

/**
 * The check, for `node -e` in the API image. Reads API_PG_DB_* and API_DATABASE_DISABLE_SSL as
 * Kodus does (TLS without certificate verification unless disabled). Exit 1 only when an
 * extension is missing and cannot be created; the message goes to stdout and to the container's
 * termination message (kubectl describe shows it).
 */
export const POSTGRES_CHECK_SCRIPT = `
const fs = require("node:fs");
const need = ${JSON.stringify(POSTGRES_EXTENSIONS)};
const say = (m) => console.log(m);
let pg;
try { pg = require("pg"); } catch { say("kodus: no pg driver in this image: extensions not checked"); process.exit(0); }
const e = process.env;
const client = new pg.Client({
  host: e.API_PG_DB_HOST, port: Number(e.API_PG_DB_PORT), user: e.API_PG_DB_USERNAME, password: e.API_PG_DB_PASSWORD,
  database: e.API_PG_DB_DATABASE, ssl: e.API_DATABASE_DISABLE_SSL === "true" ? false : { rejectUnauthorized: false },
  connectionTimeoutMillis: 15000,
});
(async () => {
  try { await client.connect(); } catch (err) { say("kodus: cannot connect to PostgreSQL to check extensions (" + err.message + "): the migration will say more"); process.exit(0); }
  const missing = [];
  for (const x of need) {
    const have = await client.query("SELECT 1 FROM pg_extension WHERE extname = $1", [x]);
    if (have.rowCount > 0) continue;
    try { await client.query('CREATE EXTENSION IF NOT EXISTS "' + x + '"'); say("kodus: created extension " + x); }
    catch (err) { missing.push(x + " (" + err.message + ")"); }
  }
  await client.end();
  if (missing.length === 0) { say("kodus: PostgreSQL has the extensions Kodus needs: " + need.join(", ")); return; }
  const msg = ${JSON.stringify(POSTGRES_CHECK_FAILURE)} + ": " + missing.join("; ") + ". The user " + e.API_PG_DB_USERNAME +
    " may not create them. Run once as a superuser (or your provider's admin role) in database " + e.API_PG_DB_DATABASE + ": " +
    ${JSON.stringify(POSTGRES_ADMIN_SQL)};
  say(msg);
  try { fs.writeFileSync("/dev/termination-log", msg); } catch {}
  process.exit(1);
})().catch((err) => { say("kodus: extension check error (" + err.message + "): the migration will say more"); process.exit(0); });
`.trim();
