package io.kukeon.daemon;

import io.grpc.stub.StreamObserver;
import io.kukeon.api.Docs;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteResponse;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.WatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a separate kukeond process and a start on the same data dir: every acknowledged
 * object comes back with the same spec and state, History is the same, Watch resumes.
 */
class CrashReplayTest {
    private static final List<String> KINDS = List.of("Realm", "Space", "Stack", "Cell", "Container");

    @TempDir
    Path dataDir;

    /** A daemon on the data dir's H2 journal; on PostgreSQL in {@link PostgresCrashReplayTest}. */
    DaemonProcess daemon() {
        return new DaemonProcess(dataDir);
    }

    @Test
    void everyAcknowledgedObjectSurvivesAKill9() throws Exception {
        try (DaemonProcess daemon = daemon()) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            int cells = 0;
            for (String r : List.of("r1", "r2")) {
                create(api, Docs.realm(r));
                for (String s : List.of("s1", "s2")) {
                    create(api, Docs.space(r + "/" + s));
                    for (String t : List.of("t1", "t2")) {
                        create(api, Docs.stack(r + "/" + s + "/" + t));
                        for (String c : List.of("a", "b", "c")) {
                            String path = r + "/" + s + "/" + t + "/" + c;
                            create(api, Docs.cell(path, Map.of("n", c), Docs.container("app", "sleep")));
                            if (cells++ % 2 == 0) {
                                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build());
                            }
                        }
                    }
                }
            }
            Map<String, ObjectDoc> before = everything(daemon.client());
            assertTrue(before.size() >= 50, "a tree of at least 50 objects: " + before.size());
            Map<String, List<String>> historyBefore = histories(daemon.client(), before);
            long lastOffset = historyBefore.values().stream().flatMap(List::stream)
                    .mapToLong(e -> Long.parseLong(e.substring(0, e.indexOf(' ')))).max().orElseThrow();

            daemon.kill9();
            daemon.start();

            Map<String, ObjectDoc> after = awaitSameStates(daemon, before);
            for (Map.Entry<String, ObjectDoc> e : before.entrySet()) {
                ObjectDoc a = after.get(e.getKey());
                assertNotNull(a, "lost after kill -9: " + e.getKey());
                assertEquals(specOf(e.getValue()), specOf(a), "spec of " + e.getKey());
                assertEquals(e.getValue().getMetadata(), a.getMetadata(), "metadata of " + e.getKey());
                assertEquals(e.getValue().getStatus().getState(), a.getStatus().getState(), "state of " + e.getKey());
            }
            assertEquals(historyBefore, histories(daemon.client(), before), "History is the same");

