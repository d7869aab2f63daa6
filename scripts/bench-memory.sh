#!/usr/bin/env bash
# Heap per container (issue 19): kukeond with the fake runtime (the tree and the journal alone) in this
# JVM, with conf/kukeond.jvm's options; N one-workload cells created and started, the heap measured
# after full collections right after and after a restart that adopts them, and the resident set.
#
#   usage: sudo scripts/bench-memory.sh [CELLS=500] [HISTOGRAM_LINES=0]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.MemoryBenchmark "$@"
