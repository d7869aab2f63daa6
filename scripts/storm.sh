#!/usr/bin/env bash
# The kill -9 storm as a long run (the test KillStormTest runs 10 trials of it): a real kukeond
# under random applies, starts, stops and deletes, kill -9'd at a random moment and started
# again, TRIALS times, with the invariant checked after each restart. Prints one line per trial
# and "trials T, violations V, requests R" with the restart and settle times; exits 1 when there
# was any violation (the daemon's data directory is then kept, and named, for its log and journal).
#
#   usage: sudo scripts/storm.sh [TRIALS=100] [SEED] [CONTAINERD_RESTART_ONE_IN=0] [--journal h2|postgres]
#          (the third: one trial in N restarts containerd under the running kukeond instead;
#          --journal postgres: kukeond's journal on a private PostgreSQL server, see lib/journal-option.sh)
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd),
#          KUKEON_BENCH_POSTGRES_PORT (default 55439),
#          STORM_MINUTES (no trial starts after that many minutes; default: no limit)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
. scripts/lib/journal-option.sh
journal_parse "$@"
set -- "${ARGS[@]}"
journal_start
# What an interrupted storm leaves (its cgroup root, its daemon's network namespace) is removed by
# bench_java's clean-up at exit, by the run's prefix; the PostgreSQL server by journal_start's.
( bench_java "${JOURNAL_JAVA_OPTS[@]}" -Dkukeon.storm.minutes="${STORM_MINUTES:-}" io.kukeon.storm.StormMain "${1:-100}" ${2:-$RANDOM$RANDOM} ${3:-0} )
