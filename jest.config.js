/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Type checking runs once in `npm test` (tsc --noEmit); jest only strips types, with esbuild.
  transform: { "^.+\\.ts$": "<rootDir>/test/helpers/jest-esbuild.cjs" },
  // Jest's default on 2 cores is 1 worker; the suites are mostly child processes and synths.
  maxWorkers: 2,
  testTimeout: 30000,
};
