#!/usr/bin/env bash
# Tear down what start-containerd.sh and the tests created, in an order that leaves nothing:
# tasks and containers while containerd is up, then stray shims and container processes, then
# containerd, mounts, BASE, empty dirs in /run/containerd, our cgroups, our netns.
#
#   usage: cleanup-containerd.sh BASE [CGROUP_ROOT ...]
#          CGROUP_ROOT: a top-level cgroup name only this project uses, or a glob of them
#          (e.g. 'kukeon-test-*'): every process found in it is killed, and the network
#          namespaces (ip netns) of the same names are deleted.
#   env:   CTRD_NETNS="ns1 ns2"   network namespaces (ip netns) to delete
#
# Processes are ended by PID, and only when provably ours: a shim whose -address is our
# socket, a process inside one of our cgroup roots, or the PID in BASE/containerd.pid.
set -euo pipefail
BASE=${1:?usage: cleanup-containerd.sh BASE [CGROUP_ROOT ...]}; shift
BASE=$(realpath -m "$BASE")
ROOTS=("$@")
# BASE is removed at the end: refuse anything shallower than /dir/name
case "$BASE" in /*/*) ;; *) echo "refusing BASE '$BASE': give a directory of its own, e.g. /tmp/kukeon-ctrd" >&2; exit 2;; esac
SOCK=$BASE/containerd.sock
C=(ctr --address "$SOCK")

for r in "${ROOTS[@]}"; do
  case "$r" in ''|/*|*/*|.|..|'*') echo "cleanup: refusing cgroup root '$r' (one name or glob, no '/')" >&2; exit 2;; esac
done

if [ -S "$SOCK" ] && timeout 5 "${C[@]}" version >/dev/null 2>&1; then
  for ns in $("${C[@]}" namespaces ls -q); do
    for c in $("${C[@]}" -n "$ns" containers ls -q); do
      timeout 15 "${C[@]}" -n "$ns" tasks rm -f "$c" >/dev/null 2>&1 || true
      timeout 15 "${C[@]}" -n "$ns" containers rm "$c" >/dev/null 2>&1 || echo "cleanup: could not delete $ns/$c" >&2
    done
    for i in $("${C[@]}" -n "$ns" images ls -q); do "${C[@]}" -n "$ns" images rm "$i" >/dev/null 2>&1 || true; done
    for l in $("${C[@]}" -n "$ns" leases ls -q 2>/dev/null); do "${C[@]}" -n "$ns" leases rm "$l" >/dev/null 2>&1 || true; done
    "${C[@]}" namespaces rm "$ns" >/dev/null 2>&1 || true
  done
fi

# shims of THIS containerd only: their command line ends in "-address $SOCK"
for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*-address $SOCK\$" || true); do
  kill -KILL "$pid" 2>/dev/null && echo "cleanup: killed stray shim $pid" >&2 || true
done

# container processes still inside our cgroup roots (their shim died)
shopt -s nullglob
for r in "${ROOTS[@]}"; do
  for d in /sys/fs/cgroup/pids/$r; do
    for pid in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null && echo "cleanup: killed stray container process $pid" >&2 || true
    done
  done
done

if [ -s "$BASE/containerd.pid" ]; then
  pid=$(cat "$BASE/containerd.pid")
  if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = containerd ]; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
fi

# mounts below BASE (rootfs overlays of tasks that were not deleted), deepest first
awk -v b="$BASE" '$2 == b || index($2, b "/") == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" || true
done
rm -rf "$BASE"

# /run/containerd (shim sockets in s/, runc state in runc/<ns>) is used whatever the config says;
# remove what is empty, and only when no containerd runs (another one may own the rest)
if [ -d /run/containerd ] && ! pgrep -x containerd >/dev/null; then
  find /run/containerd -depth -type d -empty -delete 2>/dev/null || true
fi

# cgroups in every hierarchy: the v1 controllers, name=systemd and the unified one
for r in "${ROOTS[@]}"; do
  for h in /sys/fs/cgroup/*/; do
    for d in $h$r; do
      [ -d "$d" ] || continue
      find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      if [ -d "$d" ]; then echo "cleanup: could not remove cgroup $d" >&2; fi
    done
  done
done

# network namespaces named as one of our cgroup roots: a test daemon's (RealHost), its bridges,
# veths and iptables rules go with it
for n in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
  for r in "${ROOTS[@]}"; do
    # shellcheck disable=SC2053   # $r is a glob on purpose
    if [[ $n == $r ]]; then
      ip netns del "$n" 2>/dev/null && echo "cleanup: deleted network namespace $n" >&2 || true
      break
    fi
  done
done
for n in ${CTRD_NETNS:-}; do
  ip netns del "$n" 2>/dev/null || true
done
# `ip netns add` bind-mounts /run/netns onto itself; undo that when no netns is left
if [ -n "${CTRD_NETNS:-}" ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ]; then
  if grep -q ' /run/netns ' /proc/mounts; then umount /run/netns || true; fi
  rmdir /run/netns 2>/dev/null || true
fi
exit 0
