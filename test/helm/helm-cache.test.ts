/**
 * The helm render cache (helm.ts) may only ever return what helm would print now: its key must
 * follow the content of the chart and values files, and it must never cover a run that talks to a
 * cluster or prints the time.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHART_DIR, EXPLICIT_SECRET_FLAGS, FULL_VALUES_FILE, PROJECT_ROOT, helm, helmBin, helmCacheKey, parseManifests, render } from "./helm";

let work: string;
let chart: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kodus-helm-cache-"));
  chart = join(work, "kodus-chutes");
  cpSync(CHART_DIR, chart, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const templateArgs = (dir: string, ...more: string[]) => ["template", "kodus", dir, "--namespace", "kodus", ...EXPLICIT_SECRET_FLAGS, ...more];

describe("helm render cache key", () => {
  test("the same chart content under another path is the same key; an edited template, values file or flag is not", () => {
    const base = helmCacheKey(templateArgs(chart), undefined);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(helmCacheKey(templateArgs(CHART_DIR), undefined)).toBe(base);
    expect(helmCacheKey(templateArgs(chart, "--set", "replicas.api=3"), undefined)).not.toBe(base);
    expect(helmCacheKey(templateArgs(chart), JSON.stringify({ replicas: { api: 3 } }))).not.toBe(base);

    appendFileSync(join(chart, "templates", "services.yaml"), "\n# edited\n");
    const edited = helmCacheKey(templateArgs(chart), undefined);
    expect(edited).not.toBe(base);
    // A file added to the chart counts too.
    writeFileSync(join(chart, "templates", "extra.yaml"), "");
    expect(helmCacheKey(templateArgs(chart), undefined)).not.toBe(edited);

    const values = join(work, "values.yaml");
    writeFileSync(values, "replicas:\n  api: 2\n");
    const withValues = helmCacheKey(templateArgs(CHART_DIR, "-f", values), undefined);
    writeFileSync(values, "replicas:\n  api: 3\n");
    expect(helmCacheKey(templateArgs(CHART_DIR, "-f", values), undefined)).not.toBe(withValues);
    // A --set-file path is read as content too.
    writeFileSync(values, "a");
    const setFile = helmCacheKey(templateArgs(CHART_DIR, "--set-file", `secrets.values.chutes_api_key=${values}`), undefined);
    writeFileSync(values, "b");
    expect(helmCacheKey(templateArgs(CHART_DIR, "--set-file", `secrets.values.chutes_api_key=${values}`), undefined)).not.toBe(setFile);
  });

  test("the key follows helm's environment, except PATH (npm run and npx set different ones)", () => {
    const base = helmCacheKey(templateArgs(CHART_DIR), undefined);
    expect(helmCacheKey(templateArgs(CHART_DIR), undefined, { HELM_DEBUG: "1" })).not.toBe(base);
    const path = process.env.PATH;
    try {
      process.env.PATH = `/elsewhere/bin:${path}`;
      expect(helmCacheKey(templateArgs(CHART_DIR), undefined)).toBe(base);
    } finally {
      process.env.PATH = path;
    }
  });

  test("runs that ask a cluster or print the time are never cached", () => {
    expect(helmCacheKey(["install", "kodus", CHART_DIR, "--dry-run=client"], undefined)).toBeUndefined();
    expect(helmCacheKey([...templateArgs(CHART_DIR), "--dry-run=server", "--kube-apiserver", "http://127.0.0.1:1"], undefined)).toBeUndefined();
    expect(helmCacheKey(["lint", "--strict", CHART_DIR], undefined)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a cached render is byte for byte what helm prints now (the chart renders nothing random or time-based offline)", () => {
    const args = templateArgs(CHART_DIR, "-f", FULL_VALUES_FILE);
    const cached = helm(args);
    helm(args); // served from the cache
    const fresh = spawnSync(helmBin(), args, { cwd: PROJECT_ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", KUBECONFIG: "/nonexistent" } });
    expect(fresh.status).toBe(0);
    expect(cached.status).toBe(0);
    expect(cached.stdout).toBe(fresh.stdout);
    // render()'s parsed objects (kept as JSON) are exactly what parsing the fresh YAML gives, and new each time.
    const objects = render({ files: [FULL_VALUES_FILE], flags: EXPLICIT_SECRET_FLAGS });
    const again = render({ files: [FULL_VALUES_FILE], flags: EXPLICIT_SECRET_FLAGS });
    expect(again).toStrictEqual(parseManifests(fresh.stdout));
    expect(objects).toStrictEqual(again);
    expect(objects[0]).not.toBe(again[0]);
  });
});

