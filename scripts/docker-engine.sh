#!/usr/bin/env bash
# A Docker engine for the Docker stack's real-apply tests (issue #27, item 5).
#
#   bash scripts/docker-engine.sh start           # dockerd (Debian's docker.io) on a unix socket in a temp dir
#   bash scripts/docker-engine.sh env             # prints export DOCKER_HOST=... and TF_CLI_CONFIG_FILE=...
#   bash scripts/docker-engine.sh build-standins  # the stand-in images, named as the real ones
#   bash scripts/docker-engine.sh status | check
#   bash scripts/docker-engine.sh stop            # stops what start started (pid file), removes its data
#
# No registry is reachable from here, so nothing is pulled: `build-standins` assembles each image
# from a rootfs tarball (`docker import`): Debian's busybox-static (apt-get download, unpacked with
# dpkg-deb, never installed), this machine's node binary with the shared libraries `ldd` lists,
# and a few lines of shell/JavaScript written below. The stand-ins only do what the stack checks:
# the Kodus images answer their health path on their own port; the data stores' healthcheck
# commands (pg_isready, mongosh, rabbitmq-diagnostics) answer healthy; the Kodus API image runs
# the real Chutes probe (it is uploaded by the stack) with node. They prove ordering, healthcheck
# gating, replacement behaviour and what the provider sees, not Kodus.
#
# The daemon listens on a unix socket only (no TCP), and published ports bind to 127.0.0.1
# (--ip), whatever a config's docker.bindAddress says. Needs root (dockerd), iptables and
# overlay2, all present on this machine; `apt-get install -y docker.io` provides dockerd.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN_DIR="${KODUS_DOCKER_RUN:-${TMPDIR:-/tmp}/kodus-docker-run}"
SOCK="$RUN_DIR/docker.sock"
# The cache, the docker provider's version and its place in the mirror.
# shellcheck source=scripts/cluster-cache.sh
source "$ROOT/scripts/cluster-cache.sh"
# The test CA the stand-in node images trust (NODE_EXTRA_CA_CERTS), for a TLS Chutes stand-in.
CA_DIR="$CACHE/docker-standins"

log() { printf '[docker-engine] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
docker_() { DOCKER_HOST="unix://$SOCK" docker "$@"; }

running() { [[ -f "$RUN_DIR/dockerd.pid" ]] && kill -0 "$(cat "$RUN_DIR/dockerd.pid")" 2>/dev/null; }

start() {
  command -v dockerd >/dev/null || die "dockerd not found: apt-get install -y docker.io"
  [[ $(id -u) == 0 ]] || die "dockerd needs root here (no rootless setup)"
  if running; then log "already running (pid $(cat "$RUN_DIR/dockerd.pid"))"; return; fi
  mkdir -p "$RUN_DIR"
  local t0=$SECONDS
  # setsid: the daemon outlives this shell; its pid file is how stop finds it.
  setsid dockerd --data-root "$RUN_DIR/data" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
    --host "unix://$SOCK" --ip 127.0.0.1 --log-level warn >"$RUN_DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    if [[ -S "$SOCK" ]] && docker_ info >/dev/null 2>&1; then
      log "dockerd up in $((SECONDS - t0)) s on unix://$SOCK ($(docker_ info --format '{{.ServerVersion}} {{.Driver}}'))"
      return
    fi
    sleep 1
  done
  tail -20 "$RUN_DIR/dockerd.log" >&2
  die "dockerd did not answer within 60 s (log: $RUN_DIR/dockerd.log)"
}

stop() {
  if running; then
    local pid
    pid="$(cat "$RUN_DIR/dockerd.pid")"
    # Containers first (so no shim outlives the daemon), then the daemon itself, by its pid.
    docker_ ps -aq | xargs -r env DOCKER_HOST="unix://$SOCK" docker rm -f >/dev/null 2>&1 || true
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && die "dockerd (pid $pid) still running after 30 s"
    log "dockerd stopped"
  fi
  # overlay2 leaves mounts under the data root while a container exists; none should remain.
  if grep -q " $RUN_DIR/" /proc/mounts; then
    grep " $RUN_DIR/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r umount 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}

env_() {
  echo "export DOCKER_HOST=unix://$SOCK"
  [[ -f "$TF_CLI_CONFIG" ]] && echo "export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG"
}

status() {
  if running; then echo "dockerd: running (pid $(cat "$RUN_DIR/dockerd.pid"), unix://$SOCK)"; else echo "dockerd: stopped"; fi
  [[ -x "$TFDOCKER_BIN" ]] && echo "kreuzwerker/docker $TFDOCKER_VERSION: $TFDOCKER_BIN" || echo "kreuzwerker/docker $TFDOCKER_VERSION: missing"
}

# exit 0 when dockerd can be started and the provider is in the mirror.
check() {
  local missing=()
  command -v dockerd >/dev/null || missing+=("dockerd (apt-get install -y docker.io)")
  [[ $(id -u) == 0 ]] || missing+=("root (dockerd)")
  [[ -x "$TFDOCKER_BIN" ]] || missing+=("kreuzwerker/docker $TFDOCKER_VERSION provider at $TFDOCKER_BIN (docs/cluster-tests.md)")
  [[ -f "$TF_CLI_CONFIG" ]] || missing+=("$TF_CLI_CONFIG (bash scripts/control-plane.sh writes it)")
  if ((${#missing[@]})); then printf 'missing: %s\n' "${missing[@]}"; return 1; fi
}

# --- stand-in images ---------------------------------------------------------------------------

# The Kodus stand-in: answers 200 on every path of its one port (the component's, from contract/).
# shellcheck disable=SC2016 # JavaScript, written into the image as is
KODUS_SERVER_JS='const port = Number(process.env.KODUS_STANDIN_PORT);
const server = require("node:http").createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: "ok", standin: true, path: req.url }));
});
server.listen(port, "0.0.0.0", () => console.log(`kodus stand-in on :${port}`));
for (const s of ["SIGTERM", "SIGINT"]) process.on(s, () => server.close(() => process.exit(0)));'

