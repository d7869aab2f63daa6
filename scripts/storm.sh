#!/usr/bin/env bash
# The kill -9 storm as a long run (the test KillStormTest runs 7 trials of it): a real kukeond
# under random applies, starts, stops and deletes, kill -9'd at a random moment and started
# again, TRIALS times, with the invariant checked after each restart. Prints one line per trial
# and "trials T, violations V, requests R" with the restart and settle times; exits 1 when there
# was any violation (the daemon's data directory is then kept, and named, for its log and journal).
#
#   usage: sudo scripts/storm.sh [TRIALS=100] [SEED] [CONTAINERD_RESTART_ONE_IN=0] [--journal h2|postgres]
#          sudo scripts/storm.sh --fleet M [TRIALS=100] [SEED]
#          (the third: one trial in N restarts containerd under the running kukeond instead;
#          --journal postgres: kukeond's journal on a private PostgreSQL server, see lib/journal-option.sh;
#          --fleet M: M kukeond (3 to 5) as one cluster, each request through a random member, one random
#          member kill -9'd per trial, the invariant over all nodes: FleetStorm, FleetKillStormTest)
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd),
#          KUKEON_BENCH_POSTGRES_PORT (default 55439),
#          STORM_MINUTES (no trial starts after that many minutes; default: no limit)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
. scripts/lib/journal-option.sh
FLEET=0
FLEET_GIVEN=
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fleet) FLEET=${2:-}; FLEET_GIVEN=1; shift $(( $# > 1 ? 2 : 1 )) ;;
    --fleet=*) FLEET=${1#--fleet=}; FLEET_GIVEN=1; shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
journal_parse "${rest[@]}"
set -- "${ARGS[@]}"
if [ -n "$FLEET_GIVEN" ]; then
  case "$FLEET" in
    3|4|5) ;;
    *) echo "--fleet '$FLEET': must be 3, 4 or 5 members (killing one must leave a majority)" >&2; exit 2 ;;
  esac
  # each member keeps its own tree and journal yet: members on one database would write the same events
  [ "$JOURNAL_KIND" = h2 ] || { echo "--fleet: --journal must be h2 (each member's journal in its data dir)" >&2; exit 2; }
  [ "${3:-0}" = 0 ] || { echo "--fleet: CONTAINERD_RESTART_ONE_IN must be 0 (the fleet storm kills members only)" >&2; exit 2; }
fi
journal_start
# What an interrupted storm leaves (its cgroup root, its daemon's network namespace) is removed by
# bench_java's clean-up at exit, by the run's prefix; the PostgreSQL server by journal_start's.
( bench_java "${JOURNAL_JAVA_OPTS[@]}" -Dkukeon.storm.minutes="${STORM_MINUTES:-}" -Dkukeon.storm.fleet="$FLEET" io.kukeon.storm.StormMain "${1:-100}" ${2:-$RANDOM$RANDOM} ${3:-0} )
