#!/usr/bin/env bash
# The main job on a fresh Debian/Ubuntu host: installs the prerequisites, builds kukeon, uses
# the host's containerd (or starts a private one), starts kukeond with its embedded journal,
# loads a busybox image (built from busybox-static: no registry needed), applies
# examples/hello-world.yaml and examples/multi-document.yaml and shows them running.
#
#   usage: sudo scripts/run.sh
#   env:   KUKEON_DATA_DIR (default /var/lib/kukeon), KUKEON_SOCKET (default /run/kukeon/kukeond.sock),
#          KUKEON_LISTEN (HOST:PORT: also serve the API on TCP, behind the token; default none)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
require_root

DATA=${KUKEON_DATA_DIR:-/var/lib/kukeon}
SOCKET=${KUKEON_SOCKET:-/run/kukeon/kukeond.sock}
LISTEN=${KUKEON_LISTEN:-}
CTRD_BASE=${KUKEON_CONTAINERD_BASE:-/var/lib/kukeon-containerd}
export KUKEON_HOST=unix:$SOCKET

install_prerequisites

echo "==> build"
mvn -B -q -DskipTests package
scripts/kukeond-cds.sh --if-stale >/dev/null || echo "no class-data archive: kukeond starts without it"

echo "==> containerd"
if ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1; then
  SOCK=/run/containerd/containerd.sock
  echo "using the host's containerd at $SOCK"
else
  SOCK=$(scripts/containerd/start-containerd.sh "$CTRD_BASE")
  echo "started a private containerd at $SOCK (stop: kill \$(cat $CTRD_BASE/containerd.pid))"
fi

echo "==> kukeond"
mkdir -p "$DATA"
if [ -s "$DATA/kukeond.pid" ] && kill -0 "$(cat "$DATA/kukeond.pid")" 2>/dev/null; then
  echo "kukeond already running, pid $(cat "$DATA/kukeond.pid")"
else
  setsid bin/kukeond --data-dir "$DATA" --socket "$SOCKET" --listen "$LISTEN" --containerd-socket "$SOCK" \
    </dev/null >>"$DATA/kukeond.log" 2>&1 &
  echo $! > "$DATA/kukeond.pid"
  echo "started kukeond, pid $(cat "$DATA/kukeond.pid"), log $DATA/kukeond.log"
fi
for _ in $(seq 1 120); do
  bin/kuke version >/dev/null 2>&1 && break
  kill -0 "$(cat "$DATA/kukeond.pid")" 2>/dev/null || { tail -20 "$DATA/kukeond.log"; exit 1; }
  sleep 0.5
done
bin/kuke version

echo "==> kuke init"
bin/kuke init

echo "==> busybox image into realm default"
scripts/containerd/make-busybox-oci.sh "$DATA/busybox-oci.tar" >/dev/null
bin/kuke image load "$DATA/busybox-oci.tar" --realm default

echo "==> kuke apply -f examples/hello-world.yaml"
bin/kuke apply -f examples/hello-world.yaml
bin/kuke get cells
bin/kuke get containers --cell hello-world

echo "==> kuke apply -f examples/multi-document.yaml (realm demo; images are per realm, so busybox is loaded there first)"
bin/kuke create realm demo
bin/kuke image load "$DATA/busybox-oci.tar" --realm demo
bin/kuke apply -f examples/multi-document.yaml
bin/kuke get cells --realm demo --space shop --stack web -o wide

sleep 2
echo "==> kuke logs hello-world --container fetch --tail 2"
bin/kuke logs hello-world --container fetch --tail 2

cat <<EOT

kukeond runs in the background (pid $(cat "$DATA/kukeond.pid"), log $DATA/kukeond.log).
  bin/kuke get cells -o wide        bin/kuke events --follow        bin/kuke status
  stop the daemon (containers keep running): kill \$(cat $DATA/kukeond.pid)
  remove the examples:                        bin/kuke delete cell hello-world; bin/kuke delete realm demo --cascade
EOT
