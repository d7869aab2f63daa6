# Sourced by the bench-*.sh scripts: runs a benchmark main of src/test/java against a real
# containerd (CONTAINERD_SOCKET, or a private one started here and removed afterwards) with a
# busybox image built from busybox-static. Its kukeond runs its networks in a network namespace
# of its own (RealHost); the clean-up at exit removes it with the cgroup root.
#
#   bench_java CLASS [ARGS...]   (bench_jvm: the same without containerd and busybox)

bench_java() {
  require_root
  install_prerequisites
  local work=${KUKEON_BENCH_WORK:-/tmp/kukeon-bench-ctrd} sock archive prefix
  # The daemons' cgroup roots and network namespaces are kukeon-test-<run>-<id> (RealHost): what an
  # interrupted run leaves is removed by this run's prefix, never another suite's.
  prefix=kukeon-test-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')-
  if [ -n "${CONTAINERD_SOCKET:-}" ]; then
    sock=$CONTAINERD_SOCKET
    work=$(mktemp -d /tmp/kukeon-bench-cleanup.XXXXXX)   # no containerd of ours: the clean-up's BASE is empty
  else
    sock=$(scripts/containerd/start-containerd.sh "$work")
  fi
  archive=$(mktemp /tmp/kukeon-bench-busybox.XXXXXX.tar)
  # shellcheck disable=SC2064
  trap "rm -f '$archive'; scripts/containerd/cleanup-containerd.sh '$work' '$prefix*' >/dev/null 2>&1 || true" EXIT
  scripts/containerd/make-busybox-oci.sh "$archive" >/dev/null
  bench_jvm -Dkukeon.containerd.socket="$sock" -Dkukeon.test.cgroupPrefix="$prefix" -Dkukeon.busybox.archive="$archive" "$@"
}

# Builds, then runs a benchmark main of src/test/java in a JVM with kukeond's options, without a
# containerd: bench_jvm [-D...] CLASS [ARGS...]
bench_jvm() {
  mvn -B -q -DskipTests test-compile package
  # kukeond's class-data archive, for the benchmarks that start it by bin/kukeond (bench-flat.sh adopt)
  [ "${KUKEON_BENCH_CDS:-no}" = no ] || scripts/kukeond-cds.sh --if-stale >/dev/null
  local junit opentest
  junit=$(find ~/.m2/repository/org/junit -name 'junit-jupiter-api-*.jar' | head -1)
  opentest=$(find ~/.m2/repository/org/opentest4j -name '*.jar' | head -1)
  # kukeond runs in this JVM: its JVM options, and the common pool as it sets it on small hosts
  # (Kukeond.ensureCommonPool); its log as kukeond sets it up (DaemonLogging).
  java @conf/kukeond.jvm -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -Dkukeon.projectDir="$PWD" -cp "target/test-classes:target/kukeon.jar:target/lib/*:$junit:$opentest" "$@"
}
