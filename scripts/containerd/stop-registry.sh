#!/usr/bin/env bash
# Stop the registry start-registry.sh started under BASE (by its PID) and remove BASE.
#
#   usage: stop-registry.sh BASE
set -euo pipefail
BASE=$(realpath -m "${1:?usage: stop-registry.sh BASE}")
# BASE is removed at the end: refuse anything shallower than /dir/name
case "$BASE" in /*/*) ;; *) echo "refusing BASE '$BASE': give a directory of its own, e.g. /tmp/kukeon-ctrd" >&2; exit 2;; esac
if [ -s "$BASE/registry.pid" ]; then
  pid=$(cat "$BASE/registry.pid")
  if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = docker-registry ]; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
fi
rm -rf "$BASE"
