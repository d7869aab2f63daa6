package io.kukeon.daemon;

import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the real kukeond with ten cells running on the real containerd: after the restart
 * every container runs with the same PID (no restart), every cell is Ready, and the history shows
 * the daemon's restart and nothing else. On PostgreSQL in {@link PostgresAdoptionTest}.
 */
@Tag("containerd")
class AdoptionTest {
    @TempDir
    Path dataDir;

    /** Cells running when the daemon is killed. */
    int cells() {
        return 10;
    }

    /** The real kukeond on the host, with its journal in the data dir (H2). */
    DaemonProcess daemon(RealHost host) {
        return DaemonProcess.kukeond(dataDir, host.daemonSettings());
    }

    @Test
    void aKilledDaemonAdoptsEveryRunningContainer() throws Exception {
        int cellCount = cells();
        try (RealHost host = new RealHost(); DaemonProcess daemon = daemon(host)) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            BusyboxUpload.into(daemon.asyncClient(), "r");
            for (int i = 0; i < cellCount; i++) {
                daemon.client().create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c" + i, Map.of(),
                        ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("3600")))).build());
                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c" + i).build());
            }
            Map<String, Integer> pids = pids(daemon.client());
            assertEquals(cellCount * 2, pids.size(), "a root and a workload per cell");
            Map<String, Integer> events = containerEvents(daemon.client(), pids);
            int daemonStarts = daemonStarts(daemon.client());

            daemon.kill9();
            daemon.start();

            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            List<ObjectDoc> cells = List.of();
            while (Instant.now().isBefore(deadline)) {
                cells = daemon.client().list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsList();
                if (cells.size() == cellCount && cells.stream().allMatch(c -> c.getStatus().getState().equals("Ready"))) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(cells.stream().allMatch(c -> c.getStatus().getState().equals("Ready")), "every cell Ready again");
            assertEquals(pids, pids(daemon.client()), "every container is the same process");
            assertTrue(daemon.client().list(ListRequest.newBuilder().setKind("Container").build()).getObjectsList()
                    .stream().allMatch(c -> c.getStatus().getContainer().getRestartCount() == 0), "no restart");
            assertEquals(events, containerEvents(daemon.client(), pids), "no container wrote an event: adopted as they were");
            assertEquals(daemonStarts + 1, daemonStarts(daemon.client()), "the history shows the daemon's restart");
            for (String path : pids.keySet()) {
                String[] p = path.split("/");
                String id = p[1] + "_" + p[2] + "_" + p[3] + "_" + p[4];
                assertEquals(TaskInfo.Status.RUNNING, host.containerd.task(host.namespace("r"), id).status(), id);
            }
        }
    }

    private static Map<String, Integer> pids(KukeonGrpc.KukeonBlockingStub api) {
        Map<String, Integer> pids = new HashMap<>();
        for (ObjectDoc cell : api.list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsList()) {
            for (ContainerStatus c : cell.getStatus().getContainersList()) {
                pids.put(cell.getPath() + "/" + c.getName(), c.getPid());
            }
        }
        return pids;
    }

    private static Map<String, Integer> containerEvents(KukeonGrpc.KukeonBlockingStub api, Map<String, Integer> containers) {
        Map<String, Integer> counts = new HashMap<>();
        for (String path : containers.keySet()) {
            counts.put(path, api.history(HistoryRequest.newBuilder().setKind("Container").setPath(path).build())
                    .getEventsCount());
        }
        return counts;
    }

    /** The host's own events are in the global stream: count its DaemonStarted ones. */
    private static int daemonStarts(KukeonGrpc.KukeonBlockingStub api) {
        int n = 0;
        var events = api.watch(io.kukeon.wire.v1.WatchRequest.newBuilder().setUntilNow(true).build());
        while (events.hasNext()) {
            if (events.next().getType().equals("HostDaemonStarted")) {
                n++;
            }
        }
        return n;
    }
}
