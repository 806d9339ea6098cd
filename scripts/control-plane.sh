#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for the cluster tests (issue #27).
#
#   bash scripts/control-plane.sh build   # go build the pieces from the Go module proxy into a cache
#   bash scripts/control-plane.sh start   # etcd, kube-apiserver, controller manager, scheduler, kwok
#   bash scripts/control-plane.sh env     # prints export KUBECONFIG=... and TF_CLI_CONFIG_FILE=...
#   bash scripts/control-plane.sh status  # which pieces run
#   bash scripts/control-plane.sh check   # exit 0 when every binary is in the cache
#   bash scripts/control-plane.sh release-volumes # Released test volumes become Available again
#   bash scripts/control-plane.sh stop    # kills what start started (pid files), removes its data
#
# Nothing of Kubernetes, etcd, kwok or the Terraform providers is in this repository: `build`
# fetches their modules by path and version from the Go module proxy and compiles them into a
# cache outside the repository, one folder per component and version, so a second run costs
# nothing. Everything listens on 127.0.0.1 only. kwok simulates the nodes: no container runs.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.35.4}"      # k8s.io/kubernetes v1.35.4, staging modules v0.35.4
ETCD_VERSION="${ETCD_VERSION:-3.6.5}"     # the etcd that k8s.io/kubernetes v1.35.4 requires
KWOK_VERSION="${KWOK_VERSION:-0.7.0}"
# The cache, the providers' versions and their places in the mirror.
# shellcheck source=scripts/cluster-cache.sh
source "$(dirname "$0")/cluster-cache.sh"
# hashicorp/kubernetes' go.mod says `module github.com/hashicorp/terraform-provider-kubernetes` (no
# /v2), so a tag cannot be required by name: this is the commit the tag v2.38.0 points to.
TFK8S_COMMIT="be88f44271050f69d52f410bca388834afedfe71"
# kreuzwerker/docker, same story.
TFDOCKER_COMMIT="${TFDOCKER_COMMIT:-}"

RUN_DIR="${KODUS_CLUSTER_RUN:-${TMPDIR:-/tmp}/kodus-cluster-run}"
HOST=127.0.0.1
ETCD_PORT="${KODUS_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${KODUS_ETCD_PEER_PORT:-23800}"
API_PORT="${KODUS_API_PORT:-26443}"
KCM_PORT="${KODUS_KCM_PORT:-20257}"
SCHED_PORT="${KODUS_SCHED_PORT:-20259}"
KWOK_PORT="${KODUS_KWOK_PORT:-20247}"
NODES="${KODUS_CLUSTER_NODES:-3}"
# The Terraform stack creates its own namespace (labelled restricted); this one is for Helm.
HELM_NAMESPACE="${KODUS_HELM_NAMESPACE:-kodus-helm}"
STORAGE_CLASS="${KODUS_TEST_STORAGE_CLASS:-kodus-test}"
PV_COUNT="${KODUS_TEST_PVS:-24}"

K8S_DIR="$CACHE/kubernetes-v$K8S_VERSION"
ETCD_DIR="$CACHE/etcd-v$ETCD_VERSION"
KWOK_DIR="$CACHE/kwok-v$KWOK_VERSION"

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- build -------------------------------------------------------------------------------------

# go with the proxy, trimmed paths, the local toolchain, at low priority (2 cores are shared).
gorun() { (cd "$1" && shift && GOFLAGS=-trimpath GOTOOLCHAIN=local nice -n 10 "$GO" "$@"); }

# timed NAME DIR CMD...: runs CMD, and writes the wall seconds to DIR/.built (the cache key).
timed() {
  local name=$1 dir=$2 start end
  shift 2
  if [[ -f "$dir/.built" ]]; then
    log "$name: cached in $dir ($(cat "$dir/.built"))"
    return 0
  fi
  mkdir -p "$dir"
  log "$name: building into $dir"
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  printf 'built %s in %ss wall with %s\n' "$(date -u +%FT%TZ)" "$((end - start))" "$("$GO" version)" >"$dir/.built"
  log "$name: built in $((end - start))s: $(du -sh --exclude=.built "$dir" | cut -f1)"
}

build_etcd() {
  local work
  work=$(mktemp -d)
  cat >"$work/main.go" <<'EOF'
// Throwaway main: the etcd server binary, from the go.etcd.io/etcd/server/v3 module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  printf 'module kodus.local/etcd\n\ngo 1.25\n' >"$work/go.mod"
  gorun "$work" get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  gorun "$work" mod tidy
  gorun "$work" build -ldflags='-s -w' -o "$ETCD_DIR/etcd" .
  rm -rf "$work"
}

build_kwok() {
  GOBIN="$KWOK_DIR" gorun /tmp install -ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$KWOK_VERSION" \
    "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
}

