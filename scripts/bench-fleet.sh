#!/usr/bin/env bash
# What routing through a fleet costs (issue 18): three kukeonds in one cluster on 127.0.0.1 (fake
# runtime, one JVM) with N cells each, beside a kukeond alone holding all of them: kuke get cells
# through one member against the one alone, and a Get and a start of a cell held by the member
# called against one held by another.
#
#   usage: scripts/bench-fleet.sh [N=100] [SAMPLES=20]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
bench_jvm io.kukeon.bench.FleetBenchmark "$@"
