package io.kukeon.testing;

import org.junit.jupiter.api.Assertions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gate for tests of real components (containerd, cgroups, CNI plugins, a registry): a missing one
 * fails the test, never skips it. Such tests carry the tags {@code containerd}, {@code cgroup},
 * {@code cni}, {@code network}, {@code registry} or {@code postgres}, which a plain {@code mvn verify} leaves out
 * ({@code surefire.excludedGroups} in the pom); {@code scripts/test.sh} (what CI runs) starts the
 * components and runs them all.
 */
public final class RealComponents {
    private RealComponents() {}

    /** Fails the test unless {@code present}: a test of a real component never passes without it. */
    public static void need(String component, boolean present, String why) {
        if (!present) {
            Assertions.fail(component + " is required but missing: " + why);
        }
    }

    /**
     * A cgroup root of the test's own: {@code <prefix><id>}. The prefix ({@code -Dkukeon.test.cgroupPrefix},
     * default {@code kukeon-test-}) is one per run of scripts/test.sh, whose clean-up then touches
     * the roots of this run alone, never those of another suite running on the same host.
     */
    public static String cgroupRoot(String id) {
        String prefix = System.getProperty("kukeon.test.cgroupPrefix", "kukeon-test-");
        if (!prefix.matches("[a-z0-9][a-z0-9-]{0,30}")) {
            throw new IllegalArgumentException("kukeon.test.cgroupPrefix \"" + prefix + "\": 1-31 of [a-z0-9-]");
        }
        return prefix + id;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The socket of the private containerd started for tests ({@code -Dkukeon.containerd.socket}). */
    public static Path containerdSocket() {
        String s = System.getProperty("kukeon.containerd.socket", System.getenv("KUKEON_TEST_CONTAINERD_SOCKET"));
        need("containerd", s != null && !s.isEmpty() && Files.exists(Path.of(s)),
                "set -Dkukeon.containerd.socket to a running containerd's socket (see .ci/run)");
        need("root", isRoot(), "containerd tests run as root");
        return Path.of(s);
    }

    /** The busybox OCI archive built by scripts/make-busybox-oci.sh ({@code -Dkukeon.busybox.archive}). */
    public static Path busyboxArchive() {
        String s = System.getProperty("kukeon.busybox.archive", System.getenv("KUKEON_TEST_BUSYBOX_ARCHIVE"));
        need("busybox OCI archive", s != null && Files.isRegularFile(Path.of(s)),
                "set -Dkukeon.busybox.archive to the output of scripts/make-busybox-oci.sh");
        return Path.of(s);
    }

    /** host:port of the htpasswd-protected registry ({@code -Dkukeon.registry}, user/password below). */
    public static String registry() {
        String s = System.getProperty("kukeon.registry", System.getenv("KUKEON_TEST_REGISTRY"));
        need("registry", s != null && !s.isEmpty(), "set -Dkukeon.registry=127.0.0.1:PORT (see .ci/run)");
        return s;
    }

    public static String registryUser() {
        return System.getProperty("kukeon.registry.user", "kukeon");
    }

    public static String registryPassword() {
        return System.getProperty("kukeon.registry.password", "kukeon-test");
    }

    /**
     * A JDBC URL of the private PostgreSQL server started for tests ({@code -Dkukeon.postgres.url}, to
     * its maintenance database; user {@code -Dkukeon.postgres.user}, trust authentication): see
     * {@link PrivatePostgres} for a database of a test's own.
     */
    public static String postgresUrl() {
        String s = System.getProperty("kukeon.postgres.url", System.getenv("KUKEON_TEST_POSTGRES_URL"));
        need("PostgreSQL", s != null && s.startsWith("jdbc:postgresql://"),
                "set -Dkukeon.postgres.url=jdbc:postgresql://127.0.0.1:PORT/postgres (scripts/test.sh starts one)");
        return s;
    }

    public static String postgresUser() {
        return System.getProperty("kukeon.postgres.user", "kukeon");
    }

    /** Real cgroups need root and a writable /sys/fs/cgroup. */
    public static void needCgroups() {
        need("root", isRoot(), "cgroup tests write /sys/fs/cgroup");
        need("cgroupfs", Files.isDirectory(Path.of("/sys/fs/cgroup")), "/sys/fs/cgroup is not mounted");
    }
}
