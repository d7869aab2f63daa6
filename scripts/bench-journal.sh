#!/usr/bin/env bash
# Journal throughput (JournalThroughputBenchmark): durable events/s with 1 and with 100 concurrent
# writers and their p50/p99 latency, through kukeond's journal (its plugin, DAO and settings, real
# persistent actors and events) on its H2 file and on a private PostgreSQL server (fsync on, as
# PostgreSQL ships), beside pekko-persistence-jdbc's default DAO and raw JDBC inserts of the same
# rows, in one run, in a JVM with kukeond's options. No containerd needed.
#
#   usage: sudo scripts/bench-journal.sh [SECONDS=5]   (measured per case, after 2 s of warm-up)
#   env:   KUKEON_BENCH_POSTGRES_PORT (default 55439)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
. scripts/lib/bench.sh
. scripts/lib/journal-option.sh
private_postgres_start
bench_jvm "${JOURNAL_JAVA_OPTS[@]}" io.kukeon.bench.JournalThroughputBenchmark "${1:-5}"
