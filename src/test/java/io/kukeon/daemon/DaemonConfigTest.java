package io.kukeon.daemon;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.supervisor.PullSlots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kukeon.api.ApiSettings;
import io.kukeon.api.ApiTls;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsComeFromApplicationConf() {
        DaemonConfig c = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(Path.of("/var/lib/kukeon"), c.dataDir());
        assertEquals(Path.of("/run/kukeon/kukeond.sock"), c.api().socket());
        assertEquals("", c.api().socketGroup());
        assertEquals(null, c.api().tcp(), "no TCP listener unless asked for");
        assertEquals(Path.of("/run/containerd/containerd.sock"), c.containerdSocket());
        assertEquals("auto", c.ids().cgroupRoot(), "chosen when the data dir is first used: InstanceRecord");
        assertEquals("default.kukeon.io", c.ids().namespace("default"));
        assertEquals(Duration.ofSeconds(10), c.stopTimeout());
        assertTrue(c.jdbcUrl().startsWith("jdbc:h2:file:/var/lib/kukeon/journal/kukeon;WRITE_DELAY=0"));
        assertEquals(c.jdbcUrl(), c.pekko().getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    }

    /** H2 takes the journal URL's bounds: a 4 MiB page cache, a returned BLOB kept 5 s (not 16 MiB and 5 min). */
    @Test
    void theH2JournalOpensWithItsCacheAndLobTimeoutBounded() throws Exception {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(DaemonConfig.jdbcUrl(dir.resolve("kukeon")), "sa", "");
             java.sql.ResultSet settings = db.createStatement().executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM "
                     + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('CACHE_SIZE', 'LOB_TIMEOUT') ORDER BY SETTING_NAME")) {
            Map<String, String> values = new java.util.TreeMap<>();
            while (settings.next()) {
                values.put(settings.getString(1), settings.getString(2));
            }
            assertEquals(Map.of("CACHE_SIZE", "4096", "LOB_TIMEOUT", "5000"), values);
        }
    }

    @Test
    void theApiConnectionSettingsHaveDefaultsAndAreSetLikeAnyKey() {
        DaemonConfig c = DaemonConfig.load(Map.of(), null, Map.of("KUKEOND_API_IDLE_TIMEOUT", "45s",
                "KUKEOND_API_KEEPALIVE", "15s", "KUKEOND_API_MAX_CONNECTIONS", "64", "KUKEOND_API_MAX_CONNECTIONS_PER_PEER", "8",
                "KUKEOND_API_HANDSHAKE_TIMEOUT", "3s", "KUKEOND_SOCKET_GROUP", "kukeon", "KUKEOND_APPLY_PARALLELISM", "3"));
        assertEquals(new ApiSettings(Path.of("/run/kukeon/kukeond.sock"), "kukeon", null, Duration.ofSeconds(45),
                Duration.ofSeconds(15), Duration.ofSeconds(3), 64, 8, 3, null), c.api());
        DaemonConfig defaults = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(new ApiSettings(Path.of("/run/kukeon/kukeond.sock"), "", null, Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 1024, 64, 16, null), defaults.api());
    }

    @Test
    void beyondLoopbackTheApiListensOnlyWithTlsOrWhenToldItIsInsecure(@TempDir Path tmp) throws Exception {
        InvalidArgumentException clear = assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("listen", "0.0.0.0:7420"), null, Map.of()));
        assertEquals("listen", clear.field());
        assertTrue(clear.getMessage().contains("tls-cert-file"), clear.getMessage());
        assertEquals(null, DaemonConfig.load(Map.of("listen", "127.0.0.1:7420"), null, Map.of()).api().tls());
        assertEquals("0.0.0.0", DaemonConfig.load(Map.of("listen", "0.0.0.0:7420", "insecure-listen", "true"), null, Map.of())
                .api().tcp().getHostString());

        Path cert = Files.writeString(tmp.resolve("cert.pem"), "x");
        Path key = Files.writeString(tmp.resolve("key.pem"), "x");
        assertEquals("tls-key-file", assertThrows(InvalidArgumentException.class, () -> DaemonConfig.load(Map.of("tls-cert-file",
                cert.toString(), "tls-key-file", key.toString()), null, Map.of())).field(), "a key others may read");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ApiSettings tls = DaemonConfig.load(Map.of("listen", "0.0.0.0:7420", "tls-cert-file", cert.toString(),
                "tls-key-file", key.toString()), null, Map.of()).api();
        assertEquals(new ApiTls(cert, key, null), tls.tls());
        assertEquals("tls-key-file", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("tls-cert-file", cert.toString()), null, Map.of())).field());
        assertEquals("tls-client-ca-file", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("tls-client-ca-file", cert.toString()), null, Map.of())).field());
        assertEquals("tls-cert-file", assertThrows(InvalidArgumentException.class, () -> DaemonConfig.load(
                Map.of("tls-cert-file", tmp.resolve("none.pem").toString(), "tls-key-file", key.toString()), null, Map.of())).field());
        assertEquals("insecure-listen", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("insecure-listen", "maybe"), null, Map.of())).field());
    }

    @Test
    void networkSettingsAreReadAndBadOnesRefusedNamingTheirKey() {
        DaemonConfig c = DaemonConfig.load(Map.of("dns", "192.0.2.1, 192.0.2.2", "pod-subnet", "10.99.0.0/20"), null, Map.of());
        assertEquals(java.util.List.of("192.0.2.1", "192.0.2.2"), c.network().dns());
        assertEquals("10.99.0.0/20", c.network().pool().podSubnet().toString());
        assertEquals(java.util.List.of(), DaemonConfig.load(Map.of(), null, Map.of()).network().dns(), "the host's by default");
        assertEquals("dns[1]", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("dns", "192.0.2.1,127.0.0.53"), null, Map.of())).field());
        assertEquals("pod-subnet", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("pod-subnet", "10.99.0.0/25"), null, Map.of())).field());
        assertEquals("cni-plugin-path", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("cni-plugin-path", "relative/dir"), null, Map.of())).field());
    }

    @Test
    void metricsListenOnLoopbackByDefaultNoneTurnsItOffAndABadValueIsRefusedByName() {
        DaemonConfig c = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 9420), c.metricsListen());
        assertEquals(LogFormat.TEXT, c.logFormat());
        assertEquals(null, DaemonConfig.load(Map.of("metrics-listen", "none"), null, Map.of()).metricsListen());
        assertEquals(LogFormat.JSON, DaemonConfig.load(Map.of(), null, Map.of("KUKEOND_LOG_FORMAT", "json")).logFormat());
        for (String bad : new String[] {"9420", "localhost:99999", "", "off"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> DaemonConfig.load(Map.of("metrics-listen", bad), null, Map.of()), bad);
            assertEquals("metrics-listen", e.field(), bad);
        }
        assertEquals("log-format", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("log-format", "xml"), null, Map.of())).field());
    }

    @Test
    void logSettingsHaveDefaultsAndBoundsAndTheLoggerIsBesideTheBuild() {
        DaemonConfig c = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(new io.kukeon.model.ContainerLogs(10L * 1024 * 1024, 5), c.treeSettings().logDefaults());
        assertEquals("kukeon-logger", c.logger().getFileName().toString());
        assertEquals("target", c.logger().getParent().getFileName().toString(), "beside the classes or the jar: " + c.logger());
        assertEquals(new io.kukeon.model.ContainerLogs(1024L * 1024, 2), DaemonConfig.load(Map.of(), null,
                Map.of("KUKEOND_LOG_MAX_SIZE", "1MiB", "KUKEOND_LOG_MAX_FILES", "2")).treeSettings().logDefaults());
        assertEquals(Path.of("/opt/logger"), DaemonConfig.load(Map.of("logger", "/opt/logger"), null, Map.of()).logger());
        assertEquals("log-max-size", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("log-max-size", "1KiB"), null, Map.of())).field());
        assertEquals("log-max-files", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("log-max-files", "101"), null, Map.of())).field());
        assertEquals("logger", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("logger", "relative/logger"), null, Map.of())).field());
        InvalidArgumentException missing = assertThrows(InvalidArgumentException.class,
                () -> io.kukeon.runtime.containerd.TaskLog.requireRunnable(dir.resolve("no-logger")));
        assertEquals("logger", missing.field());
        assertTrue(missing.getMessage().contains("is missing or not executable"), missing.getMessage());
        assertEquals(c.logger(), io.kukeon.runtime.containerd.TaskLog.requireRunnable(c.logger()), "the build made it");
    }

    @Test
    void badApiSettingsAreRefusedNamingTheirKey() {
        assertEquals("api-max-connections", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("api-max-connections", "0"), null, Map.of())).field());
        assertEquals("api-max-connections-per-peer", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("api-max-connections-per-peer", "-1"), null, Map.of())).field());
        for (String bad : List.of("0", "257", "many")) {
            assertEquals("apply-parallelism", assertThrows(InvalidArgumentException.class,
                    () -> DaemonConfig.load(Map.of("apply-parallelism", bad), null, Map.of())).field(), bad);
        }
        assertEquals("socket", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("socket", "relative.sock"), null, Map.of())).field());
        InvalidArgumentException none = assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("socket", "", "listen", ""), null, Map.of()));
        assertEquals("socket", none.field());
        assertTrue(none.getMessage().contains("no API"), none.getMessage());
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("kukeond.conf");
        Files.writeString(file, "kukeon { listen = \"127.0.0.1:1111\", cgroup-root = from-file, namespace-suffix = file.io }");
        Map<String, String> env = Map.of("KUKEOND_LISTEN", "127.0.0.1:2222", "KUKEOND_CGROUP_ROOT", "from-env");
        DaemonConfig c = DaemonConfig.load(Map.of("listen", "0.0.0.0:3333", "insecure-listen", "true"), file, env);
        assertEquals(new InetSocketAddress("0.0.0.0", 3333), c.api().tcp());
        assertEquals("from-env", c.ids().cgroupRoot());
        assertEquals("r.file.io", c.ids().namespace("r"));
    }

    @Test
    void poolsAndRegistryLimitsHaveDefaultsAndAreSetLikeAnyKey() {
        DaemonConfig defaults = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(32, defaults.pekko().getInt("kukeon-pools.runtime.thread-pool-executor.fixed-pool-size"));
        assertEquals(16, defaults.pekko().getInt("kukeon-pools.pulls.thread-pool-executor.fixed-pool-size"));
        assertEquals(8, defaults.pekko().getInt("kukeon-pools.reads.thread-pool-executor.fixed-pool-size"));
        assertEquals(Duration.ofSeconds(10), defaults.registryConnectTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.registryStallTimeout());
        assertEquals(new PullSlots.Limits(4, 256, Duration.ofMinutes(10)), defaults.pullLimits());

        DaemonConfig set = DaemonConfig.load(Map.of("pools.pulls", "6"), null,
                Map.of("KUKEOND_REGISTRY_STALL_TIMEOUT", "5s", "KUKEOND_REGISTRY_PULLS_PER_HOST", "2"));
        assertEquals(6, set.pekko().getInt("kukeon-pools.pulls.thread-pool-executor.fixed-pool-size"));
        assertEquals(Duration.ofSeconds(5), set.registryStallTimeout());
        assertEquals(2, set.pullLimits().perRegistry());
    }

    @Test
    void oneRegistryCannotHaveEveryPullThread() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("pools.pulls", "4", "registry.pulls-per-host", "4"), null, Map.of()));
        assertEquals("registry.pulls-per-host", e.field());
        assertTrue(e.getMessage().contains("4 must be less than pools.pulls (4)"), e.getMessage());
    }

    @Test
    void badSettingsNameTheKey() {
        assertEquals("listen", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("listen", "nohost"), null, Map.of())).field());
        assertEquals("listen", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("listen", "127.0.0.1:99999"), null, Map.of())).field());
        assertEquals("data-dir", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("data-dir", "relative/dir"), null, Map.of())).field());
        assertEquals("cgroupRoot", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("cgroup-root", "/"), null, Map.of())).field());
        assertEquals("stop-timeout", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("stop-timeout", "soon"), null, Map.of())).field());
        assertEquals("--config", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of(), dir.resolve("missing.conf"), Map.of())).field());
        assertEquals("data-dir-reserve", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("data-dir-reserve", "plenty"), null, Map.of())).field());
        assertEquals("data-dir-warn", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("data-dir-reserve", "1GiB", "data-dir-warn", "100MiB"), null, Map.of())).field());
    }

    @Test
    void dataDirLimitsHaveDefaultsAndTakeSizes() {
        DaemonConfig.DataDirLimits defaults = DaemonConfig.load(Map.of(), null, Map.of()).dataDirLimits();
        assertEquals(64L << 20, defaults.reserve());
        assertEquals(512L << 20, defaults.warn());
        DaemonConfig.DataDirLimits set = DaemonConfig.load(Map.of("data-dir-warn", "2GiB"), null,
                Map.of("KUKEOND_DATA_DIR_RESERVE", "0")).dataDirLimits();
        assertEquals(0, set.reserve());
        assertEquals(2L << 30, set.warn());
    }

    @Test
    void aPostgresJournalIsConfiguredByKeysAndItsPasswordIsReadFromItsFileOnly() throws Exception {
        Path passwordFile = dir.resolve("journal-password");
        Files.writeString(passwordFile, "s3cret-pw\n");
        Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        DaemonConfig c = DaemonConfig.load(Map.of("journal.kind", "postgres", "journal.password-file", passwordFile.toString()),
                null, Map.of("KUKEOND_JOURNAL_URL", "jdbc:postgresql://db1.example:5433/kukeon", "KUKEOND_JOURNAL_USER", "kukeond",
                        "KUKEOND_JOURNAL_POOL_SIZE", "8", "KUKEOND_JOURNAL_SSLMODE", "verify-full"));
        assertEquals(JournalSettings.Kind.POSTGRES, c.journal().kind());
        String db = "pekko-persistence-jdbc.shared-databases.slick.";
        assertEquals("slick.jdbc.PostgresProfile$", c.pekko().getString(db + "profile"));
        assertEquals("jdbc:postgresql://db1.example:5433/kukeon", c.pekko().getString(db + "db.url"));
        assertEquals("kukeond", c.pekko().getString(db + "db.user"));
        assertEquals("s3cret-pw", c.pekko().getString(db + "db.password"), "the first line of the file, for the driver alone");
        assertEquals("verify-full", c.pekko().getString(db + "db.properties.sslmode"));
        assertEquals(8, c.pekko().getInt(db + "db.maxConnections"));
        assertEquals("PostgreSQL journal on db1.example:5433/kukeon (sslmode verify-full)", c.journal().toString());
        assertEquals(c.journal().toString(), c.pekko().getString(JournalStore.DESCRIPTION_SETTING), "what status says");
        assertTrue(!c.toString().contains("s3cret-pw"), "the settings never print the password");

        assertEquals("public", c.pekko().getString(db + "db.properties.currentSchema"));

        DaemonConfig inSchema = DaemonConfig.load(Map.of("journal.kind", "postgres", "journal.url",
                "jdbc:postgresql://db1.example:5433/kukeon", "journal.user", "kukeond", "journal.schema", "node_a"), null, Map.of());
        assertEquals("node_a", inSchema.pekko().getString(db + "db.properties.currentSchema"));
        assertEquals("PostgreSQL journal on db1.example:5433/kukeon schema node_a", inSchema.journal().toString());

        DaemonConfig h2 = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(JournalSettings.Kind.H2, h2.journal().kind());
        assertEquals("slick.jdbc.H2Profile$", h2.pekko().getString(db + "profile"));
        assertEquals("H2 journal", h2.journal().toString());
    }

    @Test
    void theJournalSyncsAtCommitUnlessToldToLeaveItToTheOs() {
        DaemonConfig defaults = DaemonConfig.load(Map.of(), null, Map.of());
        assertEquals(JournalSettings.Sync.COMMIT, defaults.journal().sync());
        assertEquals("commit", defaults.pekko().getString(JournalStore.SYNC_SETTING), "what the journal's DAO reads");
        DaemonConfig os = DaemonConfig.load(Map.of("journal.sync", "os"), null, Map.of());
        assertEquals(JournalSettings.Sync.OS, os.journal().sync());
        assertEquals("os", os.pekko().getString(JournalStore.SYNC_SETTING));

        String options = "pekko-persistence-jdbc.shared-databases.slick.db.properties.options";
        Map<String, String> postgres = Map.of("journal.kind", "postgres", "journal.url", "jdbc:postgresql://127.0.0.1:5432/kukeon",
                "journal.user", "kukeond");
        assertFalse(DaemonConfig.load(postgres, null, Map.of()).pekko().hasPath(options), "commit: the server's synchronous_commit");
        assertEquals("-c synchronous_commit=off",
                DaemonConfig.load(postgres, null, Map.of("KUKEOND_JOURNAL_SYNC", "os")).pekko().getString(options));
    }

    @Test
    void badJournalSettingsAreRefusedNamingTheirKey() throws Exception {
        Map<String, String> postgres = Map.of("journal.kind", "postgres", "journal.url", "jdbc:postgresql://127.0.0.1:5432/kukeon",
                "journal.user", "kukeond");
        assertEquals("journal.kind", refused(Map.of("journal.kind", "mysql")));
        assertEquals("journal.url", refused(Map.of("journal.url", "jdbc:postgresql://127.0.0.1/kukeon")),
                "a postgres setting on an h2 journal does nothing: refused");
        assertEquals("journal.url", refused(with(postgres, "journal.url", "jdbc:mysql://127.0.0.1/kukeon")));
        assertEquals("journal.url", refused(with(postgres, "journal.url", "jdbc:postgresql://127.0.0.1/kukeon?password=x")));
        assertEquals("journal.url", refused(with(postgres, "journal.url", "jdbc:postgresql://127.0.0.1/")));
        assertEquals("journal.user", refused(with(postgres, "journal.user", "")));
        assertEquals("journal.sslmode", refused(with(postgres, "journal.sslmode", "sometimes")));
        assertEquals("journal.schema", refused(with(postgres, "journal.schema", "Node-A")));
        assertEquals("journal.schema", refused(with(postgres, "journal.schema", "pg_catalog")));
        assertEquals("journal.schema", refused(Map.of("journal.schema", "node_a")), "h2 has no schema to choose");
        assertEquals("journal.url", refused(with(postgres, "journal.url", "jdbc:postgresql://127.0.0.1/kukeon?currentSchema=x")));
        assertEquals("journal.pool-size", refused(with(postgres, "journal.pool-size", "0")));
        assertEquals("journal.sync", refused(Map.of("journal.sync", "never")));
        assertEquals("journal.password-file", refused(with(postgres, "journal.password-file", dir.resolve("none").toString())));
        Path shared = dir.resolve("shared-password");
        Files.writeString(shared, "pw\n");
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(with(postgres, "journal.password-file", shared.toString()), null, Map.of()));
        assertEquals("journal.password-file", e.field());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    private static String refused(Map<String, String> flags) {
        return assertThrows(InvalidArgumentException.class, () -> DaemonConfig.load(flags, null, Map.of())).field();
    }

    private static Map<String, String> with(Map<String, String> flags, String key, String value) {
        Map<String, String> changed = new java.util.HashMap<>(flags);
        changed.put(key, value);
        return changed;
    }
}