# A data store stand-in's daemon: waits until stopped, whatever arguments it gets.
# shellcheck disable=SC2016 # a script for the image, expanded there
DAEMON_SH='#!/bin/sh
echo "$(basename "$0") stand-in: $*"
trap "exit 0" TERM INT
while :; do sleep 1 & wait $!; done'

HEALTHY_SH='#!/bin/sh
exit 0'

ensure_ca() {
  [[ -f "$CA_DIR/ca.pem" ]] && return
  mkdir -p "$CA_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kodus test CA (stand-ins only)" \
    -keyout "$CA_DIR/ca.key" -out "$CA_DIR/ca.pem" 2>/dev/null
  chmod 600 "$CA_DIR/ca.key"
}

build_standins() {
  running || die "dockerd is not running (bash scripts/docker-engine.sh start)"
  local work t0=$SECONDS
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  ensure_ca

  # busybox from Debian's package, unpacked (not installed).
  (cd "$work" && apt-get download busybox-static >/dev/null 2>&1) || die "apt-get download busybox-static failed"
  dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"

  base() { # $1: rootfs dir: busybox and its applets, /tmp, /etc basics
    mkdir -p "$1"/{bin,usr/bin,usr/local/bin,tmp,etc,root,var/lib,proc,sys,dev}
    cp "$work/bb/bin/busybox" "$1/bin/busybox"
    for applet in $("$work/bb/bin/busybox" --list); do [[ -e "$1/bin/$applet" ]] || ln -s busybox "$1/bin/$applet"; done
    chmod 1777 "$1/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$1/etc/passwd"
    printf 'root:x:0:\n' >"$1/etc/group"
  }

  # Kodus images: busybox + node (this machine's) + its libraries + the server above.
  local node_root="$work/node"
  base "$node_root"
  cp "$(command -v node)" "$node_root/usr/local/bin/node"
  local lib
  for lib in $(ldd "$(command -v node)" | grep -o '/[^ ]*'); do
    mkdir -p "$node_root$(dirname "$lib")"
    cp -L "$lib" "$node_root$lib"
  done
  mkdir -p "$node_root/opt/kodus-standin" "$node_root/etc/ssl"
  printf '%s\n' "$KODUS_SERVER_JS" >"$node_root/opt/kodus-standin/server.js"
  cp "$CA_DIR/ca.pem" "$node_root/etc/ssl/kodus-standin-ca.pem"
  tar -C "$node_root" -cf "$work/node.tar" .

  local store_root="$work/store"
  base "$store_root"
  printf '%s\n' "$DAEMON_SH" >"$store_root/usr/local/bin/standin-daemon"
  printf '%s\n' "$HEALTHY_SH" >"$store_root/usr/local/bin/standin-healthy"
  chmod 755 "$store_root"/usr/local/bin/standin-*
  # The names the stack starts (command) and checks (healthcheck) in each store image.
  for name in postgres docker-entrypoint.sh mongod rabbitmq-server init-definitions.sh; do
    ln -s standin-daemon "$store_root/usr/local/bin/$name"
  done
  for name in pg_isready mongosh rabbitmq-diagnostics rabbitmqctl; do
    ln -s standin-healthy "$store_root/usr/local/bin/$name"
  done
  mkdir -p "$store_root"/{var/lib/postgresql/data,data/db,var/lib/rabbitmq,etc/rabbitmq/conf.d,docker-entrypoint-initdb.d}
  tar -C "$store_root" -cf "$work/store.tar" .

  local kind name port
  while read -r kind name port; do
    local changes=(--change "ENV PATH=/usr/local/bin:/usr/bin:/bin" --change "LABEL org.kodus.standin=true" --change "EXPOSE $port")
    case "$kind" in
      kodus)
        changes+=(--change "ENV KODUS_STANDIN_PORT=$port" --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/kodus-standin-ca.pem"
          --change 'CMD ["node", "/opt/kodus-standin/server.js"]')
        docker_ import "${changes[@]}" "$work/node.tar" "$name" >/dev/null ;;
      postgres) docker_ import "${changes[@]}" --change 'CMD ["postgres"]' "$work/store.tar" "$name" >/dev/null ;;
      mongodb) docker_ import "${changes[@]}" --change 'CMD ["mongod"]' "$work/store.tar" "$name" >/dev/null ;;
      rabbitmq) docker_ import "${changes[@]}" --change 'CMD ["rabbitmq-server"]' "$work/store.tar" "$name" >/dev/null ;;
      *) die "unknown image kind $kind" ;;
    esac
    log "stand-in $name ($kind, port $port)"
  done < <(cd "$ROOT" && node scripts/ts-run.cjs scripts/docker-standins.ts)
  log "stand-ins built in $((SECONDS - t0)) s; CA: $CA_DIR/ca.pem"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_ ;;
  status) status ;;
  check) check ;;
  build-standins) build_standins ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
