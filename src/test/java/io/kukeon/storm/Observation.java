package io.kukeon.storm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.Ipv4;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What exists, in one look: every object the API lists, every kukeon-labelled container
 * containerd holds in our namespaces, our groups in every cgroup hierarchy, and the cgroups of
 * every running task's process.
 *
 * @param listed     every object of every kind, as List returns them (duplicates kept)
 * @param containerd realm → its containers in containerd
 * @param cgroups    hierarchy → the groups below our cgroup root, relative ({@code r0/w1a/t1/c2/w1a_t1_c2_app})
 * @param processes  {@code realm/containerd-id} of a running task → its process
 * @param network    the spaces' networks as the daemon's data dir and network namespace hold them
 */
record Observation(List<ObjectDoc> listed, Map<String, List<ObservedContainer>> containerd,
                   Map<String, Set<String>> cgroups, Map<String, Process> processes, Network network) {
    /** A task's process: its {@code /proc/<pid>/cgroup} lines and its command line (empty once it is gone). */
    record Process(List<String> cgroups, List<String> argv) {}

    /**
     * @param leases  network name → address → the container ID host-local leased it to
     * @param configs the networks whose conflist is in the data dir
     * @param bridges the {@code k-} bridges in the daemon's network namespace → how many links are attached to each
     * @param masquerade {@code network/container ID} → how many masquerade rules the bridge plugin has for it
     *                   (container IDs repeat across realms: each realm is a containerd namespace)
     * @param egressChains the spaces' egress chains ({@code KUKE-EGR-…}) in the filter table of the daemon's network namespace
     */
    record Network(Map<String, Map<String, String>> leases, Set<String> configs, Map<String, Integer> bridges,
                   Map<String, Integer> masquerade, Set<String> egressChains) {
        static final Network NONE = new Network(Map.of(), Set.of(), Map.of(), Map.of(), Set.of());

        static Network take(Path dataDir, NetworkNamespaces.Namespace namespace) throws IOException {
            Map<String, Map<String, String>> leases = new TreeMap<>();
            Path ipam = dataDir.resolve("network/ipam");
            if (Files.isDirectory(ipam)) {
                try (DirectoryStream<Path> networks = Files.newDirectoryStream(ipam, Files::isDirectory)) {
                    for (Path network : networks) {
                        Map<String, String> byAddress = new TreeMap<>();
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(network)) {
                            for (Path f : files) {
                                if (Ipv4.isAddress(f.getFileName().toString())) {
                                    try {
                                        byAddress.put(f.getFileName().toString(), Files.readString(f).split("\\s+")[0]);
                                    } catch (NoSuchFileException released) {
                                        // released between the listing and the read: a daemon still settling, seen by the next look
                                    }
                                }
                            }
                        }
                        leases.put(network.getFileName().toString(), byAddress);
                    }
                }
            }
            Set<String> configs = new TreeSet<>();
            Path conf = dataDir.resolve("network/conf");
            if (Files.isDirectory(conf)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(conf, "*.conflist")) {
                    files.forEach(f -> configs.add(f.getFileName().toString().replaceAll("\\.conflist$", "")));
                }
            }
            Map<String, Integer> bridges = new TreeMap<>();
            JsonNode links = new ObjectMapper().readTree(namespace.ok("ip", "-j", "link", "show"));
            for (JsonNode link : links) {
                String name = link.path("ifname").asText();
                if (name.startsWith(SpaceNetwork.BRIDGE_PREFIX)) {
                    bridges.putIfAbsent(name, 0);
                }
                String master = link.path("master").asText("");
                if (master.startsWith(SpaceNetwork.BRIDGE_PREFIX)) {
                    bridges.merge(master, 1, Integer::sum);
                }
            }
            Map<String, Integer> masquerade = new TreeMap<>();
            Matcher rule = Pattern.compile("name: \\\\\"([^\\\\]+)\\\\\" id: \\\\\"([^\\\\]+)\\\\\"").matcher(
                    namespace.ok("iptables", "-t", "nat", "-S", "POSTROUTING"));
            while (rule.find()) {
                masquerade.merge(rule.group(1) + "/" + rule.group(2), 1, Integer::sum);
            }
            Set<String> egressChains = new TreeSet<>();
            for (String line : namespace.ok("iptables", "-w", "5", "-S").split("\n")) {
                if (line.startsWith("-N " + EgressRulePlan.SPACE_CHAIN_PREFIX)) {
                    egressChains.add(line.substring(3).trim());
                }
            }
            return new Network(leases, configs, bridges, masquerade, egressChains);
        }
    }

    static final List<String> KINDS = List.of("Realm", "Space", "Stack", "Cell", "Container");

    static Observation take(KukeonGrpc.KukeonBlockingStub api, RealHost host, Path dataDir) throws IOException {
        List<ObjectDoc> listed = new ArrayList<>();
        for (String kind : KINDS) {
            listed.addAll(api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList());
        }
        return of(listed, host, dataDir);
    }

    /** These listed objects, with what the host holds: containerd's records, cgroups, processes and networks. */
    static Observation of(List<ObjectDoc> listed, RealHost host, Path dataDir) throws IOException {
        Map<String, List<ObservedContainer>> containerd = new TreeMap<>();
        Map<String, Process> processes = new TreeMap<>();
        String ending = "." + host.suffix;
        for (String ns : host.containerd.listNamespaces()) {
            if (!ns.endsWith(ending)) {
                continue;
            }
            String realm = ns.substring(0, ns.length() - ending.length());
            List<ObservedContainer> found = host.containerd.listContainers(ns);
            containerd.put(realm, found);
            for (ObservedContainer c : found) {
                if (c.task().status() == TaskInfo.Status.RUNNING) {
                    processes.put(realm + "/" + c.containerdId(), process(c.task().pid()));
                }
            }
        }
        return new Observation(List.copyOf(listed), containerd, groups(host.cgroupRoot), processes,
                Network.take(dataDir, host.network));
    }

    private static Map<String, Set<String>> groups(String cgroupRoot) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        Set<Path> seen = new HashSet<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path root = h.resolve(cgroupRoot);
                if (!Files.isDirectory(root) || !seen.add(root.toRealPath())) {
                    continue;   // cpu and cpuacct may be one hierarchy under two names
                }
                Set<String> groups = new TreeSet<>();
                collect(root, root, groups);
                out.put(h.getFileName().toString(), groups);
            }
        }
        return out;
    }

    /** The groups below {@code dir}; one removed while we look is simply not there (Files.walk would throw). */
    private static void collect(Path root, Path dir, Set<String> into) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : children) {
                into.add(root.relativize(child).toString());
                collect(root, child, into);
            }
        } catch (IOException e) {
            // gone meanwhile
        }
    }

    private static Process process(int pid) {
        try {
            String argv = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            return new Process(Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")),
                    argv.isEmpty() ? List.of() : List.of(argv.split("\0")));
        } catch (IOException e) {
            return new Process(List.of(), List.of());   // it exited since containerd listed it; the next look will tell
        }
    }

    List<ObjectDoc> of(String kind) {
        return listed.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    /** One line per fact that may change while the daemon reconciles: two equal fingerprints mean nothing moved. */
    String fingerprint() {
        TreeSet<String> lines = new TreeSet<>();
        for (ObjectDoc o : listed) {
            StringBuilder line = new StringBuilder(o.getKind() + " " + o.getPath() + " g" + o.getMetadata().getGeneration()
                    + " " + o.getStatus().getState());
            o.getStatus().getContainersList().forEach(c -> line.append(" ").append(c.getName()).append("=")
                    .append(c.getState()).append("/").append(c.getPid()));
            lines.add(line.toString());
        }
        containerd.forEach((realm, list) -> list.forEach(c ->
                lines.add("containerd " + realm + "/" + c.containerdId() + " " + c.task().status() + "/" + c.task().pid())));
        cgroups.forEach((h, groups) -> lines.add("cgroups " + h + " " + groups.size()));
        network.leases().forEach((n, leases) -> lines.add("leases " + n + " " + leases));
        lines.add("configs " + network.configs());
        lines.add("bridges " + network.bridges());
        lines.add("masquerade " + network.masquerade());
        return String.join("\n", lines);
    }
}
