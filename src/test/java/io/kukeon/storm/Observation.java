package io.kukeon.storm;

import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 */
record Observation(List<ObjectDoc> listed, Map<String, List<ObservedContainer>> containerd,
                   Map<String, Set<String>> cgroups, Map<String, Process> processes) {
    /** A task's process: its {@code /proc/<pid>/cgroup} lines and its command line (empty once it is gone). */
    record Process(List<String> cgroups, List<String> argv) {}

    static final List<String> KINDS = List.of("Realm", "Space", "Stack", "Cell", "Container");

    static Observation take(KukeonGrpc.KukeonBlockingStub api, RealHost host) throws IOException {
        List<ObjectDoc> listed = new ArrayList<>();
        for (String kind : KINDS) {
            listed.addAll(api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList());
        }
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
        return new Observation(List.copyOf(listed), containerd, groups(host.cgroupRoot), processes);
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
        return String.join("\n", lines);
    }
}
