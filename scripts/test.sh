#!/usr/bin/env bash
# The whole test suite, against real components: installs the prerequisites, starts a private
# containerd, an htpasswd-protected registry and a PostgreSQL server (scripts/postgres) on
# 127.0.0.1, builds a busybox OCI image from busybox-static, runs `mvn verify` with tests of real
# components required (they fail, never skip, when a component is missing), and removes everything
# it started, also on failure.
#
#   usage: sudo scripts/test.sh [extra maven args, e.g. -Dtest=TreeLifecycleTest]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/prerequisites.sh
require_root

WORK=${KUKEON_TEST_WORK:-/tmp/kukeon-test-run}
CTRD=$WORK/containerd
REG=$WORK/registry
REG_PORT=${KUKEON_TEST_REGISTRY_PORT:-5055}
REG_USER=kukeon
REG_PASS=kukeon-test
PG=$WORK/postgres
PG_PORT=${KUKEON_TEST_POSTGRES_PORT:-55432}
ARCHIVE=$WORK/busybox-oci.tar
# The tests' cgroup roots are kukeon-test-<run>-<id>: the clean-up removes this run's roots (and
# kills what runs in them) and never touches those of another suite on the same host.
RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
PREFIX=kukeon-test-$RUN-

cleanup() {
  local prefix
  scripts/containerd/stop-registry.sh "$REG" >/dev/null 2>&1 || true
  scripts/postgres/stop-postgres.sh "$PG" >/dev/null 2>&1 || true
  prefix=$(cat "$WORK/cgroup-prefix" 2>/dev/null || true)
  case "$prefix" in
    kukeon-test-*-) scripts/containerd/cleanup-containerd.sh "$CTRD" "$prefix*" || true ;;
    *) scripts/containerd/cleanup-containerd.sh "$CTRD" || true ;;
  esac
  rm -rf "$WORK"
}
trap cleanup EXIT
cleanup   # what an earlier, interrupted run left behind (it wrote its prefix down)

install_prerequisites
mkdir -p "$WORK"
echo "$PREFIX" > "$WORK/cgroup-prefix"
echo "==> containerd"
SOCK=$(scripts/containerd/start-containerd.sh "$CTRD")
echo "==> busybox image"
scripts/containerd/make-busybox-oci.sh "$ARCHIVE" >/dev/null
echo "==> registry on 127.0.0.1:$REG_PORT"
scripts/containerd/start-registry.sh "$REG" "$REG_PORT" "$REG_USER" "$REG_PASS" "$ARCHIVE" >/dev/null
echo "==> PostgreSQL on 127.0.0.1:$PG_PORT"
PG_URL=$(scripts/postgres/start-postgres.sh "$PG" "$PG_PORT")

echo "==> mvn verify"
mvn -B verify \
  -Dsurefire.excludedGroups=bench \
  -Dkukeon.test.cgroupPrefix="$PREFIX" \
  -Dkukeon.containerd.socket="$SOCK" \
  -Dkukeon.busybox.archive="$ARCHIVE" \
  -Dkukeon.registry="127.0.0.1:$REG_PORT" \
  -Dkukeon.registry.user="$REG_USER" \
  -Dkukeon.registry.password="$REG_PASS" \
  -Dkukeon.postgres.url="$PG_URL" \
  -Dkukeon.postgres.base="$PG" \
  "$@"