build_kubernetes() {
  local work gomod minor
  work=$(mktemp -d)
  minor=$(cut -d. -f2 <<<"$K8S_VERSION")
  printf 'module kodus.local/kubernetes\n\ngo 1.25\n' >"$work/go.mod"
  gomod=$(gorun "$work" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f "$gomod" ]] || die "no go.mod for k8s.io/kubernetes@v$K8S_VERSION"
  # k8s.io/kubernetes requires its staging modules as v0.0.0 and replaces them with ./staging/...;
  # a replace in a dependency is ignored, so pin each to the published v0.<minor>.<patch>.
  {
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo "replace ("
    sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/src/.*|\t\1 => \1 v0.'"${K8S_VERSION#1.}"'|p' "$gomod"
    echo ")"
  } >>"$work/go.mod"
  cat >"$work/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
EOF
  gorun "$work" mod tidy
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  gorun "$work" build -ldflags="$ld" -o "$K8S_DIR/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  rm -rf "$work"
}

# build_provider MODULE COMMIT DIR BINARY: the provider's main package at that commit, built in a
# throwaway module that requires it as a pseudo-version (go resolves the commit hash).
build_provider() {
  local module=$1 commit=$2 dir=$3 binary=$4 work
  work=$(mktemp -d)
  printf 'module kodus.local/provider\n\ngo 1.25\n' >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$module" >"$work/tools.go"
  if ! gorun "$work" get "$module@$commit"; then
    rm -rf "$work"
    die "the Go module proxy refused $module at $commit (a pseudo-version it does not serve; see docs/cluster-tests.md)"
  fi
  gorun "$work" mod tidy
  gorun "$work" build -ldflags='-s -w' -o "$dir/$binary" "$module"
  rm -rf "$work"
}

write_terraformrc() {
  mkdir -p "$CACHE"
  cat >"$TF_CLI_CONFIG" <<EOF
# Generated by scripts/control-plane.sh: providers from the local build, never the registry.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_DIR"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
EOF
}

cmd_build() {
  [[ -x "$GO" ]] || die "no Go toolchain (set GO=/path/to/go)"
  local components=("${@:-all}") w
  for w in "${components[@]}"; do
    case $w in
      etcd) timed etcd "$ETCD_DIR" build_etcd ;;
      kwok) timed kwok "$KWOK_DIR" build_kwok ;;
      kubernetes) timed kubernetes "$K8S_DIR" build_kubernetes ;;
      provider-kubernetes)
        timed "hashicorp/kubernetes $TFK8S_VERSION" "$TFK8S_DIR" \
          build_provider github.com/hashicorp/terraform-provider-kubernetes "$TFK8S_COMMIT" "$TFK8S_DIR" "terraform-provider-kubernetes_v$TFK8S_VERSION"
        ;;
      provider-docker)
        [[ -n "$TFDOCKER_COMMIT" ]] || die "set TFDOCKER_COMMIT to the commit of kreuzwerker/terraform-provider-docker v$TFDOCKER_VERSION"
        timed "kreuzwerker/docker $TFDOCKER_VERSION" "$TFDOCKER_DIR" \
          build_provider github.com/kreuzwerker/terraform-provider-docker "$TFDOCKER_COMMIT" "$TFDOCKER_DIR" "terraform-provider-docker_v$TFDOCKER_VERSION"
        ;;
      all) cmd_build etcd kwok kubernetes provider-kubernetes ;;
      *) die "unknown component $w (etcd, kwok, kubernetes, provider-kubernetes, provider-docker, all)" ;;
    esac
  done
  kwok_stages
  write_terraformrc
}