            LinkedBlockingQueue<Event> watched = new LinkedBlockingQueue<>();
            daemon.asyncClient().watch(WatchRequest.newBuilder().setAfterOffset(lastOffset).build(), collect(watched));
            create(daemon.client(), Docs.realm("r3"));
            Event created = null;
            while (created == null) {
                Event e = watched.poll(30, TimeUnit.SECONDS);
                assertNotNull(e, "Watch resumed from offset " + lastOffset);
                assertTrue(e.getOffset() > lastOffset, "only events after the offset: " + e);
                if (e.getType().equals("RealmCreated")) {
                    created = e;
                }
            }
            assertEquals("r3", created.getPath());
        }
    }

    @Test
    void sigtermStopsTheDaemonCleanlyAndLeavesContainersRunning() throws Exception {
        try (DaemonProcess daemon = daemon()) {
            daemon.start();
            Docs.createStack(daemon.client(), "r/s/t");
            create(daemon.client(), Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep")));
            int pid = daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                    .getObject().getStatus().getContainersList().stream().filter(c -> c.getName().equals("app"))
                    .findFirst().orElseThrow().getPid();

            int exit = daemon.terminate();
            assertEquals(143, exit, "ended by the signal, after the shutdown hooks ran");
            String log = java.nio.file.Files.readString(dataDir.resolve("daemon.log"));
            assertTrue(!log.contains(" ERROR "), "a clean stop logs no error:\n" + log);
            assertTrue(java.nio.file.Files.readString(dataDir.resolve("fake-runtime.tsv")).contains("\t" + pid + "\t"),
                    "the container was left running");

            daemon.start();   // the journal was closed: a new daemon opens it at once
            // Unknown until the cell has reconciled with the runtime, then Ready with the same process
            GetRequest get = GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            io.kukeon.testing.ActorTestBed.await("the cell Ready again",
                    () -> api.get(get).getObject().getStatus().getState().equals("Ready"));
            assertEquals(pid, api.get(get).getObject().getStatus().getContainersList().stream()
                    .filter(c -> c.getName().equals("app")).findFirst().orElseThrow().getPid(), "adopted, not restarted");
        }
    }

    /** Found by the kill -9 storm: the restarted daemon carried on with the cascade but never finished it. */
    @Test
    void aCascadeDeleteInterruptedByAKill9FinishesAfterTheRestart() throws Exception {
        try (DaemonProcess daemon = daemon()) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            create(api, Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep", "slow-delete=2000")));
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
            daemon.asyncClient().delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/s").setCascade(true).build(),
                    collect(new LinkedBlockingQueue<DeleteResponse>()));
            // The cell is listed as Stopped once its delete runs: the space and the stack have journaled theirs by then.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!everything(daemon.client()).get("Cell r/s/t/c").getStatus().getState().equals("Stopped")) {
                assertTrue(Instant.now().isBefore(deadline), "the cell's delete began");
                Thread.sleep(20);
            }

            daemon.kill9();
            daemon.start();

            assertEquals("NOT_FOUND", awaitGone(daemon, "Space", "r/s"), "the space's delete finished after the restart");
            assertEquals(List.of(), daemon.client().list(ListRequest.newBuilder().setKind("Stack").build()).getObjectsList());
        }
    }

    @Test
    void anUpdateOfARunningCellInterruptedByAKill9IsFinishedAfterTheRestart() throws Exception {
        try (DaemonProcess daemon = daemon()) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            create(api, Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep", "slow-stop=3000")));
            int oldPid = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject()
                    .getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst()
                    .orElseThrow().getPid();
            // The update restarts app with its new args; app's stop takes 3 s: the daemon dies meanwhile.
            ObjectDoc updated = Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep", "slow-stop=3000", "v2"));
            daemon.asyncClient().apply(io.kukeon.wire.v1.ApplyRequest.newBuilder().setManifest(com.google.protobuf.ByteString
                    .copyFromUtf8(io.kukeon.manifest.ManifestWriter.yaml(List.of(
                            io.kukeon.wire.ObjectMapping.fromProto(updated))))).build(),
                    collect(new LinkedBlockingQueue<io.kukeon.wire.v1.ApplyResponse>()));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (daemon.client().history(HistoryRequest.newBuilder().setKind("Container").setPath("r/s/t/c/app").build())
                    .getEventsList().stream().noneMatch(e -> e.getType().equals("ContainerStopRequested"))) {
                assertTrue(Instant.now().isBefore(deadline), "the update began to restart app");
                Thread.sleep(20);
            }

            daemon.kill9();
            daemon.start();

            // The resumed stop takes its 3 s again; then app must run again, from the new spec.
            Instant settle = Instant.now().plus(Duration.ofSeconds(60));
            ObjectDoc cell = null;
            while (Instant.now().isBefore(settle)) {
                cell = daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject();
                int pid = cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app"))
                        .findFirst().orElseThrow().getPid();
                if (cell.getStatus().getState().equals("Ready") && pid != 0 && pid != oldPid) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("Ready", cell.getStatus().getState(), "the update was finished: " + cell.getStatus());
            assertEquals(List.of("sleep", "slow-stop=3000", "v2"), cell.getCell().getContainers(0).getArgsList());
            ObjectDoc app = daemon.client().get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/c/app").build())
                    .getObject();
            assertEquals("Ready", app.getStatus().getState());
            String tasks = java.nio.file.Files.readString(dataDir.resolve("fake-runtime.tsv"));
            assertTrue(tasks.lines().anyMatch(l -> l.contains("s_t_c_app\tRUNNING") && l.endsWith("sleep,slow-stop=3000,v2")),
                    "the task runs the new spec:\n" + tasks);
        }
    }

    /** Gets the object until it is gone (at most 60 s); the last state seen, or NOT_FOUND. */
    private static String awaitGone(DaemonProcess daemon, String kind, String path) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = daemon.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject()
                        .getStatus().getState();
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                    return "NOT_FOUND";
                }
                throw e;
            }
            Thread.sleep(100);
        }
        return last;
    }

    private static void create(KukeonGrpc.KukeonBlockingStub api, ObjectDoc doc) {
        api.create(CreateRequest.newBuilder().setObject(doc).build());
    }

    private static Map<String, ObjectDoc> everything(KukeonGrpc.KukeonBlockingStub api) {
        Map<String, ObjectDoc> all = new TreeMap<>();
        for (String kind : KINDS) {
            api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList()
                    .forEach(o -> all.put(kind + " " + o.getPath(), o));
        }
        return all;
    }

    private static Map<String, List<String>> histories(KukeonGrpc.KukeonBlockingStub api, Map<String, ObjectDoc> objects) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String key : objects.keySet()) {
            String[] kp = key.split(" ", 2);
            List<String> events = new ArrayList<>();
            api.history(HistoryRequest.newBuilder().setKind(kp[0]).setPath(kp[1]).build()).getEventsList()
                    .forEach(e -> events.add(e.getOffset() + " " + e.getType() + " " + e.getSummary()));
            out.put(key, events);
        }
        return out;
    }

    private static Map<String, ObjectDoc> awaitSameStates(DaemonProcess daemon, Map<String, ObjectDoc> before)
            throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Map<String, ObjectDoc> now = Map.of();
        while (Instant.now().isBefore(deadline)) {
            now = everything(daemon.client());
            Map<String, ObjectDoc> current = now;
            boolean same = before.keySet().equals(now.keySet()) && before.entrySet().stream().allMatch(e ->
                    e.getValue().getStatus().getState().equals(current.get(e.getKey()).getStatus().getState()));
            if (same) {
                return now;
            }
            Thread.sleep(100);
        }
        return now;
    }

    private static Object specOf(ObjectDoc d) {
        return switch (d.getSpecCase()) {
            case REALM -> d.getRealm();
            case SPACE -> d.getSpace();
            case STACK -> d.getStack();
            case CELL -> d.getCell();
            case CONTAINER -> d.getContainer();
            default -> null;
        };
    }

    private static <T> StreamObserver<T> collect(LinkedBlockingQueue<T> into) {
        return new StreamObserver<>() {
            public void onNext(T e) {
                into.add(e);
            }

            public void onError(Throwable t) {
            }

            public void onCompleted() {
            }
        };
    }
}
