#!/usr/bin/env bash
# (Re)creates kukeond's class-data-sharing archive (AppCDS), which bin/kukeond then uses: kukeond's
# start and its adoption of running containers after a restart map most of their classes from it
# instead of loading them from the jars (docs/benchmarks.md, "Adoption after kill -9").
# A training run: kukeond on a data dir and a cgroup root of its own, both removed afterwards, and
# no containerd (it never touches the host's), its network in a namespace of its own: it records a few objects and is stopped, then starts
# again with -XX:ArchiveClassesAtExit, recovers them, answers a few calls, and writes the archive
# when stopped. scripts/install.sh and scripts/run.sh run it; run it by hand after 'mvn package'.
# The archive is for the JDK and jars it was made with: bin/kukeond ignores it once they change.
# KUKEON_CDS=off: does nothing.
#
#   usage: scripts/kukeond-cds.sh [--if-stale] [HOME]   (HOME: an installation or the build tree;
#                                                       default: the one above this script)
set -euo pipefail
[ "${KUKEON_CDS:-on}" = off ] && exit 0   # no archive wanted (bin/kukeond would not use it)
if_stale=no
[ "${1:-}" = --if-stale ] && { if_stale=yes; shift; }
home=$(cd "${1:-$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/..}" && pwd)
jsa=$(KUKEON_CDS=path "$home/bin/kukeond")
jar=$home/target/kukeon.jar lib=$home/target/lib
[ -f "$home/lib/kukeon.jar" ] && jar=$home/lib/kukeon.jar lib=$home/lib
if [ "$if_stale" = yes ] && [ -f "$jsa" ] && [ "$jsa" -nt "$jar" ] && [ "$jsa" -nt "$lib" ]; then
  exit 0
fi
mkdir -p "$(dirname "$jsa")"

work=$(mktemp -d /tmp/kukeond-cds.XXXXXX)
group=kukeond-cds-training-$$
# the space's bridge and egress rules go into a network namespace of the run's own, never the host's
netns=kukeond-cds-$$
daemon=
# (under set -e: a failing command here would end the clean-up half way)
cleanup() {
  if [ -n "$daemon" ]; then kill -KILL "$daemon" 2>/dev/null || true; fi
  ip netns delete "$netns" 2>/dev/null || true
  rm -rf "$work" "$jsa.$$"
  # the cgroups this run's kukeond made, on every hierarchy (v1) or the one (v2)
  for root in /sys/fs/cgroup/"$group" /sys/fs/cgroup/*/"$group"; do
    if [ -d "$root" ]; then find "$root" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
}
trap cleanup EXIT
ip netns add "$netns"
printf 'kukeon {\n  network-namespace = "/run/netns/%s"\n}\n' "$netns" > "$work/kukeond.conf"
# the daemon takes its settings from these flags and that file only: none of the caller's KUKEOND_* variables
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^KUKEOND_' || true)

sock=$work/kukeond.sock
# (KUKEON_CDS=off: no training run of kuke's own archive in the background)
kuke() { KUKEON_CDS=off "$home/bin/kuke" --host "unix:$sock" --token-file "$work/data/token" "$@" </dev/null >>"$work/kuke.log" 2>&1 || true; }
# starts kukeond (KUKEON_CDS=off: never the archive being replaced) and waits up to 60 s for its API
start() {
  rm -f "$sock"
  KUKEON_CDS=off KUKEOND_JAVA_OPTS="$*" "$home/bin/kukeond" --data-dir "$work/data" --socket "$sock" \
    --containerd-socket "$work/no-containerd.sock" --cgroup-root "$group" --metrics-listen none \
    --config "$work/kukeond.conf" \
    </dev/null >>"$work/kukeond.log" 2>&1 &
  daemon=$!
  for _ in $(seq 1 600); do
    [ -S "$sock" ] && return 0
    kill -0 "$daemon" 2>/dev/null || break
    sleep 0.1
  done
  echo "kukeond-cds.sh: the training kukeond did not start; its log:" >&2
  tail -20 "$work/kukeond.log" >&2
  exit 1
}
# SIGTERM, as systemd stops it; the archive is written on the way out (allow 120 s)
stop() {
  kill -TERM "$daemon"
  for _ in $(seq 1 1200); do
    kill -0 "$daemon" 2>/dev/null || { wait "$daemon" || true; daemon=; return 0; }
    sleep 0.1
  done
  echo "kukeond-cds.sh: the training kukeond did not stop within 120 s" >&2
  exit 1
}
# a realm, space and stack of its own, and a cell of two containers (not started: no containerd)
manifest() {
  cat <<EOF
apiVersion: v1beta1
kind: Realm
metadata: {name: training}
---
apiVersion: v1beta1
kind: Space
metadata: {name: training}
spec: {realmId: training}
---
apiVersion: v1beta1
kind: Stack
metadata: {name: training}
spec: {realmId: training, spaceId: training}
---
apiVersion: v1beta1
kind: Cell
metadata: {name: $1}
spec:
  realmId: training
  spaceId: training
  stackId: training
  containers:
    - {id: app, image: docker.io/library/busybox:latest, command: sleep, args: ["3600"]}
    - {id: side, image: docker.io/library/busybox:latest, command: sleep, args: ["3600"]}
EOF
}

start
manifest first > "$work/first.yaml"
kuke apply -f "$work/first.yaml"
stop
start "-XX:ArchiveClassesAtExit=$jsa.$$"
kuke get cells
manifest second > "$work/second.yaml"
kuke apply -f "$work/second.yaml"
stop
[ -s "$jsa.$$" ] || { echo "kukeond-cds.sh: the JVM wrote no archive; its log:" >&2; tail -20 "$work/kukeond.log" >&2; exit 1; }
mv -f "$jsa.$$" "$jsa"
echo "$jsa"
