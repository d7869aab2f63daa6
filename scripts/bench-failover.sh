#!/usr/bin/env bash
# Failover time on the real containerd (issue 18): three kukeond processes as one cluster, default
# settings, 3 cells per node that restart always; each trial kills the host of the node holding the
# most cells (kukeond, tasks, shims: -9) and times until the others list it not Up, then Down, then
# until each of its cells runs in another node's containerd; the node is started again and every
# cell must then run exactly once (else it fails, printing the daemons' logs). Before the trials,
# a cell start through node a of a cell a holds against one b holds, beside the raw containerd
# start (SAMPLES=0 leaves it out). STABLE_AFTER FAILOVER_AFTER, when given, replace the defaults.
#
#   usage: sudo scripts/bench-failover.sh [TRIALS=20] [SAMPLES=20] [STABLE_AFTER FAILOVER_AFTER]
#          e.g. scripts/bench-failover.sh 10 0 3s 2s
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
( bench_java io.kukeon.bench.FailoverBenchmark "$@" )
