import { COMPONENTS, KODUS_COMPONENTS, stopSeconds } from "../../contract/components";
import { EXPECTED_COMPONENTS } from "../helpers/kodus-expected";

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

test("only the worker has no Service (nothing connects to it) and nobody may connect to it", () => {
  expect(COMPONENTS.filter((c) => !KODUS_COMPONENTS[c].service)).toEqual(["worker"]);
  expect(KODUS_COMPONENTS.worker.peers).toEqual({ kind: "none" });
  expect(KODUS_COMPONENTS.api.peers).toEqual({ kind: "components", components: ["web"] });
});

test("the worker may stop for its whole drain plus 15 s; the others 30 s", () => {
  expect(stopSeconds("worker", 25_000)).toBe(40);
  expect(stopSeconds("worker", 25_001)).toBe(41);
  expect(stopSeconds("api", 600_000)).toBe(30);
  expect(stopSeconds("web", 1)).toBe(30);
});

test("only the web writes outside /tmp: the Next.js cache", () => {
  expect(COMPONENTS.filter((c) => KODUS_COMPONENTS[c].writablePaths.length > 0)).toEqual(["web"]);
  expect(KODUS_COMPONENTS.web.writablePaths).toEqual([{ name: "next-cache", mountPath: "/usr/src/app/apps/web/.next/cache" }]);
});
