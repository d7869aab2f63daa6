# Sourced by storm.sh and the bench-*.sh scripts that take `--journal h2|postgres`: the store of
# the kukeond they run. For postgres, a private PostgreSQL server for the run
# (scripts/postgres/start-postgres.sh: its own cluster under /tmp, port KUKEON_BENCH_POSTGRES_PORT,
# default 55439, PostgreSQL's default fsync = on), removed at exit; never the system's cluster.
#
#   journal_parse "$@"     sets JOURNAL_KIND (default h2) and ARGS, the other arguments
#   journal_start          starts the server if the kind is postgres, and sets JOURNAL_JAVA_OPTS,
#                          the -D options the Java side reads (PrivatePostgres.daemonJournalOfRun)
#   private_postgres_start starts the server whatever the kind (benchmarks of both stores)
# Run bench_java in a subshell after these: its own EXIT trap would replace the server's clean-up.

JOURNAL_KIND=h2
JOURNAL_JAVA_OPTS=()
ARGS=()

journal_parse() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --journal) JOURNAL_KIND=${2:-}; shift $(( $# > 1 ? 2 : 1 )) ;;
      --journal=*) JOURNAL_KIND=${1#--journal=}; shift ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  case "$JOURNAL_KIND" in
    h2|postgres) ;;
    *) echo "--journal '$JOURNAL_KIND': must be h2 or postgres" >&2; exit 2 ;;
  esac
}

journal_start() {
  JOURNAL_JAVA_OPTS=(-Dkukeon.test.journal="$JOURNAL_KIND")
  if [ "$JOURNAL_KIND" = postgres ]; then
    private_postgres_start
  fi
}

private_postgres_start() {
  local url
  require_root
  install_prerequisites
  JOURNAL_POSTGRES_BASE=$(mktemp -d /tmp/kukeon-bench-pg.XXXXXX)
  trap 'scripts/postgres/stop-postgres.sh "$JOURNAL_POSTGRES_BASE" >/dev/null 2>&1 || true' EXIT
  url=$(scripts/postgres/start-postgres.sh "$JOURNAL_POSTGRES_BASE" "${KUKEON_BENCH_POSTGRES_PORT:-55439}" on)
  echo "==> PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1) on ${url#jdbc:postgresql://} (private, fsync on)" >&2
  JOURNAL_JAVA_OPTS+=(-Dkukeon.postgres.url="$url" -Dkukeon.postgres.base="$JOURNAL_POSTGRES_BASE")
}
