#!/usr/bin/env bash
# Start a private PostgreSQL server for tests under BASE: its own cluster (initdb as the postgres
# user, trust authentication for user kukeon), listening on 127.0.0.1:PORT and a socket in BASE
# only. Never the system's cluster. Prints the JDBC URL of its maintenance database.
#
#   usage: start-postgres.sh BASE PORT [FSYNC=off]
#          (FSYNC=on: PostgreSQL's default, commits wait for the disk; benchmarks use it)
set -euo pipefail
BASE=$(realpath -m "${1:?usage: start-postgres.sh BASE PORT}")
PORT=${2:?usage: start-postgres.sh BASE PORT}
FSYNC=${3:-off}
case "$FSYNC" in on|off) ;; *) echo "FSYNC '$FSYNC': on or off" >&2; exit 2;; esac
case "$BASE" in /*/*) ;; *) echo "refusing BASE '$BASE': give a directory of its own, e.g. /tmp/kukeon-pg" >&2; exit 2;; esac
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
id postgres >/dev/null 2>&1 || { echo "no user postgres (the postgresql package makes it)" >&2; exit 1; }

mkdir -p "$BASE"
chown postgres: "$BASE"
chmod 0700 "$BASE"
as_postgres() { su postgres -s /bin/sh -c "$1"; }
# initdb refuses root; for tests fsync is off: the server and its data are thrown away after the run
as_postgres "'$BIN/initdb' -D '$BASE/data' -A trust -U kukeon --no-sync -E UTF8" >"$BASE/initdb.log" 2>&1 \
  || { cat "$BASE/initdb.log" >&2; exit 1; }
# in its configuration, so that a test that stops the server (ctl-postgres.sh) starts it the same
cat >> "$BASE/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
fsync = $FSYNC
max_connections = 200
CONF
"$(dirname "$0")/ctl-postgres.sh" "$BASE" start

echo "jdbc:postgresql://127.0.0.1:$PORT/postgres"
