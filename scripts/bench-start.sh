#!/usr/bin/env bash
# Cell start through kukeond (with its space's network) next to the raw baseline: containerd gRPC
# create+start of the same containers with the space's CNI plugin chain run directly on the root,
# and the same without a network (and `ctr run -d`), alternating in one run; prints medians, p90,
# the CNI ADD alone and the ratios. kukeond has its default settings (a startup-grace given
# replaces the default one).
#
#   usage: sudo scripts/bench-start.sh [N=20] [startup-grace, default: kukeond's] [--journal h2|postgres]
#          (--journal postgres: kukeond's journal on a private PostgreSQL server, fsync on)
#   env:   CONTAINERD_SOCKET (default: a private containerd started under /tmp/kukeon-bench-ctrd),
#          KUKEON_BENCH_POSTGRES_PORT (default 55439)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
. scripts/lib/journal-option.sh
journal_parse "$@"
set -- "${ARGS[@]}"
journal_start
( bench_java "${JOURNAL_JAVA_OPTS[@]}" io.kukeon.bench.StartBenchmark "${1:-20}" ${2:+"$2"} )
