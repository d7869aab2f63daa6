# Sourced by the bench-*.sh scripts: runs a benchmark main of src/test/java against a real
# containerd (CONTAINERD_SOCKET, or a private one started here and removed afterwards) with a
# busybox image built from busybox-static.
#
#   bench_java CLASS [ARGS...]

bench_java() {
  require_root
  install_prerequisites
  local work=/tmp/kukeon-bench-ctrd sock started="" archive
  if [ -n "${CONTAINERD_SOCKET:-}" ]; then
    sock=$CONTAINERD_SOCKET
  else
    sock=$(scripts/containerd/start-containerd.sh "$work"); started=1
  fi
  archive=$(mktemp /tmp/kukeon-bench-busybox.XXXXXX.tar)
  # shellcheck disable=SC2064
  trap "rm -f '$archive'; [ -n '$started' ] && scripts/containerd/cleanup-containerd.sh '$work' >/dev/null 2>&1 || true" EXIT
  scripts/containerd/make-busybox-oci.sh "$archive" >/dev/null
  mvn -B -q -DskipTests test-compile package
  local junit opentest
  junit=$(find ~/.m2/repository/org/junit -name 'junit-jupiter-api-*.jar' | head -1)
  opentest=$(find ~/.m2/repository/org/opentest4j -name '*.jar' | head -1)
  # kukeond runs in this JVM: its JVM options, and the common pool as it sets it on small hosts
  # (Kukeond.ensureCommonPool).
  java @conf/kukeond.jvm -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dlogback.configurationFile=conf/logback.xml -Dkukeon.containerd.socket="$sock" \
    -Dkukeon.busybox.archive="$archive" -Dkukeon.projectDir="$PWD" \
    -cp "target/test-classes:target/kukeon.jar:target/lib/*:$junit:$opentest" "$@"
}
