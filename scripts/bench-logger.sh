#!/usr/bin/env bash
# What a task logger costs a container printing as fast as it can: kukeon-logger next to the former
# sh + cat logger, alternating in one run on a real containerd (throughput, CPU, peak RSS).
#
#   usage: sudo scripts/bench-logger.sh [ROUNDS=3] [MIB=256]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.runtime.containerd.LoggerBenchmark "${1:-3}" "${2:-256}"
