package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.kukeon.model.ObjectPath;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.PrivateContainerd;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.SleeperCell;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * containerd stopped (SIGTERM) and started again while cells run: kukeond reconnects,
 * re-subscribes and relists; no container is restarted, and an exit during the gap is found.
 */
@Tag("containerd")
class ContainerdRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void kukeondFollowsAContainerdRestartAndFindsWhatHappenedInTheGap() throws Exception {
        RealComponents.containerdSocket();   // the gate: root and containerd on this machine
        try (PrivateContainerd containerd = new PrivateContainerd()) {
            containerd.start();
            try (RealDaemon host = new RealDaemon(dataDir, containerd.socket(), Map.of())) {
                var api = host.client();
                api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8("""
                        apiVersion: v1beta1
                        kind: Realm
                        metadata: {name: r}
                        """)).build());
                host.loadBusybox("r");
                String cells = SleeperCell.of("3600").manifest(ObjectPath.parse("r/s/t/steady")) + "---\n"
                        + SleeperCell.of("3600").manifest(ObjectPath.parse("r/s/t/victim"));
                api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(cells)).build());
                int steadyPid = app(get(host, "r/s/t/steady")).getPid();
                int victimPid = app(get(host, "r/s/t/victim")).getPid();
                int steadyEvents = events(host, "r/s/t/steady/app");

                containerd.stop();
                await(host, "r/s/t/steady", c -> c.getStatus().getState().equals("Unknown"));
                // The gap: the victim's process dies while nobody listens to containerd's events.
                ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();
                containerd.start();

                ObjectDoc victim = await(host, "r/s/t/victim", c -> c.getStatus().getState().equals("Error"));
                assertEquals(137, app(victim).getExitCode(), "the exit in the gap, found by the relist");
                ObjectDoc steady = await(host, "r/s/t/steady", c -> c.getStatus().getState().equals("Ready"));
                assertEquals(steadyPid, app(steady).getPid(), "not restarted");
                assertEquals(0, app(steady).getRestartCount());
                assertEquals(steadyEvents, events(host, "r/s/t/steady/app"), "nothing happened to it");
                assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
                        io.grpc.health.v1.HealthGrpc.newBlockingStub(host.channel())
                                .check(HealthCheckRequest.newBuilder().setService("kukeon.runtime").build()).getStatus());
            }
        }
    }

    /**
     * Issue 20, defect 13: lifecycle verbs while containerd is down. A stop, a kill and a restart
     * fail with a reason that says the stop is recorded; those cells are not shown Stopped
     * meanwhile; once containerd is back the stops are carried out and the tasks are really gone.
     * A delete is carried out the same way. A start and an apply fail and are undone: the stopped
     * cell stays without a task, and the applied one is Failed until the same apply starts it.
     */
    @Test
    void lifecycleVerbsWhileContainerdIsDownAreCarriedOutOrUndone() throws Exception {
        RealComponents.containerdSocket();
        List<String> stops = List.of("stopped", "killed", "restarted");
        try (PrivateContainerd containerd = new PrivateContainerd()) {
            containerd.start();
            // busybox sleep ignores SIGTERM: each stop carried out waits the whole grace, 2 s here rather than 10
            try (RealDaemon host = new RealDaemon(dataDir, containerd.socket(), Map.of("stop-timeout", "2s"))) {
                var api = host.client();
                api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8("kind: Realm\nmetadata: {name: r}\n"))
                        .build());
                host.loadBusybox("r");
                StringBuilder cells = new StringBuilder();
                for (String name : List.of("stopped", "killed", "restarted", "started", "deleted")) {
                    cells.append(SleeperCell.of("3600").manifest(ObjectPath.parse("r/s/t/" + name))).append("---\n");
                }
                api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(cells.toString())).build());
                api.kill(lifecycle("started"));

                containerd.stop();
                await(host, "r/s/t/stopped", c -> c.getStatus().getState().equals("Unknown"));
                for (String name : stops) {
                    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> {
                        switch (name) {
                            case "stopped" -> api.stop(lifecycle(name));
                            case "killed" -> api.kill(lifecycle(name));
                            default -> api.restart(lifecycle(name));
                        }
                    });
                    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), name + ": " + refused);
                    assertTrue(refused.getStatus().getDescription().contains("is recorded"), refused.toString());
                    assertEquals("Unknown", get(host, "r/s/t/" + name).getStatus().getState(),
                            name + ": not Stopped, nothing stopped yet");
                }
                ObjectDoc notStarted = api.start(lifecycle("started")).getObject();   // the answer is the failed cell
                assertEquals("Failed", notStarted.getStatus().getState(), notStarted.getStatus().toString());
                assertEquals("RuntimeUnavailable", notStarted.getStatus().getReason());
                StatusRuntimeException deleting = assertThrows(StatusRuntimeException.class, () -> api.delete(
                        DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/deleted").build()));
                assertEquals(Status.Code.UNAVAILABLE, deleting.getStatus().getCode());
                assertTrue(deleting.getStatus().getDescription().contains("the delete is recorded"), deleting.toString());
                String late = SleeperCell.of("3600").manifest(ObjectPath.parse("r/s/t/late"));
                ApplyResult lateApply = api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(late)).build())
                        .getResults(0);
                assertEquals("failed", lateApply.getOutcome(), lateApply.toString());
                containerd.start();

                // carried out: the delete; undone: the new cell is Failed, and the same apply starts it
                Instant gone = Instant.now().plusSeconds(40);
                while (Instant.now().isBefore(gone) && host.client().list(io.kukeon.wire.v1.ListRequest.newBuilder()
                        .setKind("Cell").setParent("r/s/t").build()).getObjectsList().stream()
                        .anyMatch(c -> c.getPath().equals("r/s/t/deleted"))) {
                    Thread.sleep(100);
                }
                assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                        () -> get(host, "r/s/t/deleted")).getStatus().getCode());
                assertEquals(TaskInfo.Status.NO_CONTAINER, task(host, "deleted"));
                assertEquals("Failed", get(host, "r/s/t/late").getStatus().getState());
                assertTrue(List.of(TaskInfo.Status.NO_TASK, TaskInfo.Status.NO_CONTAINER).contains(task(host, "late")));
                ApplyResult again = api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(late)).build())
                        .getResults(0);
                assertEquals("Ready", again.getObject().getStatus().getState(), again.toString());
                assertEquals(TaskInfo.Status.RUNNING, task(host, "late"));

                for (String name : List.of("stopped", "killed", "restarted", "started")) {   // a stop waits out its 2 s grace
                    Instant deadline = Instant.now().plusSeconds(40);
                    while (!task(host, name).equals(TaskInfo.Status.NO_TASK) && Instant.now().isBefore(deadline)) {
                        Thread.sleep(100);
                    }
                    assertEquals(TaskInfo.Status.NO_TASK, task(host, name), name + ": its task is gone");
                    assertTrue(List.of("Stopped", "Failed").contains(get(host, "r/s/t/" + name).getStatus().getState()),
                            name + ": " + get(host, "r/s/t/" + name).getStatus());
                }
                assertEquals("Stopped", get(host, "r/s/t/stopped").getStatus().getState());
            }
        }
    }

    private static LifecycleRequest lifecycle(String cell) {
        return LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/" + cell).build();
    }

    private static TaskInfo.Status task(RealDaemon host, String cell) {
        return host.containerd.task(host.namespace("r"), "s_t_" + cell + "_app").status();
    }

    private static ObjectDoc get(RealDaemon host, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    private static ContainerStatus app(ObjectDoc cell) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst().orElseThrow();
    }

    private static int events(RealDaemon host, String path) throws Exception {
        return host.client().history(HistoryRequest.newBuilder().setKind("Container").setPath(path).build()).getEventsCount();
    }

    private static ObjectDoc await(RealDaemon host, String path, Predicate<ObjectDoc> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        ObjectDoc last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get(host, path);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " never reached the condition; last: " + last);
    }
}
