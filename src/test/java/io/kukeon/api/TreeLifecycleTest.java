package io.kukeon.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.ObjectResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tree through the real gRPC API, with fake runtime and cgroup ports. */
class TreeLifecycleTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private ObjectResponse create(ObjectDoc doc) {
        return api.create(CreateRequest.newBuilder().setObject(doc).build());
    }

    private ObjectDoc get(String kind, String path) {
        return api.get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private ObjectDoc await(String kind, String path, Predicate<ObjectDoc> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        ObjectDoc last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get(kind, path);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(kind + " " + path + " never reached the condition; last: " + last);
    }

    private void createTree() {
        create(Docs.realm("r1"));
        create(Docs.space("r1/s1"));
        create(Docs.stack("r1/s1/t1"));
    }

    @Test
    void createsEveryLevelAndStartsACellWhoseWorkloadJoinsTheRoot() throws Exception {
        assertTrue(create(Docs.realm("r1")).getCreated());
        assertEquals("Ready", get("Realm", "r1").getStatus().getState());
        assertTrue(daemon.runtime.namespaces().contains("r1.kukeon.io"));
        assertTrue(create(Docs.space("r1/s1")).getCreated());
        assertTrue(create(Docs.stack("r1/s1/t1")).getCreated());
        assertTrue(daemon.cgroups.groups().containsKey("/kukeon/r1/s1/t1"));

        ObjectResponse cell = create(Docs.cell("r1/s1/t1/web", Map.of("tier", "front"), Docs.container("app", "sleep")));
        assertTrue(cell.getCreated());
        assertEquals("Pending", cell.getObject().getStatus().getState());
        assertEquals("root", cell.getObject().getCell().getRootContainerId(), "a pause root is synthesized");

        ObjectDoc started = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build()).getObject();
        assertEquals("Ready", started.getStatus().getState());
        FakeRuntime.FakeContainer root = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_root");
        FakeRuntime.FakeContainer app = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_app");
        assertNotNull(root);
        assertNotNull(app);
        assertEquals("/proc/" + root.task().pid() + "/ns/net", app.request().joinNamespaces().get("network"));
        assertEquals("/kukeon/r1/s1/t1/web/s1_t1_web_app", app.request().cgroupsPath().toString());
        assertEquals("web", root.request().hostname());
        assertTrue(app.request().env().contains("KUKEON_CELL_NAME=web"));

        assertEquals(1, api.list(ListRequest.newBuilder().setKind("Cell").setParent("r1").build()).getObjectsCount());
        assertEquals(1, api.list(ListRequest.newBuilder().setKind("Cell").setSelector("tier=front").build()).getObjectsCount());
        assertEquals(0, api.list(ListRequest.newBuilder().setKind("Cell").setSelector("tier!=front").build()).getObjectsCount());
        assertEquals("Ready", get("Container", "r1/s1/t1/web/app").getStatus().getState());
    }

    @Test
    void createOfAnExistingObjectChangesNothing() {
        assertTrue(create(Docs.realm("r1")).getCreated());
        assertFalse(create(Docs.realm("r1")).getCreated());
        long created = api.history(HistoryRequest.newBuilder().setKind("Realm").setPath("r1").build()).getEventsList()
                .stream().filter(e -> e.getType().equals("RealmCreated")).count();
        assertEquals(1, created);
    }

    @Test
    void deleteWithoutCascadeIsRefusedWhileChildrenExist() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/web", Map.of(), Docs.container("app", "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build());
        assertTrue(Files.isDirectory(daemon.dataDir.resolve("logs/r1/s1/t1/web")), "the started container's log directory");

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> api.delete(DeleteRequest.newBuilder().setKind("Realm").setPath("r1").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals("realm \"r1\" has 1 space(s). Use --cascade to delete them or --force to skip validation",
                refused.getStatus().getDescription());
        assertEquals("Ready", get("Realm", "r1").getStatus().getState());

        var deleted = api.delete(DeleteRequest.newBuilder().setKind("Realm").setPath("r1").setCascade(true).build());
        assertTrue(deleted.getDeletedList().contains("r1/s1/t1/web"));
        assertTrue(deleted.getDeletedList().contains("r1"));
        assertTrue(daemon.runtime.containers().isEmpty(), "containers deleted");
        assertFalse(daemon.runtime.namespaces().contains("r1.kukeon.io"), "namespace deleted");
        assertTrue(daemon.cgroups.groups().keySet().stream().noneMatch(g -> g.startsWith("/kukeon/r1")));
        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> get("Realm", "r1"));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        assertEquals(0, api.list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsCount());
        assertFalse(Files.exists(daemon.dataDir.resolve("logs/r1")), "no empty log directory of the realm remains");
        assertTrue(Files.isDirectory(daemon.dataDir.resolve("logs")));
    }

    @Test
    void aDeletedObjectCanBeCreatedAgain() throws Exception {
        createTree();
        api.delete(DeleteRequest.newBuilder().setKind("Stack").setPath("r1/s1/t1").build());
        assertTrue(create(Docs.stack("r1/s1/t1")).getCreated());
        assertEquals("Ready", get("Stack", "r1/s1/t1").getStatus().getState());
    }

    @Test
    void aWorkloadThatExitsNonZeroTurnsTheCellErrorAndItStaysSo() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/job", Map.of(), Docs.container("work", "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/job").build());
        Docs.judged(api, "r1/s1/t1/job");   // past its bring-up: the exit is the workload's, not a failed start
        daemon.runtime.exit("r1.kukeon.io", "s1_t1_job_work", 3);
        ObjectDoc cell = await("Cell", "r1/s1/t1/job", c -> c.getStatus().getState().equals("Error"));
        assertEquals("WorkloadFailed", cell.getStatus().getReason());
        assertEquals("container \"work\" exited with code 3", cell.getStatus().getMessage());
        ObjectDoc container = get("Container", "r1/s1/t1/job/work");
        assertEquals("Error", container.getStatus().getState());
        assertEquals(3, container.getStatus().getContainer().getExitCode());
    }

    @Test
    void aCleanExitOfEveryWorkloadIsExited() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/once", Map.of(), Docs.container("work", "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/once").build());
        daemon.runtime.exit("r1.kukeon.io", "s1_t1_once_work", 0);
        await("Cell", "r1/s1/t1/once", c -> c.getStatus().getState().equals("Exited"));
    }

    @Test
    void aContainerThatExitsAtOnceFailsTheStart() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/bad", Map.of(), Docs.container("crash", "exit=1")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/bad").build());
        ObjectDoc cell = Docs.judged(api, "r1/s1/t1/bad");   // failed as the start answered, or by the bring-up's verdict
        assertEquals("Failed", cell.getStatus().getState());
        assertTrue(cell.getStatus().getMessage().contains("crash"), cell.getStatus().getMessage());
    }

    @Test
    void stopThenStartBringsTheCellBack() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/web", Map.of(), Docs.container("app", "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build());
        ObjectDoc stopped = api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build()).getObject();
        assertEquals("Stopped", stopped.getStatus().getState());
        assertEquals("NO_TASK", daemon.runtime.container("r1.kukeon.io", "s1_t1_web_app").task().status().name());
        ObjectDoc again = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build()).getObject();
        assertEquals("Ready", again.getStatus().getState());
    }

    /** Found by the kill -9 storm: at the next daemon start, the failed workload turned the stopped cell Error. */
    @Test
    void aStoppedCellWhoseStartHadFailedStaysStoppedAcrossARestart() throws Exception {
        createTree();
        daemon.runtime.unknownImage("nowhere/missing:1");
        create(Docs.cell("r1/s1/t1/web", Map.of(), ContainerSpec.of("app", "nowhere/missing:1", "sleep", List.of("1"))));
        ObjectDoc failed = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build()).getObject();
        assertEquals("Failed", failed.getStatus().getState());
        ObjectDoc stopped = api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build()).getObject();
        assertEquals("Stopped", stopped.getStatus().getState());

        daemon.restart();
        api = daemon.client();

        // Once the cell has heard from both containers, it has judged them.
        ObjectDoc cell = await("Cell", "r1/s1/t1/web", c -> c.getStatus().getContainersList().stream()
                .noneMatch(s -> s.getState().equals("NotCreated")));
        assertEquals("Stopped", cell.getStatus().getState(), cell.getStatus().toString());
    }

    @Test
    void aCellWhoseRootDiedComesBackAroundANewRootWithItsWorkloadsInside() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/web", Map.of(), Docs.container("app", "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/web").build());
        int oldRoot = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_root").task().pid();
        int oldApp = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_app").task().pid();
        daemon.runtime.exit("r1.kukeon.io", "s1_t1_web_root", 137);

        // as a pod around a new sandbox, with nobody asking (docs/networks.md, "A root that dies for good")
        await("Cell", "r1/s1/t1/web", c -> c.getStatus().getState().equals("Ready")
                && daemon.runtime.container("r1.kukeon.io", "s1_t1_web_root").task().pid() != oldRoot
                && daemon.runtime.container("r1.kukeon.io", "s1_t1_web_app").task().pid() != oldApp);
        FakeRuntime.FakeContainer root = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_root");
        FakeRuntime.FakeContainer app = daemon.runtime.container("r1.kukeon.io", "s1_t1_web_app");
        assertEquals("/proc/" + root.task().pid() + "/ns/net", app.request().joinNamespaces().get("network"),
                "inside the new root's namespaces");
    }

    @Test
    void anUnknownParentIsNotFoundAndCreatesNothing() {
        create(Docs.realm("r1"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> create(Docs.stack("r1/nope/t1")));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("space \"nope\" not found in realm \"r1\"", e.getStatus().getDescription());
        assertEquals(0, api.list(ListRequest.newBuilder().setKind("Space").build()).getObjectsCount());
        assertNull(daemon.cgroups.groups().get("/kukeon/r1/nope"));
    }

    @Test
    void aRestartPolicyRestartsAnExitedWorkload() throws Exception {
        createTree();
        create(Docs.cell("r1/s1/t1/svc", Map.of(), Docs.container("app", io.kukeon.model.RestartPolicy.ALWAYS, "sleep")));
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s1/t1/svc").build());
        Docs.judged(api, "r1/s1/t1/svc");   // past its bring-up: the exit is the workload's, not a failed start
        int firstPid = daemon.runtime.container("r1.kukeon.io", "s1_t1_svc_app").task().pid();
        daemon.runtime.exit("r1.kukeon.io", "s1_t1_svc_app", 1);
        ObjectDoc c = await("Container", "r1/s1/t1/svc/app", d -> d.getStatus().getContainer().getRestartCount() == 1
                && d.getStatus().getState().equals("Ready"));
        assertTrue(c.getStatus().getContainer().getPid() != firstPid);
        await("Cell", "r1/s1/t1/svc", d -> d.getStatus().getState().equals("Ready"));
    }
}
