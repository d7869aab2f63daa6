#!/usr/bin/env bash
# Flat per-object cost (issue 19 goal 3): a cell start, a Get and `kuke get cells` with 0, 100,
# 1,000 cells running, and the adoption of N real cells after kill -9 of kukeond.
#
#   usage: scripts/bench-flat.sh fake [COUNTS=0,100,1000] [SAMPLES=20]   (the fake runtime)
#          sudo scripts/bench-flat.sh real [COUNTS=0,100] [SAMPLES=10]   (real containerd)
#          sudo scripts/bench-flat.sh adopt [N=100] [ROUNDS=3]             (real containerd, kill -9)
#   env:   CONTAINERD_SOCKET (default: a private containerd started under KUKEON_BENCH_WORK)
#          KUKEON_BENCH_VARIANT="JVM options" (adopt): rounds alternate the shipped options and these added
#          KUKEON_BENCH_JFR=DIR (adopt): dumps kukeond's flight recording there once all are Ready
#          (start it with KUKEOND_JAVA_OPTS=-XX:StartFlightRecording=settings=profile)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
if [ "${1:-fake}" = fake ]; then
  bench_jvm io.kukeon.bench.FlatBenchmark "$@"
elif [ "$1" = adopt ]; then
  KUKEON_BENCH_CDS=yes bench_java io.kukeon.bench.FlatBenchmark "$@"
else
  bench_java io.kukeon.bench.FlatBenchmark "$@"
fi
