package io.kukeon.supervisor;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failure is repaired where it happened: one actor restarts, nothing around it notices. */
class LocalFailureTest {
    @TempDir
    Path dataDir;

    @Test
    void anExceptionInOneContainerActorRestartsItAloneAndTheProcessKeepsRunning() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("failure-injection", "on"))) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(),
                    Docs.container("victim", "sleep"), Docs.container("sibling", "sleep"))).build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
            int victimPid = daemon.runtime.container("r.kukeon.io", "s_t_c_victim").task().pid();
            int siblingPid = daemon.runtime.container("r.kukeon.io", "s_t_c_sibling").task().pid();
            int starts = daemon.runtime.starts();
            List<String> cellHistory = history(api, "Cell", "r/s/t/c");
            List<String> siblingHistory = history(api, "Container", "r/s/t/c/sibling");
            List<String> victimHistory = history(api, "Container", "r/s/t/c/victim");
            int victimChecks = daemon.runtime.taskQueries("r.kukeon.io", "s_t_c_victim");
            int siblingChecks = daemon.runtime.taskQueries("r.kukeon.io", "s_t_c_sibling");

            daemon.daemon().system().tell(new Routed(ObjectPath.parse("r/s/t/c/victim"), new Notice.InjectedFailure()));

            // The restarted actor replays its journal and asks containerd about its task: that is how we see it.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (daemon.runtime.taskQueries("r.kukeon.io", "s_t_c_victim") == victimChecks && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertTrue(daemon.runtime.taskQueries("r.kukeon.io", "s_t_c_victim") > victimChecks, "the actor restarted");
            ObjectDoc victim = api.get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/c/victim").build()).getObject();
            assertEquals("Ready", victim.getStatus().getState());
            assertEquals(victimPid, victim.getStatus().getContainer().getPid(), "same process");
            assertEquals(0, victim.getStatus().getContainer().getRestartCount());
            assertEquals(starts, daemon.runtime.starts(), "no task was started");
            assertEquals(victimHistory, history(api, "Container", "r/s/t/c/victim"), "it replayed, wrote nothing");
            assertEquals(siblingHistory, history(api, "Container", "r/s/t/c/sibling"), "the sibling saw nothing");
            assertEquals(siblingChecks, daemon.runtime.taskQueries("r.kukeon.io", "s_t_c_sibling"), "and was not restarted");
            assertEquals(siblingPid, daemon.runtime.container("r.kukeon.io", "s_t_c_sibling").task().pid());
            assertEquals(cellHistory, history(api, "Cell", "r/s/t/c"), "the parent saw nothing");
            assertEquals("Ready", api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                    .getObject().getStatus().getState());
        }
    }

    @Test
    void aJournalWriteFailureAnswersUnavailableAndChangesNothing() throws Exception {
        try (TestDaemon daemon = TestDaemon.withTestkitJournal(dataDir)) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            api.create(CreateRequest.newBuilder().setObject(Docs.realm("r")).build());
            PersistenceTestKit journalKit = PersistenceTestKit.create(daemon.daemon().system());

            journalKit.failNextPersisted();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> api.create(CreateRequest.newBuilder().setObject(Docs.space("r/s")).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
            assertEquals(0, api.list(ListRequest.newBuilder().setKind("Space").build()).getObjectsCount(), "nothing half-applied");
            assertTrue(daemon.cgroups.groups().keySet().stream().noneMatch(g -> g.startsWith("/kukeon/r/s")), "no cgroup");

            // The realm backs off, restarts, replays: the same request then succeeds.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            boolean created = false;
            while (!created && Instant.now().isBefore(deadline)) {
                try {
                    created = daemon.client().create(CreateRequest.newBuilder().setObject(Docs.space("r/s")).build()).getCreated();
                } catch (StatusRuntimeException retry) {
                    assertEquals(Status.Code.UNAVAILABLE, retry.getStatus().getCode());
                    Thread.sleep(100);
                }
            }
            assertTrue(created);
            assertEquals("Ready", daemon.client().get(GetRequest.newBuilder().setKind("Space").setPath("r/s").build())
                    .getObject().getStatus().getState());
        }
    }

    /**
     * Pekko restarts an event-sourced actor on the same object after a journal failure, and stops
     * its children with it: a stack must not keep sending to its cells' old actors, nor a cell to
     * its containers'.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Stack|r/s/t", "Cell|r/s/t/c"})
    void afterAJournalFailureTheLevelsBelowAnswerAgain(String failing) throws Exception {
        try (TestDaemon daemon = TestDaemon.withTestkitJournal(dataDir)) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep"))).build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
            int pid = daemon.runtime.container("r.kukeon.io", "s_t_c_app").task().pid();
            int starts = daemon.runtime.starts();
            PersistenceTestKit.create(daemon.daemon().system()).failNextPersisted(failing);

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
                if (failing.startsWith("Stack")) {   // a new cell is the stack's next write
                    api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/other", Map.of(),
                            Docs.container("app", "sleep"))).build());
                } else {                             // a stop is the cell's
                    api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
                }
            });
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());

            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            ObjectDoc cell = null;
            // Its actors come back and adopt the running task: Unknown for a moment, then Ready.
            while ((cell == null || !cell.getStatus().getState().equals("Ready")) && Instant.now().isBefore(deadline)) {
                try {
                    cell = daemon.client().withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                            .get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject();
                } catch (StatusRuntimeException backingOff) {
                    cell = null;
                }
                Thread.sleep(100);
            }
            assertTrue(cell != null, "the cell answers through the restarted stack");
            assertEquals("Ready", cell.getStatus().getState());
            assertEquals(pid, daemon.runtime.container("r.kukeon.io", "s_t_c_app").task().pid(), "the same process");
            assertEquals(starts, daemon.runtime.starts(), "the restart touched actors only, no task");
            api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
            assertEquals("Stopped", api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                    .getObject().getStatus().getState(), "and it takes commands");
        }
    }

    /**
     * Found by the kill -9 storm: a cascade delete interrupted after a child's delete finished but
     * before the parent recorded it. Resumed, the parent asked the gone child again, took its "not
     * found" for a failed delete and gave up; its own parent then took that grandchild's "not found"
     * for its child's and forgot a stack that still existed. Here the parent's record of the gone
     * child fails to be written instead of a kill, which leaves the journal the same way; the
     * stack's restart also stops its cells' actors, whose refs it must not keep using.
     */
    @Test
    void aResumedCascadeDeleteCountsAChildThatIsAlreadyGoneAsDeleted() throws Exception {
        try (TestDaemon daemon = TestDaemon.withTestkitJournal(dataDir)) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/fast", Map.of(), Docs.container("app", "sleep"))).build());
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/slow", Map.of(),
                    Docs.container("app", "sleep", "slow-delete=1000"))).build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/fast").build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/slow").build());
            PersistenceTestKit journalKit = PersistenceTestKit.create(daemon.daemon().system());
            AtomicBoolean failed = JournalFaults.failFirstWrite(journalKit, "Stack|r/s/t", ScopeEvent.ChildRemoved.class);

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.delete(
                    DeleteRequest.newBuilder().setKind("Space").setPath("r/s").setCascade(true).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(failed.get());

            // The stack restarts, resumes its delete, finds "fast" gone and waits for "slow" alone.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!api.list(ListRequest.newBuilder().setKind("Stack").build()).getObjectsList().isEmpty()
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), api.list(ListRequest.newBuilder().setKind("Stack").build()).getObjectsList().stream()
                    .map(o -> o.getPath() + " " + o.getStatus().getState() + " " + o.getStatus().getMessage()).toList(),
                    "the resumed delete of the stack finished");
            assertEquals(0, api.list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsCount());
            assertEquals(Set.of(), daemon.runtime.containers().keySet(), "nothing left in containerd");
            assertEquals("Ready", api.get(GetRequest.newBuilder().setKind("Space").setPath("r/s").build())
                    .getObject().getStatus().getState(), "the space's own delete failed (UNAVAILABLE): it stays");
            api.delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/s").setCascade(true).build());
            assertEquals(0, api.list(ListRequest.newBuilder().setKind("Space").build()).getObjectsCount(), "the retry works");
        }
    }

    private static List<String> history(KukeonGrpc.KukeonBlockingStub api, String kind, String path) {
        return api.history(HistoryRequest.newBuilder().setKind(kind).setPath(path).build()).getEventsList().stream()
                .map(e -> e.getSequenceNr() + " " + e.getType()).toList();
    }
}
