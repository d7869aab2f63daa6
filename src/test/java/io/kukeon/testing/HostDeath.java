package io.kukeon.testing;

import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a host's death does to the containers of a {@link RealHost}'s realm, and what is seen of
 * them in its containerd afterwards: for the fleet's failover test and benchmark, whose kukeond
 * the caller kills with -9 first.
 */
public final class HostDeath {
    private HostDeath() {}

    /** Kills every running task of the host's realm with -9, then its shim, and waits until containerd has none running. */
    public static void killTasksAndShims(RealHost host, String realm) throws Exception {
        for (ObservedContainer o : host.containerd.listContainers(host.namespace(realm))) {
            if (o.task().status() != TaskInfo.Status.RUNNING || o.task().pid() <= 0) {
                continue;
            }
            long shim = parentOf(o.task().pid());
            kill(o.task().pid());
            String command = Files.readString(Path.of("/proc/" + shim + "/cmdline")).replace('\0', ' ');
            assertTrue(command.contains("containerd-shim"), "the parent of a task is its shim: " + command);
            assertTrue(command.contains(host.namespace(realm)), "the shim is of this host's namespace: " + command);
            kill(shim);
        }
        Eventually.value(host.id + "'s tasks gone", Duration.ofSeconds(30), () -> cellsRunning(host, realm).isEmpty()
                ? true : null);
    }

    /** Kills every running task of a namespace with -9: what is left of them is then removed without a stop's grace. */
    public static void killTasks(RealHost host, String namespace) throws IOException, InterruptedException {
        for (ObservedContainer o : host.containerd.listContainers(namespace)) {
            if (o.task().status() == TaskInfo.Status.RUNNING && o.task().pid() > 0) {
                kill(o.task().pid());
            }
        }
    }

    /** The cells of the realm (label {@code kukeon.io/cell}) of which the host's containerd runs a task. */
    public static Set<String> cellsRunning(RealHost host, String realm) {
        return host.containerd.listContainers(host.namespace(realm)).stream()
                .filter(o -> o.task().status() == TaskInfo.Status.RUNNING && o.labels().containsKey("kukeon.io/cell"))
                .map(o -> o.labels().get("kukeon.io/cell")).collect(Collectors.toSet());
    }

    /** Waits until the host's containerd holds no container of the cell: its copy there was removed. */
    public static void awaitNoContainerOf(RealHost host, String realm, String cell) throws Exception {
        Eventually.value("no container of " + cell + " left on " + host.id, Duration.ofSeconds(60), () -> host.containerd
                .listContainers(host.namespace(realm)).stream().noneMatch(o -> cell.equals(o.labels().get("kukeon.io/cell")))
                ? true : null);
    }

    private static long parentOf(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static void kill(long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    }
}
