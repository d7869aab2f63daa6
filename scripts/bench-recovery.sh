#!/usr/bin/env bash
# Recovery figures: exit -> restarted task running (p50/p90/p99), and daemon start -> all cells
# adopted, with the real containerd or with the fake runtime.
#
#   usage: sudo scripts/bench-recovery.sh restart [CELLS=10] [RUN_SECONDS=1]   (each exits after RUN_SECONDS)
#          sudo scripts/bench-recovery.sh adopt N          (real containerd)
#          sudo scripts/bench-recovery.sh adopt-fake N     (the tree and journal alone)
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.RecoveryBenchmark "$@"
