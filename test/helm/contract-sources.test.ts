/**
 * The chart's templates write no Kodus, store or probe fact by hand: each one that contract/ or
 * probe/ defines reaches them through files/contract.json (npm run chart:contract), so a change
 * to the definition changes every target at once. Two halves: the templates do not contain the
 * facts (a scan, comments left out), and what renders follows an edited contract.json.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { CHUTES_KEY_ENV } from "../../contract/secrets";
import { PROBE_DIR, PROBE_ENV, PROBE_FILE, PROBE_KEY_ENV } from "../../probe/probe-program";
import { CHART_DIR, EXPLICIT_SECRET_VALUES, find, helmBin, podSpec, render, secretData, tryRender, type K8sObject } from "./helm";

const TEMPLATES = join(CHART_DIR, "templates");

/** Every template file (tests/ too), with its text minus template comments and YAML comment lines. */
function templates(): { file: string; code: string }[] {
  const files = readdirSync(TEMPLATES, { recursive: true, encoding: "utf8" }).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
  return files.map((f) => ({
    file: relative(CHART_DIR, join(TEMPLATES, f)),
    code: readFileSync(join(TEMPLATES, f), "utf8")
      .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, "")
      .replace(/^\s*#.*$/gm, ""),
  }));
}

/** Where a fact is written as a whole word (not inside a longer name or path). */
function writtenIn(fact: string): string[] {
  const word = new RegExp(`(?<![A-Za-z0-9_])${fact.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(?![A-Za-z0-9_])`);
  return templates()
    .filter((t) => word.test(t.code))
    .map((t) => t.file);
}

/** Each fact the templates must read from files/contract.json, with the definition it comes from. */
const FACTS: readonly (readonly [fact: string, source: string])[] = [
  [PROBE_DIR, "probe/probe-program.ts PROBE_DIR"],
  [PROBE_FILE, "probe/probe-program.ts PROBE_FILE"],
  [PROBE_KEY_ENV, "probe/probe-program.ts PROBE_KEY_ENV"],
  ...Object.values(PROBE_ENV).map((name) => [name, "probe/probe-program.ts PROBE_ENV"] as const),
  [CHUTES_KEY_ENV, "contract/secrets.ts CHUTES_KEY_ENV"],
];

describe("no template writes a fact contract/ or probe/ defines", () => {
  test("the scan sees the templates and would find a fact written in them", () => {
    // Guards the guard: the directory walk reaches the helpers and the test hook, and the word match finds a name.
    const files = templates().map((t) => t.file);
    expect(files).toEqual(expect.arrayContaining(["templates/_helpers.tpl", "templates/secret.yaml", "templates/tests/kodus-test.yaml"]));
    expect(FACTS.map(([f]) => f)).toEqual(expect.arrayContaining(["CHUTES_API_KEY", "PROBE_BASE_URL", "PROBE_SCHEDULE", "/opt/kodus-chutes-probe"]));
    expect(writtenIn("kodus.contract")).toContain("templates/_helpers.tpl");
    expect(writtenIn("PROBE_PROGRAM")).toEqual(["templates/tests/kodus-test.yaml"]); // the helm test's own variable, not a probe setting
  });

  test.each(FACTS)("%s (%s) is read from files/contract.json, never written in a template", (fact) => {
    expect(writtenIn(fact)).toEqual([]);
  });
});

describe("what renders follows files/contract.json", () => {
  beforeAll(() => helmBin());
  const VALUES = { secrets: { values: EXPLICIT_SECRET_VALUES } };

  /** A copy of the chart whose contract.json text went through `edit`. */
  function withContract(edit: (json: string) => string): string {
    const dir = join(mkdtempSync(join(tmpdir(), "kodus-chart-sources-")), "kodus-chutes");
    cpSync(CHART_DIR, dir, { recursive: true });
    const file = join(dir, "files", "contract.json");
    writeFileSync(file, edit(readFileSync(file, "utf8")));
    return dir;
  }
  const envOf = (container: any): Record<string, any> =>
    Object.fromEntries(container.env.map((e: any) => [e.name, e.valueFrom ? e.valueFrom.secretKeyRef.key : e.value]));

  test("the probe's directory, command, key variable, settings' names and the Chutes key's Secret key", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.probe.dir = "/srv/probe";
      c.probe.command = ["node", "--no-warnings", "/srv/probe/chutes-probe.mjs"];
      c.probe.keyEnv = "KEY_FOR_PROBE";
      c.probe.env.find((v: any) => v.name === "PROBE_MODEL").name = "PROBE_MODEL_ID";
      // The Kodus variable holding the key is also each LLM component's secret variable.
      return JSON.stringify(c, null, 2).replaceAll(`"${CHUTES_KEY_ENV}"`, '"KODUS_CHUTES_KEY"');
    });
    const objects: K8sObject[] = render({ values: VALUES, chart });
    const preflight = podSpec(objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("kodus-chutes-preflight-"))!);
    const periodic = podSpec(find(objects, "CronJob", "kodus-chutes-healthcheck"));
    for (const spec of [preflight, periodic]) {
      const probe = spec.containers[0];
      expect(probe.command).toEqual(["node", "--no-warnings", "/srv/probe/chutes-probe.mjs"]);
      expect(probe.volumeMounts).toContainEqual({ name: "probe", mountPath: "/srv/probe", readOnly: true });
      const env = envOf(probe);
      expect(env).toMatchObject({ KEY_FOR_PROBE: "KODUS_CHUTES_KEY", PROBE_MODEL_ID: expect.any(String) });
      expect(Object.keys(env)).not.toContain("PROBE_MODEL");
      expect(Object.keys(env)).not.toContain(PROBE_KEY_ENV);
    }
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-chutes-preflight")))).toEqual(["KODUS_CHUTES_KEY"]);
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-secrets")))).toContain("KODUS_CHUTES_KEY");
    expect(Object.keys(secretData(find(objects, "Secret", "kodus-secrets")))).not.toContain(CHUTES_KEY_ENV);
    const test = find(objects, "Pod", "kodus-test").spec.containers[0];
    expect(envOf(test)).toMatchObject({ KEY_FOR_PROBE: "KODUS_CHUTES_KEY", PROBE_MODEL_ID: expect.any(String) });
  });

  test("a probe variable the chart computes no value for fails the render, naming it", () => {
    const chart = withContract((json) => {
      const c = JSON.parse(json);
      c.probe.env.push({ setting: "retries", name: "PROBE_RETRIES" });
      return JSON.stringify(c, null, 2);
    });
    const r = tryRender({ values: VALUES, chart });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("files/contract.json gives the Chutes probe the variable PROBE_RETRIES (setting retries), but the chart computes no value for it");
  });
});
