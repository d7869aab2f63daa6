#!/usr/bin/env bash
# kuke run's cost: `kuke run --rm --image busybox -- true` as kuke makes its calls (MaterializeCell,
# Logs next_run, Start, the run to its exit code) next to `ctr run --rm` of the same image and
# command, alternating in one run; prints medians, p90 and the ratio. kukeond has its default settings.
#
#   usage: sudo scripts/bench-run.sh [N=30]
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_java io.kukeon.bench.RunBenchmark "${1:-30}"
