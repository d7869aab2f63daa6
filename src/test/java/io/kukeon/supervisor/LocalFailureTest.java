package io.kukeon.supervisor;

import com.typesafe.config.ConfigRenderOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.api.v1.CreateRequest;
import io.kukeon.api.v1.GetRequest;
import io.kukeon.api.v1.HistoryRequest;
import io.kukeon.api.v1.KukeonGrpc;
import io.kukeon.api.v1.LifecycleRequest;
import io.kukeon.api.v1.ListRequest;
import io.kukeon.api.v1.ObjectDoc;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.TestDaemon;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
            api.create(CreateRequest.newBuilder().setObject(Docs.realm("r")).build());
            api.create(CreateRequest.newBuilder().setObject(Docs.space("r/s")).build());
            api.create(CreateRequest.newBuilder().setObject(Docs.stack("r/s/t")).build());
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

            daemon.daemon().system().tell(new Request(ObjectPath.parse("r/s/t/c/victim"), new Operation.InjectFailure(), null));

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
        String hocon = com.typesafe.config.ConfigFactory.parseString("""
                        pekko.persistence.journal.auto-start-journals = []
                        pekko.persistence.snapshot-store.auto-start-snapshot-stores = []
                        """)
                .withFallback(PersistenceTestKitPlugin.config()).withFallback(PersistenceTestKitSnapshotPlugin.config())
                .root().render(ConfigRenderOptions.concise());
        try (TestDaemon daemon = TestDaemon.withConfig(dataDir, hocon, Map.of())) {
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

    private static List<String> history(KukeonGrpc.KukeonBlockingStub api, String kind, String path) {
        return api.history(HistoryRequest.newBuilder().setKind(kind).setPath(path).build()).getEventsList().stream()
                .map(e -> e.getSequenceNr() + " " + e.getType()).toList();
    }
}
