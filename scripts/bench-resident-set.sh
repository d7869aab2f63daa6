#!/usr/bin/env bash
# kukeond's resident set (issue 19): the daemon alone in a JVM of its own with conf/kukeond.jvm's
# options, on the fake runtime, idle and with N one-workload cells (2N containers); with "nmt", the
# JVM's native memory summary (heap, metaspace, code cache, threads, ...) idle after the first calls
# and at the end.
#
#   usage: scripts/bench-resident-set.sh [CELLS=500] [nmt]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/bench.sh
bench_jvm io.kukeon.bench.ResidentSetBenchmark "$@"
