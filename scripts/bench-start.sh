#!/usr/bin/env bash
# Cell start through kukeond next to raw containerd gRPC create+start of the same containers (and
# `ctr run -d`), alternating in one run; prints medians and the ratio.
#
#   usage: sudo scripts/bench-start.sh [N=20] [startup-grace=0ms]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.StartBenchmark "${1:-20}" "${2:-0ms}"
