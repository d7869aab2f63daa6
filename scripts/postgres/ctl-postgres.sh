#!/usr/bin/env bash
# Start or stop (fast: connections are cut) the server start-postgres.sh made under BASE, keeping
# its data: tests use it to take the journal's database away under a running kukeond.
#
#   usage: ctl-postgres.sh BASE start|stop
set -euo pipefail
BASE=$(realpath -m "${1:?usage: ctl-postgres.sh BASE start|stop}")
[ -f "$BASE/data/PG_VERSION" ] || { echo "no cluster of start-postgres.sh in $BASE" >&2; exit 1; }
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
case "${2:-}" in
  start) su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$BASE/data' -l '$BASE/server.log' -w -t 30 start" >/dev/null \
           || { tail -20 "$BASE/server.log" >&2; exit 1; } ;;
  stop)  su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$BASE/data' -w -t 30 -m fast stop" >/dev/null ;;
  *) echo "usage: ctl-postgres.sh BASE start|stop" >&2; exit 2 ;;
esac
