import { COMPONENTS, KODUS_COMPONENTS, OPTIONAL_COMPONENTS, enabledComponents, imageOwner, stopSeconds } from "../../contract/components";
import { envFor } from "../../contract/kodus-env";
import { EXPECTED_COMPONENTS, EXPECTED_OPTIONAL_COMPONENTS } from "../helpers/kodus-expected";

test.each(COMPONENTS)("%s: image, port, health paths and startup budget are Kodus' own", (c) => {
  const row = KODUS_COMPONENTS[c];
  const want = EXPECTED_COMPONENTS[c];
  expect([row.image, row.port, row.health.liveness, row.health.readiness, row.startupSeconds]).toEqual([
    want.image,
    want.port,
    want.liveness,
    want.readiness,
    want.startupSeconds,
  ]);
});

test("only the two workers have no Service (nothing connects to them) and nobody may connect to them", () => {
  expect(COMPONENTS.filter((c) => !KODUS_COMPONENTS[c].service)).toEqual(["worker", "worker-analytics"]);
  expect(KODUS_COMPONENTS.worker.peers).toEqual({ kind: "none" });
  expect(KODUS_COMPONENTS["worker-analytics"].peers).toEqual({ kind: "none" });
  // The web proxies to the API; the worker and the MCP manager reach its MCP server.
  expect(KODUS_COMPONENTS.api.peers).toEqual({ kind: "components", components: ["web", "worker", "mcp-manager"] });
});

describe.each(OPTIONAL_COMPONENTS)("%s, as the official installer ships it", (c) => {
  const want = EXPECTED_OPTIONAL_COMPONENTS[c];
  test("on or off by default as the official installer, and switchable", () => {
    expect(KODUS_COMPONENTS[c].enabledByDefault).toBe(want.enabledByDefault);
    const all = { "mcp-manager": { enabled: true }, "worker-analytics": { enabled: true } };
    expect(enabledComponents({ ...all, [c]: { enabled: false } })).not.toContain(c);
    expect(enabledComponents(all)).toContain(c);
  });
  test("the data stores it uses, and who may call it", () => {
    expect([...KODUS_COMPONENTS[c].dataStores].sort()).toEqual([...want.dataStores].sort());
    const peers = KODUS_COMPONENTS[c].peers;
    expect(peers.kind === "components" ? [...peers.components].sort() : []).toEqual([...want.calledBy].sort());
  });
  test("its own settings", () => {
    const env = Object.fromEntries(envFor(c).flatMap((v) => (!v.secret && v.constant !== undefined ? [[v.name, v.constant]] : [])));
    expect(env).toMatchObject(want.env);
  });
});

test("the analytics worker runs the worker's image: one digest pins both", () => {
  expect(imageOwner("worker-analytics")).toBe("worker");
  expect(imageOwner("mcp-manager")).toBe("mcp-manager");
});

test("the worker may stop for its whole drain plus 15 s; the others 30 s", () => {
  expect(stopSeconds("worker", 25_000)).toBe(40);
  expect(stopSeconds("worker-analytics", 25_000)).toBe(40);
  expect(stopSeconds("worker", 25_001)).toBe(41);
  expect(stopSeconds("api", 600_000)).toBe(30);
  expect(stopSeconds("web", 1)).toBe(30);
});

test("only the web writes outside /tmp: the Next.js cache", () => {
  expect(COMPONENTS.filter((c) => KODUS_COMPONENTS[c].writablePaths.length > 0)).toEqual(["web"]);
  expect(KODUS_COMPONENTS.web.writablePaths).toEqual([{ name: "next-cache", mountPath: "/usr/src/app/apps/web/.next/cache" }]);
});
