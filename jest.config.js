/**
 * Two sets of suites:
 * - `npm test` (the default): everything except END_TO_END, within 25 s warm and 60 s cold on 2 cores
 *   (npm run bench measures both);
 * - `npm run test:e2e` (run by .ci/run): the END_TO_END suites, which drive the real cdktf CLI
 *   and `terraform init` many times each (tens of seconds of CPU).
 * A new suite that spawns the cdktf CLI or terraform init repeatedly belongs in END_TO_END.
 */
const END_TO_END = [
  "<rootDir>/test/app.test.ts",
  "<rootDir>/test/stacks/state-backend.test.ts",
  "<rootDir>/test/review/cli.test.ts",
  // helm against a stand-in API server, one uncached render per lifecycle step
  "<rootDir>/test/lifecycle/chart-upgrade.test.ts",
  // npm run review against the previous release: two synths and a git worktree
  "<rootDir>/test/lifecycle/stack-upgrade.test.ts",
  // the chart's key-shape property test at every place of the full values: ~200 uncached renders
  "<rootDir>/test/helm/no-secrets-all.test.ts",
  // the config's key-shape property test at every place of the full configs: ~3,000 parses
  "<rootDir>/test/config/no-secrets-all.test.ts",
  // twelve ordered changes synthesized and rendered on three targets, and the previous release's chart
  "<rootDir>/test/lifecycle/lifecycle.test.ts",
  // real child processes and timeouts (a synth that hangs is stopped)
  "<rootDir>/test/review/synth-settle.test.ts",
];
/**
 * `npm run test:cluster`: a real control plane on loopback (scripts/control-plane.sh, binaries
 * built into a cache outside the repo); skipped with a message when the cache has none.
 */
const CLUSTER = ["<rootDir>/test/cluster/"];
/** CDK Terrain parity: needs a second checkout switched to cdktn (npm run check:cdktn sets it up). */
const CDKTN = ["<rootDir>/test/cdktn/cdktn-parity.test.ts"];
/** The chart under Helm 3: needs .tools/bin/helm3 (npm run check:helm3 installs it first). */
const HELM3 = ["<rootDir>/test/helm3/helm3.test.ts"];
const SETS = { e2e: END_TO_END, cdktn: CDKTN, helm3: HELM3, cluster: CLUSTER };
const set = SETS[process.env.KODUS_TEST_SET ?? ""];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  ...(set
    ? { testMatch: set.map((p) => p.replace("<rootDir>/", "**/").replace(/\/$/, "/**/*.test.ts")) }
    : { testPathIgnorePatterns: ["/node_modules/", ...END_TO_END, ...CDKTN, ...HELM3, ...CLUSTER] }),
  // Type checking runs once in `npm test` (tsc --noEmit); jest only strips types, with esbuild.
  transform: { "^.+\\.ts$": "<rootDir>/test/helpers/jest-esbuild.cjs" },
  // Jest's default on 2 cores is 1 worker; the suites are mostly child processes and synths.
  maxWorkers: 2,
  testTimeout: 30000,
  // A missing snapshot fails instead of being written: new summaries are written on purpose, with -u.
  ci: true,
};
