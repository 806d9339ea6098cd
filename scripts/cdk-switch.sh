#!/usr/bin/env bash
# npm run cdk:switch -- cdktn|cdktf
#   cdktn: this checkout runs on CDK Terrain (the maintained fork of CDK for Terraform):
#          "cdktf" becomes an alias of cdktn 0.24.0 (so the @cdktf/provider-* bindings and the
#          code keep importing "cdktf"), and the CLI is cdktn-cli 0.24.0 (`npx cdktn synth`)
#          with its peers jsii-pacmak 1.128.0 and jsii 5.9.50.
#          Needs the npm registry. package.json and package-lock.json as they were are kept in
#          .tools/cdk-switch/ for the way back.
#   cdktf: back to CDK for Terraform 0.21.0 exactly as committed: the saved package.json and
#          lock file (or, without them, the committed ones) and `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
CDKTN_VERSION=0.24.0
SAVED=.tools/cdk-switch

current() { node -p 'require("cdktf/package.json").name' 2>/dev/null || echo none; }

case "${1:-}" in
  cdktn)
    if [[ "$(current)" == cdktn ]]; then echo "cdk-switch: already on $(node -p 'const p=require("cdktf/package.json");p.name+" "+p.version')"; exit 0; fi
    mkdir -p "$SAVED"
    cp package.json package-lock.json "$SAVED/"
    npm pkg set "dependencies.cdktf=npm:cdktn@$CDKTN_VERSION"
    npm pkg delete devDependencies.cdktf-cli
    # cdktn-cli's peers (not auto-installed here: .npmrc sets legacy-peer-deps), pinned.
    npm install --save-dev --save-exact --no-audit --no-fund "cdktn-cli@$CDKTN_VERSION" jsii-pacmak@1.128.0 jsii@5.9.50 >/dev/null
    # allowScripts follows the new tree: drop cdktf-cli's entries, declare what cdktn-cli's pinned
    # tree installs with scripts (the way back restores package.json as it was).
    npm install-scripts prune >/dev/null
    npm install-scripts approve --all --no-allow-scripts-pin >/dev/null
    ;;
  cdktf)
    if [[ "$(current)" == cdktf && ! -f "$SAVED/package.json" ]]; then
      # Nothing to undo: never overwrite package.json or the lock file (they may hold your edits).
      echo "cdk-switch: already on $(node -p 'const p=require("cdktf/package.json");p.name+" "+p.version')"
      exit 0
    fi
    if [[ -f "$SAVED/package.json" && -f "$SAVED/package-lock.json" ]]; then
      cp "$SAVED/package.json" "$SAVED/package-lock.json" .
      rm -rf "$SAVED"
    else
      if ! git diff --quiet -- package.json package-lock.json; then
        echo "cdk-switch: no saved package.json/package-lock.json from the switch to cdktn, and yours have uncommitted changes: not overwriting them. Commit or stash them, or restore them by hand." >&2
        exit 1
      fi
      git checkout -- package.json package-lock.json
    fi
    npm ci --no-audit --no-fund >/dev/null
    ;;
  *)
    echo "usage: npm run cdk:switch -- cdktn|cdktf   (now on: $(current))" >&2
    exit 2
    ;;
esac
rm -rf node_modules/.cache/kodus-ts node_modules/.cache/kodus-synth # built with the other library
echo "cdk-switch: now on $(node -p 'const p=require("cdktf/package.json");p.name+" "+p.version'); CLI: npx $([[ "$1" == cdktn ]] && echo cdktn || echo cdktf) synth"
