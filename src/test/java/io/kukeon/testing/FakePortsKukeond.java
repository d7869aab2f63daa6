package io.kukeon.testing;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.daemon.Daemon;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.PortsFactory;
import io.kukeon.runtime.ContainerRuntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * kukeond in a JVM of its own, with fake ports whose tasks survive it (a file beside the
 * journal): what the crash tests kill -9 and start again. Writes its port to {@code <data-dir>/port}.
 *
 * <p>args: data-dir
 */
public final class FakePortsKukeond {
    /** The journal's settings alone pass from the environment (KUKEOND_JOURNAL_*): the same daemon runs on H2 or PostgreSQL. */
    private static Map<String, String> journalEnvironment() {
        Map<String, String> journal = new java.util.HashMap<>(System.getenv());
        journal.keySet().removeIf(k -> !k.startsWith("KUKEOND_JOURNAL_"));
        return journal;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Files.createDirectories(dataDir);
        DaemonConfig config = DaemonConfig.load(Map.of("data-dir", dataDir.toString(), "listen", "127.0.0.1:0",
                "socket", dataDir.resolve("kukeond.sock").toString(),
                "relist-interval", "0s", "startup-grace", "50ms", "metrics-listen", "none"), null, journalEnvironment());
        FakeRuntime runtime = new FakeRuntime(dataDir.resolve("fake-runtime.tsv"));
        FakeCgroups cgroups = new FakeCgroups();
        FakeSpaceNetworks networks = new FakeSpaceNetworks();
        FakeEgressFirewall egress = new FakeEgressFirewall();
        Daemon daemon = Daemon.start(config, new PortsFactory() {
            public ContainerRuntime runtime(DaemonConfig c) {
                return runtime;
            }

            public CgroupManager cgroups(DaemonConfig c) {
                return cgroups;
            }

            public SpaceNetworks networks(DaemonConfig c) {
                return networks;
            }

            public EgressFirewall egress(DaemonConfig c) {
                return egress;
            }
        });
        Path port = dataDir.resolve("port");
        Files.writeString(dataDir.resolve("port.tmp"), Integer.toString(daemon.port()));
        Files.move(dataDir.resolve("port.tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        daemon.awaitTermination();
    }
}
