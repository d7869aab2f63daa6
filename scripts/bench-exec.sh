#!/usr/bin/env bash
# kuke exec's cost: `true` in a running container through kukeond's Exec RPC, next to the same
# containerd calls made with kukeond's containerd client alone and to `ctr task exec`, alternating
# in one run; prints medians, p90 and the ratio. kukeond has its default settings.
#
#   usage: sudo scripts/bench-exec.sh [N=50]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.ExecBenchmark "${1:-50}"
