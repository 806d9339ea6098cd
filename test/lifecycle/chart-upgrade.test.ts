/**
 * The same ordered changes (./steps.ts) as `helm upgrade` sees them: rendered against a stand-in
 * API server that holds what the previous step deployed, so the chart's own guards (`lookup`)
 * run. What Kubernetes or the database cannot apply in place must be refused at upgrade time
 * with what to do; everything else renders. Expected verdicts, from Kubernetes' rules
 * (volumeClaimTemplates are immutable) and the databases' (no start on older-major data files):
 */
import { namespaceObjects, render, startFakeCluster, tryRenderOnCluster, type FakeCluster, type K8sObject } from "../helm/helm";
import { BASE_VALUES, STEPS, merge } from "./steps";

const EXPECTED: Record<string, { verdict: "applies" } | { verdict: "refused"; message: RegExp }> = {
  "scale within the configured maximum": { verdict: "applies" },
  "tune resources": { verdict: "applies" },
  "schedule onto a node pool": { verdict: "applies" },
  "pull from a registry secret": { verdict: "applies" },
  "rotate the key (secrets revision)": { verdict: "applies" },
  "bump Kodus": { verdict: "applies" },
  "bump PostgreSQL's major version (16 → 17)": { verdict: "refused", message: /moves from major 15[^]*pg_dumpall/ },
  "change the health-check CronJob's job template and a PDB (code change)": { verdict: "applies" },
  "resize the volumes": {
    verdict: "refused",
    message: /volumeClaimTemplates cannot be updated[^]*allowVolumeExpansion[^]*--cascade=orphan/,
  },
  "rename the environment": { verdict: "applies" },
  "switch to external stores": { verdict: "applies" },
  "switch back to bundled stores": { verdict: "applies" },
};

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe("helm upgrade, step by step, against what the previous step deployed", () => {
  let values: Record<string, unknown> = BASE_VALUES;
  const steps = STEPS.map((step) => {
    const before = values;
    if (step.values) values = merge(values, step.values);
    return [step.name, step, before, values] as const;
  });

  test.each(steps)("%s", async (name, step, before, after) => {
    const live: K8sObject[] = render({ values: before })
      .filter((o) => o.kind === "StatefulSet")
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: "kodus" } }));
    step.liveChart?.(live);
    await cluster.setObjects([...namespaceObjects(), ...live]);
    const r = tryRenderOnCluster(cluster, { values: after, flags: ["--is-upgrade"] });
    const expected = EXPECTED[name];
    if (expected.verdict === "applies") expect([r.status, r.stderr]).toEqual([0, ""]);
    else {
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(expected.message);
    }
  });
});
