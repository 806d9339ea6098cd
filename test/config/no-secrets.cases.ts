/**
 * No Chutes key anywhere in the config (issue #21): one rule over every string of the file, map
 * keys included, whatever the section. Property tests put a fresh key-shaped value at every
 * string and every map key of a config with every key set, and expect a refusal naming exactly
 * that place, with nothing of the key in the message.
 */
import { z } from "zod";
import { ConfigError, parseConfig } from "../../config/load";
import { configSchema } from "../../config/schema";
import { FULL_CONFIG, OTHER_BACKENDS, fullConfigs } from "../helpers/full-config";
import { places, putAt, type Path, type Place } from "../helpers/leaves";
import { freshChutesKey, leakedRuns } from "../helpers/secret-leaks";

/** The config's no-secrets tests; the property test at every `every`-th place (1: all of them). */
export function defineNoSecretsConfigTests(every: number): void {
  function problems(data: unknown): string[] {
    try {
      parseConfig(data, "test");
    } catch (err) {
      if (err instanceof ConfigError) return [...err.problems];
      throw err;
    }
    throw new Error("expected a ConfigError, but the config was accepted");
  }

  const KEY_LINE = /Chutes API key/;
  /** How the loader names a place: dotted, a key-shaped map key shown as "cpk_…" (written here, not imported). */
  const shown = (place: Place): string => (place.kind === "key" ? [...place.path.slice(0, -1), "cpk_…"] : place.path).map(String).join(".");

  describe("the full configs", () => {
    test.each(fullConfigs().map((c) => [c.name, c.config] as const))("%s: accepted as written", (_name, config) => {
      expect(() => parseConfig(config, "test")).not.toThrow();
    });

    test("together they set every key the schema knows (so the property tests below reach every field)", () => {
      const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
      const missing: string[] = [];
      const configs = fullConfigs().map((c) => c.config);
      const at = (data: unknown, path: Path): unknown =>
        path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), data);
      const walk = (node: any, path: string[]): void => {
        if (node === undefined || node === null || typeof node !== "object") return;
        for (const sub of [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.oneOf ?? [])]) walk(sub, path);
        if (node.properties) {
          for (const [key, child] of Object.entries(node.properties)) {
            if (configs.every((c) => at(c, [...path, key]) === undefined)) missing.push([...path, key].join("."));
            else walk(child, [...path, key]);
          }
        }
        // A record (a free-form map); a loose object's `{}` (the backend blocks, whose unknown keys are refused) is not one.
        if (typeof node.additionalProperties === "object" && Object.keys(node.additionalProperties).length > 0) {
          // A free-form map: at least one entry somewhere, so its keys and values are walked too.
          const maps = configs.map((c) => at(c, path)).filter((m): m is object => typeof m === "object" && m !== null);
          if (!maps.some((m) => Object.keys(m).length > 0)) missing.push(`${path.join(".")}.<entry>`);
        }
        if (node.items) {
          const lists = configs.map((c) => at(c, path)).filter(Array.isArray);
          if (!lists.some((l) => l.length > 0)) missing.push(`${path.join(".")}[]`);
          else walk(node.items, [...path, "0"]);
        }
      };
      walk(schema, []);
      expect(missing).toEqual([]);
    });
  });

  describe("a Chutes key anywhere is refused, naming exactly that place, the key not shown", () => {
    // Every place of FULL_CONFIG, and the backend-only places of the other backends.
    const cases: [string, Record<string, unknown>, Place][] = fullConfigs().flatMap(({ name, config }) =>
      places(config)
        .filter((p) => name === "s3" || (p.path[0] === "terraform" && p.path.length > 2))
        .map((p) => [`${name}: ${p.kind} ${p.path.join(".")}`, config, p] as [string, Record<string, unknown>, Place]),
    );

    test("the walk finds the free-form maps' keys and values", () => {
      const names = cases.map(([name]) => name);
      expect(names).toEqual(
        expect.arrayContaining([
          "s3: key kubernetes.pods.api.annotations.example.com/owner",
          "s3: value kubernetes.pods.api.annotations.example.com/owner",
          "s3: value kubernetes.ingress.annotations.cert-manager.io/cluster-issuer",
          "s3: key healthcheck.prometheusRule.labels.release",
          "s3: value terraform.backend.s3.endpoint",
          "pg: value terraform.backend.pg.connStr",
        ]),
      );
      expect(cases.length).toBeGreaterThan(150);
    });

    test.each(cases.filter((_c, i) => i % every === 0))("%s", (_name, config, place) => {
      const key = freshChutesKey();
      const lines = problems(putAt(config, place, key));
      expect(lines.filter((l) => KEY_LINE.test(l))).toEqual([expect.stringMatching(new RegExp(`^${escape(shown(place))}: `))]);
      expect(leakedRuns(lines.join("\n"), key)).toEqual([]);
    });

    test("inside a longer value too (a Bearer header, a URL parameter)", () => {
      for (const wrap of [(k: string) => `Bearer ${k}`, (k: string) => `https://x.example.com/?token=${k}`]) {
        const key = freshChutesKey();
        const lines = problems({ kubernetes: { ingress: { annotations: { "nginx.ingress.kubernetes.io/auth": wrap(key) } } } });
        expect(lines).toEqual([
          expect.stringMatching(/^kubernetes\.ingress\.annotations\.nginx\.ingress\.kubernetes\.io\/auth: .*Chutes API key/),
        ]);
        expect(leakedRuns(lines.join("\n"), key)).toEqual([]);
      }
    });
  });

  describe("negative controls: secrets-looking values that are not a Chutes key are accepted", () => {
    const pem = [
      "-----BEGIN CERTIFICATE-----",
      ...Array.from({ length: 12 }, (_, i) => Buffer.alloc(48, i + 1).toString("base64")),
      "-----END CERTIFICATE-----",
    ].join("\n");
    test.each([
      ["a CA bundle", pem],
      ["a sha256 digest", `sha256:${"ab".repeat(32)}`],
      ["long base64", Buffer.alloc(300, 7).toString("base64")],
      ["long base64url with dots (a JWT-like token without cpk_)", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlX3ZhbHVlX2hlcmU"],
      ["cpk_ as the tail of a longer word", "mycpk_a.b.c"],
    ])("%s in an annotation", (_name, value) => {
      expect(() => parseConfig({ kubernetes: { pods: { api: { annotations: { "example.com/data": value } } } } }, "test")).not.toThrow();
    });
  });

  describe("state backends: no credentials in a URL, the value masked", () => {
    test("s3 endpoint with user:password@ is refused, naming the field, the password not shown", () => {
      const lines = problems({
        terraform: { backend: { s3: { bucket: "kodus-state", endpoint: "https://USER:PASSWORD@minio.example.com" } } },
      });
      expect(lines).toEqual([expect.stringMatching(/^terraform\.backend\.s3\.endpoint: must not contain credentials .*AWS_ACCESS_KEY_ID/)]);
      expect(lines[0]).toContain('"https://***@minio.example.com"');
      expect(lines.join("\n")).not.toMatch(/USER|PASSWORD/);
    });

    // Every string field of every backend: a URL with credentials is refused there (whatever else is
    // wrong with it) and the credentials never appear. Two fields are names that take any text, not
    // URLs (a kubeconfig context, an HCP Terraform project): a URL there is not used as one.
    const NAMES = ["terraform.backend.kubernetes.configContext", "terraform.backend.cloud.project"];
    const backendFields = fullConfigs().flatMap(({ name, config }) =>
      places(config)
        .filter((p) => p.kind === "value" && p.path[0] === "terraform" && !NAMES.includes(p.path.join(".")))
        .map((p) => [`${name}: ${p.path.join(".")}`, config, p] as const),
    );
    test("there is a string field of every backend but local (which has none)", () => {
      const types = new Set(backendFields.map(([name]) => name.split(":")[0]));
      expect([...types].sort()).toEqual(["s3", ...Object.keys(OTHER_BACKENDS)].filter((t) => t !== "local").sort());
    });
    test.each(backendFields)("%s", (_name, config, place) => {
      const lines = problems(putAt(config, place, "https://USER:S3CRET-PASS@state.example.com/x"));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^${escape(place.path.join("."))}: `))]);
      expect(lines.join("\n")).not.toMatch(/USER|S3CRET/);
    });

    test("a pg connStr with a user name and no password is fine (the password comes from PGPASSWORD)", () => {
      expect(
        parseConfig({ terraform: { backend: { pg: { connStr: "postgres://terraform@pg.example.com/state" } } } }, "t").terraform.backend,
      ).toMatchObject({
        type: "pg",
      });
    });
  });

  test("FULL_CONFIG is a valid config on its own (a typo in it would hide places from the walk)", () => {
    expect(parseConfig(FULL_CONFIG, "test").llm.structuredOutput).toBe(false);
  });

  function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
}
