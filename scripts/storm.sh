#!/usr/bin/env bash
# The kill -9 storm as a long run (the test KillStormTest runs 10 trials of it): a real kukeond
# under random applies, starts, stops and deletes, kill -9'd at a random moment and started
# again, TRIALS times, with the invariant checked after each restart. Prints one line per trial
# and "trials T, violations V"; exits 1 when there was any violation (the daemon's data
# directory is then kept, and named, for its log and journal).
#
#   usage: sudo scripts/storm.sh [TRIALS=100] [SEED]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-storm-run)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
require_root
TRIALS=${1:-100}
SEED=${2:-}
WORK=/tmp/kukeon-storm-run
LOG=$(mktemp /tmp/kukeon-storm.XXXXXX.log)
started=""
cleanup() {
  # the storm removes its own cgroup root; if it was interrupted, remove that root (by its exact name)
  root=$(grep -o 'cgroup root kukeon-test-[0-9a-f]*' "$LOG" | head -1 | cut -d' ' -f3 || true)
  if [ -n "$started" ] || [ -n "$root" ]; then
    [ -n "$started" ] || mkdir -p "$WORK"   # cleanup-containerd.sh then finds no containerd of ours to stop
    scripts/containerd/cleanup-containerd.sh "$WORK" ${root:+"$root"} >/dev/null 2>&1 || true
  fi
  rm -f "$LOG"
}
trap cleanup EXIT
install_prerequisites
if [ -n "${CONTAINERD_SOCKET:-}" ]; then
  SOCK=$CONTAINERD_SOCKET
else
  SOCK=$(scripts/containerd/start-containerd.sh "$WORK"); started=1
fi
ARCHIVE=$(mktemp /tmp/kukeon-storm-busybox.XXXXXX.tar)
scripts/containerd/make-busybox-oci.sh "$ARCHIVE" >/dev/null
mvn -B -q -DskipTests test-compile package
set +e
java -Dlogback.configurationFile=conf/logback.xml -Dkukeon.containerd.socket="$SOCK" -Dkukeon.busybox.archive="$ARCHIVE" \
  -cp "target/test-classes:target/kukeon.jar:target/lib/*:$(find ~/.m2/repository/org/junit -name 'junit-jupiter-api-*.jar' | head -1):$(find ~/.m2/repository/org/opentest4j -name '*.jar' | head -1)" \
  io.kukeon.storm.StormMain "$TRIALS" $SEED | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
rm -f "$ARCHIVE"
exit "$status"
