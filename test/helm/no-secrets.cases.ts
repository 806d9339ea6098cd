/**
 * The chart refuses a Chutes key anywhere in its values (issue #21) but secrets.values.chutes_api_key,
 * with the real helm: a property test puts a fresh key-shaped value at every string and every map
 * key of the full values (test/helm/full-values.yaml) and expects the render to fail naming exactly
 * that place, with nothing of the key in helm's output. Renders here always differ (a fresh key
 * each), so they bypass the render cache: `npm test` (no-secrets.test.ts) checks every 15th place
 * and the cases below; `npm run test:e2e` (no-secrets-all.test.ts) checks every place (about 200
 * helm renders).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { places, putAt, type Place } from "../helpers/leaves";
import { freshChutesKey, leakedRuns } from "../helpers/secret-leaks";
import { CHART_DIR, EXPLICIT_SECRET_VALUES, FULL_VALUES_FILE, PROJECT_ROOT, helmBin } from "./helm";

/** Every secret given in chart mode: an offline render cannot read generated ones back. */
const CHART_MODE = { secrets: { values: EXPLICIT_SECRET_VALUES } };

function template(values: unknown): { status: number | null; out: string } {
  const r = spawnSync(helmBin(), ["template", "kodus", CHART_DIR, "--namespace", "kodus", "-f", "-"], {
    cwd: PROJECT_ROOT,
    input: JSON.stringify(values),
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", KUBECONFIG: "/nonexistent", GOGC: "off", GOMAXPROCS: "1" },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** The problem lines of a failed render: the chart's ("  - <path>: <what>") or Helm's schema errors ("- at '<pointer>': <what>"). */
const problemLines = (out: string) => out.split("\n").filter((l) => /^ {2}- |^- at '/.test(l));
/** How the chart names a place: dotted, a key-shaped map key shown as "cpk_…" (written here, not imported). */
const shown = (place: Place): string =>
  (place.kind === "key" ? [...place.path.slice(0, -1), "cpk_…"] : place.path).map(String).join(".");
/**
 * The one line a refusal must be: the chart's, naming the place; or, where the schema allows only
 * a few words (an enum), Helm's schema error at that place, which does not print the value.
 */
const refusalOf = (place: Place) =>
  new RegExp(
    `^( {2}- ${escape(shown(place))}: .*Chutes API key|- at '/${escape(place.path.map(String).join("/"))}': value must be one of )`,
  );
/** A key pasted as a map key is pasted next to the others: the original stays. */
function withKeyAt(data: unknown, place: Place, key: string): unknown {
  if (place.kind === "value") return putAt(data, place, key);
  const copy = JSON.parse(JSON.stringify(data));
  const parent = place.path.slice(0, -1).reduce<any>((node, k) => node[k], copy);
  parent[key] = parent[place.path[place.path.length - 1]];
  return copy;
}

const full = parse(readFileSync(FULL_VALUES_FILE, "utf8")) as Record<string, unknown>;

/** The chart's no-secrets tests; `every` places apart (1: all of them). */
export function defineNoSecretsTests(every: number): void {

test("the full values render (the baseline every case below changes in one place)", () => {
  expect(template(full).status).toBe(0);
});

describe("a key at any string or map key of the full values fails the render, naming that place, the key not shown", () => {
  const cases = places(full).map((p) => [`${p.kind} ${p.path.join(".")}`, p] as const);
  test("the walk reaches the free-form maps", () => {
    expect(cases.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        "key pods.api.annotations.prometheus.io/scrape",
        "value pods.api.annotations.prometheus.io/scrape",
        "value pods.api.labels.team",
        "key ingress.annotations.cert-manager.io/cluster-issuer",
        "value scheduling.nodeSelector.node-pool",
      ]),
    );
    expect(cases.length).toBeGreaterThan(150);
  });

  test.each(cases.filter((_c, i) => i % every === 0))("%s", (_name, place) => {
    const key = freshChutesKey();
    const r = template(withKeyAt(full, place, key));
    expect(r.status).not.toBe(0);
    expect(problemLines(r.out)).toEqual([expect.stringMatching(refusalOf(place))]);
    expect(leakedRuns(r.out, key)).toEqual([]);
  });

  test("inside a longer value (a Bearer header), and every place at once, one line each", () => {
    const key = freshChutesKey();
    const r = template({
      ...CHART_MODE,
      ingress: { annotations: { "x/auth": `Bearer ${key}` } },
      pods: { web: { labels: { team: key } } },
      healthcheck: { prometheusRule: { labels: { [key]: "x" } } },
    });
    expect(problemLines(r.out)).toEqual([
      expect.stringMatching(/^ {2}- healthcheck\.prometheusRule\.labels\.cpk_…: is a map key .*Chutes API key/),
      expect.stringMatching(/^ {2}- ingress\.annotations\.x\/auth: .*Chutes API key/),
      expect.stringMatching(/^ {2}- pods\.web\.labels\.team: .*Chutes API key/),
    ]);
    expect(leakedRuns(r.out, key)).toEqual([]);
  });
});

test("secrets.values.chutes_api_key is where the key belongs: accepted there", () => {
  expect(template({ secrets: { values: { ...EXPLICIT_SECRET_VALUES, chutes_api_key: freshChutesKey() } } }).status).toBe(0);
});

test.each([
  ["a CA bundle", `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(600, 3).toString("base64")}\n-----END CERTIFICATE-----`],
  ["a sha256 digest", `sha256:${"cd".repeat(32)}`],
  ["long base64", Buffer.alloc(300, 9).toString("base64")],
])("negative control: %s in an annotation renders", (_name, value) => {
  expect(template({ ...CHART_MODE, pods: { api: { annotations: { "example.com/data": value } } } }).status).toBe(0);
});
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
