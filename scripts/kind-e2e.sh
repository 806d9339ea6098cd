#!/usr/bin/env bash
# End-to-end test of the Helm chart on a throwaway kind cluster:
#   1. create a kind cluster (or reuse one named $KIND_CLUSTER);
#   2. run a stand-in Chutes (the tests' fake server, test/probe/chutes-server.ts, compiled
#      with the project's TypeScript and run on a plain node image: no image build, no registry);
#   3. install the chart against it (bundled data stores, one replica each) and wait;
#   4. `helm test` (API health, worker health, Chutes with the deployed key);
#   5. upgrade (a changed setting: the preflight gates it again), `helm test` again;
#   6. upgrade during a simulated Chutes outage (stand-in scaled to 0) with
#      healthcheck.preflight=false: it must succeed while the periodic check stays deployed.
# Needs docker, kind, kubectl, node/npm (npm ci done). helm: $HELM, else .tools/bin/helm
# (npm run helm:install), else helm on PATH.
# Usage: bash scripts/kind-e2e.sh [--keep]   (--keep leaves the cluster running)
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${KIND_CLUSTER:-kodus-e2e}"
NAMESPACE="${KODUS_NAMESPACE:-kodus}"
STANDIN_NS="chutes-standin"
RELEASE="kodus"
TIMEOUT="${E2E_TIMEOUT:-20m}"
KEEP=false
[[ "${1:-}" == "--keep" ]] && KEEP=true

if [[ -n "${HELM:-}" ]]; then :; elif [[ -x .tools/bin/helm ]]; then HELM=.tools/bin/helm; else HELM=helm; fi
for tool in docker kind kubectl node npx "$HELM"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "kind-e2e: $tool is required" >&2; exit 2; }
done

WORK="$(mktemp -d)"
created=false
cleanup() {
  status=$?
  if [[ $status -ne 0 ]]; then
    echo "--- diagnostics (exit $status) ---" >&2
    kubectl get all,jobs,networkpolicies -n "$NAMESPACE" -o wide >&2 || true
    kubectl get events -n "$NAMESPACE" --sort-by=.lastTimestamp >&2 || true
    kubectl logs -n "$STANDIN_NS" deploy/chutes-standin --tail 50 >&2 || true
  fi
  rm -rf "$WORK"
  if [[ "$created" == true && "$KEEP" != true ]]; then kind delete cluster --name "$CLUSTER" || true; fi
  exit "$status"
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }

step "kind cluster $CLUSTER"
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --wait 180s
  created=true
fi
kubectl config use-context "kind-$CLUSTER"

step "stand-in Chutes (test/probe/chutes-server.ts on node:22-alpine)"
npx tsc --outDir "$WORK/standin" --rootDir test/probe --module commonjs --target es2022 --types node --skipLibCheck \
  test/probe/chutes-server.ts test/probe/chutes-standin.ts
kubectl create namespace "$STANDIN_NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$STANDIN_NS" create configmap chutes-standin --from-file="$WORK/standin" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$STANDIN_NS" apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: chutes-standin }
spec:
  replicas: 1
  selector: { matchLabels: { app: chutes-standin } }
  template:
    metadata: { labels: { app: chutes-standin } }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: standin
          image: node:22-alpine
          command: ["node", "/app/chutes-standin.js"]
          env: [{ name: PORT, value: "8080" }]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /v1/models, port: 8080 }, periodSeconds: 2 }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          volumeMounts: [{ name: app, mountPath: /app }]
      volumes: [{ name: app, configMap: { name: chutes-standin } }]
---
apiVersion: v1
kind: Service
metadata: { name: chutes-standin }
spec:
  selector: { app: chutes-standin }
  ports: [{ port: 8080, targetPort: 8080 }]
YAML
kubectl -n "$STANDIN_NS" rollout status deploy/chutes-standin --timeout=5m

# A key-shaped test value (the stand-in accepts any key). The base URL is plain http inside the
# cluster, which the chart's schema rejects for a real install (https only): this test, and only
# it, installs with --skip-schema-validation.
KEY_FILE="$WORK/chutes.key"
printf 'cpk_kind0e2e0000000000000000.standin.notakey\n' > "$KEY_FILE"
BASE_URL="http://chutes-standin.${STANDIN_NS}.svc.cluster.local:8080/v1"
# The model: one the stand-in lists with tools (its listing is a real 2026-07 one, without the chart's default id).
COMMON=(--namespace "$NAMESPACE" --skip-schema-validation
  --set-file secrets.values.chutes_api_key="$KEY_FILE"
  --set-string llm.baseUrl="$BASE_URL"
  --set-string llm.model=deepseek-ai/DeepSeek-V3.2-TEE
  --set replicas.api=1 --set replicas.worker=1 --set replicas.webhooks=1 --set replicas.web=1
  --wait --wait-for-jobs --timeout "$TIMEOUT")

step "helm install (preflight hook against the stand-in, bundled data stores)"
"$HELM" upgrade --install "$RELEASE" helm/kodus-chutes --create-namespace "${COMMON[@]}"

step "helm test"
"$HELM" test "$RELEASE" --namespace "$NAMESPACE" --logs --timeout 10m

step "helm upgrade (a changed setting; the preflight gates it again)"
"$HELM" upgrade "$RELEASE" helm/kodus-chutes "${COMMON[@]}" --set healthcheck.timeoutSeconds=45
# The preflight Job is named from a hash of what it checks: the newest one is this upgrade's.
preflight=$(kubectl -n "$NAMESPACE" get jobs -l app.kubernetes.io/component=chutes-preflight --sort-by=.metadata.creationTimestamp -o name | tail -1)
kubectl -n "$NAMESPACE" logs "$preflight" | grep -q '"status":"ok"'
"$HELM" test "$RELEASE" --namespace "$NAMESPACE" --logs --timeout 10m

step "upgrade during a Chutes outage: healthcheck.preflight=false, the periodic check stays"
kubectl -n "$STANDIN_NS" scale deploy/chutes-standin --replicas=0
kubectl -n "$STANDIN_NS" wait --for=delete pod -l app=chutes-standin --timeout=2m
"$HELM" upgrade "$RELEASE" helm/kodus-chutes "${COMMON[@]}" --set healthcheck.timeoutSeconds=45 --set healthcheck.preflight=false --set replicas.web=2
kubectl -n "$NAMESPACE" get cronjob "${RELEASE}-chutes-healthcheck" >/dev/null
kubectl -n "$STANDIN_NS" scale deploy/chutes-standin --replicas=1
kubectl -n "$STANDIN_NS" rollout status deploy/chutes-standin --timeout=5m

step "passed"
