#!/usr/bin/env bash
# Apply of a manifest of N one-workload cells through kukeond's API (default settings) next to the
# raw baseline in the same run: the same 2N containers created and started with containerd's gRPC
# API and the space's CNI chain run directly, as many cells at once as kukeond's apply-parallelism.
# Prints each round, the medians, the ratio and the machine's load.
#
#   usage: sudo scripts/bench-apply.sh [N=100] [rounds=1] [startup-grace, default: kukeond's]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.ApplyBenchmark "${1:-100}" "${2:-1}" ${3:+"$3"}
