#!/usr/bin/env bash
# Journal retention (RetentionBenchmark): kukeond on an H2 journal with a million events of history
# (fake runtime, kukeond's settings): its start to the first answer and `kuke events --since 10m`
# (a Watch through the index by time), beside the same on a journal with no history and the
# whole-journal Watch that --since was before; then the retention sweep over that history (its
# time, the rows and the file before and after) and the start again. No containerd needed.
#
#   usage: scripts/bench-retention.sh [EVENTS=1000000]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/bench.sh
bench_jvm io.kukeon.bench.RetentionBenchmark "${1:-1000000}"
