#!/usr/bin/env bash
# Cell start through kukeond next to raw containerd gRPC create+start of the same containers (and
# `ctr run -d`), alternating in one run; prints medians and the ratio.
#
#   usage: sudo scripts/bench-start.sh [N=20] [startup-grace=0ms]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
require_root
N=${1:-20}
GRACE=${2:-0ms}
WORK=/tmp/kukeon-bench-ctrd
started=""
cleanup() { [ -n "$started" ] && scripts/containerd/cleanup-containerd.sh "$WORK" 'kukeon-test-*' >/dev/null 2>&1 || true; }
trap cleanup EXIT
install_prerequisites
if [ -n "${CONTAINERD_SOCKET:-}" ]; then
  SOCK=$CONTAINERD_SOCKET
else
  SOCK=$(scripts/containerd/start-containerd.sh "$WORK"); started=1
fi
ARCHIVE=$(mktemp /tmp/kukeon-bench-busybox.XXXXXX.tar)
scripts/containerd/make-busybox-oci.sh "$ARCHIVE" >/dev/null
mvn -B -q -DskipTests test-compile package
java -Dlogback.configurationFile=conf/logback.xml -Dkukeon.containerd.socket="$SOCK" -Dkukeon.busybox.archive="$ARCHIVE" \
  -cp "target/test-classes:target/kukeon.jar:target/lib/*:$(find ~/.m2/repository/org/junit -name 'junit-jupiter-api-*.jar' | head -1):$(find ~/.m2/repository/org/opentest4j -name '*.jar' | head -1)" \
  io.kukeon.bench.StartBenchmark "$N" "$GRACE"
rm -f "$ARCHIVE"
