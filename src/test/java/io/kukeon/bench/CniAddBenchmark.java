package io.kukeon.bench;

import io.kukeon.network.Attachment;
import io.kukeon.network.CniPluginRuntime;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CNI ADD alone, as kukeond runs it for a cell: a space's chain (bridge with host-local, portmap,
 * loopback) from Debian's plugins, each ADD into a fresh cell namespace, in a host namespace of
 * the benchmark's own. The bridge exists before the measured runs (warm-up), as it does for every
 * cell of a space but its first. DEL after each run, not measured.
 *
 * <p>{@code mvn -B -o test -Dtest=CniAddBenchmark -Dsurefire.excludedGroups= -Dkukeon.bench.runs=20}
 */
@Tag("bench")
class CniAddBenchmark {
    @TempDir
    Path dataDir;

    @Test
    void addLatency() throws Exception {
        RealComponents.need("CNI plugins", Files.isExecutable(Path.of("/usr/lib/cni/bridge")), "install containernetworking-plugins");
        int runs = Integer.getInteger("kukeon.bench.runs", 20);
        int warmUp = 3;
        try (NetworkNamespaces namespaces = new NetworkNamespaces("cni-bench")) {
            NetworkNamespaces.Namespace host = namespaces.create("host");
            NetworkConfigList network = SpaceNetwork.configList("bench", "web", Ipv4Subnet.parse("10.88.8.0/24", "bench"), dataDir.resolve("ipam"));
            CniPluginRuntime cni = new CniPluginRuntime(new CniPlugins(List.of(Path.of("/usr/lib/cni")),
                    host.inside), dataDir.resolve("cache"));
            List<Double> addMillis = new ArrayList<>();
            List<Double> delMillis = new ArrayList<>();
            for (int i = 0; i < warmUp + runs; i++) {
                NetworkNamespaces.Namespace cell = namespaces.create("c" + i);
                Attachment attachment = new Attachment(network, "bench-" + i, cell.path, "eth0");
                long started = System.nanoTime();
                cni.add(attachment);
                double add = (System.nanoTime() - started) / 1e6;
                started = System.nanoTime();
                cni.delete(attachment);
                double del = (System.nanoTime() - started) / 1e6;
                namespaces.delete(cell);
                if (i >= warmUp) {
                    addMillis.add(add);
                    delMillis.add(del);
                }
            }
            System.out.printf("CNI ADD (bridge+host-local, portmap, loopback), %d runs: p50 %.1f ms, p90 %.1f ms, min %.1f, max %.1f;"
                            + " DEL p50 %.1f ms, p90 %.1f ms%n", runs, percentile(addMillis, 50), percentile(addMillis, 90),
                    Collections.min(addMillis), Collections.max(addMillis), percentile(delMillis, 50), percentile(delMillis, 90));
        }
    }

    /** Nearest-rank percentile. */
    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