# kwok's own pod stages (Running/Ready, Job pods complete, deletion), copied from its module at
# the built version, plus one of ours: a bare `helm test` hook pod completes too.
kwok_stages() {
  local dir="$KWOK_DIR/stages" src
  [[ -f "$dir/pod-ready.yaml" ]] && return 0
  [[ -x "$GO" ]] || die "no Go toolchain to fetch kwok's stage files"
  src=$(cd /tmp && GOTOOLCHAIN=local "$GO" mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  mkdir -p "$dir"
  cp "$src/kustomize/stage/pod/fast/"pod-{ready,complete,delete}.yaml "$dir/"
  chmod u+w "$dir"/*.yaml
  cat >"$dir/pod-complete-helm-test.yaml" <<'EOF'
# kodus-chutes-deploy: a `helm test` hook pod (no owner) that is Running completes like a Job pod.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete-helm-test
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.metadata.annotations["helm.sh/hook"]'
      operator: 'In'
      values:
      - 'test'
      - 'test-success'
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range $index, $item := .spec.containers }}
      - image: {{ $item.image | Quote }}
        name: {{ $item.name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Succeeded
EOF
}

# --- start / stop ------------------------------------------------------------------------------

need_binaries() {
  local b
  for b in "$ETCD_DIR/etcd" "$KWOK_DIR/kwok" "$K8S_DIR/kube-apiserver" "$K8S_DIR/kube-controller-manager" "$K8S_DIR/kube-scheduler"; do
    [[ -x "$b" ]] || die "missing $b: run '$0 build' first"
  done
}

# daemon NAME CMD...: starts CMD in the background with its log and pid file in RUN_DIR.
daemon() {
  local name=$1
  shift
  "$@" >"$RUN_DIR/logs/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/$name"
}

# wait_for WHAT SECONDS CMD...: retries CMD every 0.5 s.
wait_for() {
  local what=$1 limit=$2 i
  shift 2
  for ((i = 0; i < limit * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what not ready after ${limit}s (logs in $RUN_DIR/logs)"
}

make_pki() {
  local pki="$RUN_DIR/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kodus-test-ca" 2>/dev/null
    cat >server.ext <<EOF
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage = serverAuth
EOF
    printf 'extendedKeyUsage = clientAuth\n' >client.ext
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile server.ext 2>/dev/null
    # The admin: group system:masters (all rights), used by the tests, the controllers and kwok.
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=kodus-test-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  cat >"$RUN_DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kodus-test
  cluster:
    server: https://$HOST:$API_PORT
    certificate-authority: $pki/ca.crt
users:
- name: kodus-test-admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: kodus-test
  context: { cluster: kodus-test, user: kodus-test-admin }
current-context: kodus-test
EOF
}

# kube GET|POST|PATCH PATH [curl args]: the API through curl with the admin's client certificate
# (PATCH is a JSON merge patch).
kube() {
  local method=$1 path=$2 pki="$RUN_DIR/pki" type=application/json
  shift 2
  [[ $method == PATCH ]] && type=application/merge-patch+json
  curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" -X "$method" \
    -H "Content-Type: $type" "https://$HOST:$API_PORT$path" "$@"
}

create() { kube POST "$1" -d "$2" >/dev/null; }

seed_objects() {
  local i
  create /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"'"$HELM_NAMESPACE"'","labels":{"pod-security.kubernetes.io/enforce":"restricted","pod-security.kubernetes.io/enforce-version":"latest"}}}'
  for ((i = 0; i < NODES; i++)); do
    create /api/v1/nodes '{"apiVersion":"v1","kind":"Node","metadata":{"name":"kwok-node-'"$i"'","annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},"labels":{"kubernetes.io/hostname":"kwok-node-'"$i"'","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},"status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"110"},"capacity":{"cpu":"32","memory":"256Gi","pods":"110"}}}'
  done
  # Volumes for StatefulSet claims: a default StorageClass with no provisioner and pre-created
  # PersistentVolumes (hostPath, never mounted: kwok runs no container).
  create /apis/storage.k8s.io/v1/storageclasses '{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"'"$STORAGE_CLASS"'","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"kubernetes.io/no-provisioner","volumeBindingMode":"Immediate","reclaimPolicy":"Retain","allowVolumeExpansion":true}'
  for ((i = 0; i < PV_COUNT; i++)); do
    create /api/v1/persistentvolumes '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"kodus-test-pv-'"$i"'"},"spec":{"storageClassName":"'"$STORAGE_CLASS"'","capacity":{"storage":"100Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","hostPath":{"path":"/tmp/kodus-test-pv-'"$i"'"}}}'
  done
}

cmd_start() {
  need_binaries
  kwok_stages
  if [[ -d "$RUN_DIR/pids" ]] && compgen -G "$RUN_DIR/pids/*" >/dev/null; then
    die "already started ($RUN_DIR); run '$0 stop' first"
  fi
  local t0
  t0=$(date +%s)
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" "$RUN_DIR/etcd"
  make_pki
  local pki="$RUN_DIR/pki" kc="$RUN_DIR/kubeconfig"

  daemon etcd "$ETCD_DIR/etcd" --name kodus-test --data-dir "$RUN_DIR/etcd" \
    --listen-client-urls "http://$HOST:$ETCD_PORT" --advertise-client-urls "http://$HOST:$ETCD_PORT" \
    --listen-peer-urls "http://$HOST:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
    --initial-cluster "kodus-test=http://$HOST:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level warn
  wait_for etcd 30 curl -fsS "http://$HOST:$ETCD_PORT/health"

  # The service IP range is virtual (API objects only): no proxy runs, nothing is ever sent there.
  daemon kube-apiserver "$K8S_DIR/kube-apiserver" \
    --bind-address "$HOST" --secure-port "$API_PORT" --advertise-address "$HOST" --endpoint-reconciler-type none \
    --etcd-servers "http://$HOST:$ETCD_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode RBAC --allow-privileged=false \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,DefaultStorageClass,DefaultTolerationSeconds,StorageObjectInUseProtection,PersistentVolumeClaimResize,Priority,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota
  wait_for kube-apiserver 90 kube GET /readyz

  daemon kube-controller-manager "$K8S_DIR/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address "$HOST" --secure-port "$KCM_PORT" --leader-elect=false --node-monitor-grace-period 2m \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" --use-service-account-credentials \
    --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller'
  daemon kube-scheduler "$K8S_DIR/kube-scheduler" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address "$HOST" --secure-port "$SCHED_PORT" --leader-elect=false
  # kwok: the fake kubelets, with node leases: its status-only heartbeat (every 20-45 s) let a
  # node go NotReady under load, which marks every pod on it not ready for good (kwok's ready
  # stage only acts on new pods), so rollouts never finish; the 2 m grace above is for the same. Node IP 127.0.0.1 so that anything calling a "kubelet" stays here;
  # pod IPs are status values only (no network exists behind them).
  {
    printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n'
    for f in "$KWOK_DIR/stages/"*.yaml; do printf -- '---\n'; cat "$f"; done
  } >"$RUN_DIR/kwok.yaml"
  daemon kwok "$KWOK_DIR/kwok" --kubeconfig "$kc" --config "$RUN_DIR/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip "$HOST" --node-port "$KWOK_PORT" --server-address "$HOST:$KWOK_PORT" --cidr 10.244.0.0/16 \
    --node-lease-duration-seconds 40

  wait_for "default service account" 60 kube GET /api/v1/namespaces/default/serviceaccounts/default
  seed_objects
  wait_for "kwok nodes Ready" 60 node_ready "kwok-node-$((NODES - 1))"
  printf '%s\n' "$(($(date +%s) - t0))" >"$RUN_DIR/start-seconds"
  log "control plane up in $(($(date +%s) - t0))s: https://$HOST:$API_PORT, kubeconfig $kc"
}

node_ready() {
  kube GET "/api/v1/nodes/$1" | grep -q '"type": "Ready",[[:space:]]*"status": "True"' ||
    kube GET "/api/v1/nodes/$1" | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'
}

# release-volumes: makes Released PersistentVolumes Available again (their claims were deleted,
# e.g. with the namespace): nothing is stored in them, kwok runs no container.
cmd_release_volumes() {
  local pv n=0
  for pv in $(kube GET /api/v1/persistentvolumes | tr -d ' \n' | grep -o '"name":"kodus-test-pv-[0-9]*"[^}]*}' | grep -o 'kodus-test-pv-[0-9]*' | sort -u); do
    if kube GET "/api/v1/persistentvolumes/$pv" | tr -d ' \n' | grep -q '"phase":"Released"'; then
      kube PATCH "/api/v1/persistentvolumes/$pv" -d '{"spec":{"claimRef":null}}' >/dev/null
      n=$((n + 1))
    fi
  done
  log "released $n volume(s)"
}

cmd_stop() {
  local f pid name
  if [[ -d "$RUN_DIR/pids" ]]; then
    # Reverse start order: the clients first, etcd last.
    for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
      f="$RUN_DIR/pids/$name"
      [[ -f "$f" ]] || continue
      pid=$(cat "$f")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$f"
    done
  fi
  rm -rf "$RUN_DIR"
  log "stopped; removed $RUN_DIR"
}

cmd_env() {
  printf 'export KUBECONFIG=%q\n' "$RUN_DIR/kubeconfig"
  printf 'export KUBE_CONFIG_PATH=%q\n' "$RUN_DIR/kubeconfig"
  printf 'export TF_CLI_CONFIG_FILE=%q\n' "$TF_CLI_CONFIG"
}

# check: exit 0 when every binary the cluster suite needs is in the cache, else name the missing.
cmd_check() {
  local b missing=()
  for b in "$ETCD_DIR/etcd" "$KWOK_DIR/kwok" "$K8S_DIR/kube-apiserver" "$K8S_DIR/kube-controller-manager" \
    "$K8S_DIR/kube-scheduler" "$TFK8S_BIN"; do
    [[ -x "$b" ]] || missing+=("$b")
  done
  if ((${#missing[@]})); then
    printf 'missing: %s\n' "${missing[@]}"
    return 1
  fi
  [[ -f "$TF_CLI_CONFIG" ]] || write_terraformrc
  echo "all binaries present in $CACHE"
}

cmd_status() {
  local name pid
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    pid=$(cat "$RUN_DIR/pids/$name" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$name: running (pid $pid)"; else echo "$name: not running"; fi
  done
}

main() {
  local cmd=${1:-}
  shift || true
  case $cmd in
    build) cmd_build "$@" ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    env) cmd_env ;;
    status) cmd_status ;;
    check) cmd_check ;;
    release-volumes) cmd_release_volumes ;;
    *) die "usage: $0 build [component...]|start|stop|env|status|check|release-volumes" ;;
  esac
}

main "$@"
