#!/usr/bin/env bash
# Stop the server start-postgres.sh started under BASE (the PID in its own postmaster.pid) and
# remove BASE. Never any other cluster.
#
#   usage: stop-postgres.sh BASE
set -euo pipefail
BASE=$(realpath -m "${1:?usage: stop-postgres.sh BASE}")
case "$BASE" in /*/*) ;; *) echo "refusing BASE '$BASE': give a directory of its own, e.g. /tmp/kukeon-pg" >&2; exit 2;; esac
if [ -s "$BASE/data/postmaster.pid" ]; then
  pid=$(head -1 "$BASE/data/postmaster.pid")
  if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = postgres ]; then
    kill -QUIT "$pid"   # immediate shutdown: the data is removed next
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
fi
rm -rf "$BASE"
