package io.kukeon.supervisor;

import io.kukeon.api.Docs;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cell start lets its containers go on before their own journal writes land (the cell's intent
 * is written first); what the client is told must still never depend on an unwritten event.
 */
class CellStartJournalTest {
    @TempDir
    Path dataDir;

    @Test
    void aStartAnswersReadyOnlyOnceEveryContainerHasJournaledItsTask() throws Exception {
        // No startup grace: its second look at the workload would make the answer wait anyway.
        try (TestDaemon daemon = TestDaemon.withTestkitJournal(dataDir, Map.of("startup-grace", "0ms"))) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(), Docs.container("app", "sleep"))).build());
            PersistenceTestKit journal = PersistenceTestKit.create(daemon.daemon().system());
            // The workload's first TaskStarted fails to be written; its actor restarts, finds its
            // task and writes it again a backoff later, long after containerd showed it running.
            AtomicBoolean failed = JournalFaults.failFirstWrite(journal, "Container|r/s/t/c/app", ContainerEvent.TaskStarted.class);

            String state = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                    .getObject().getStatus().getState();

            assertTrue(failed.get());
            assertEquals("Ready", state);
            for (String container : List.of("root", "app")) {
                assertTrue(JournalFaults.holds(journal, "Container|r/s/t/c/" + container, ContainerEvent.TaskStarted.class),
                        container + "'s start is in the journal");
            }
            assertTrue(JournalFaults.holds(journal, "Cell|r/s/t/c", CellEvent.Started.class), "and the cell's");
        }
    }

    /**
     * The workload's task is started while its StartRequested is written, and that write fails:
     * the container actor restarts with the task still starting, the cell's start fails, and the
     * cell's kill of what it started must reach that task rather than find "nothing runs".
     */
    @Test
    void aContainerWhoseStartIntentFailsToBeWrittenIsNotLeftRunning() throws Exception {
        try (TestDaemon daemon = TestDaemon.withTestkitJournal(dataDir)) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(),
                    Docs.container("app", "sleep", "slow-start=600"))).build());
            PersistenceTestKit journal = PersistenceTestKit.create(daemon.daemon().system());
            AtomicBoolean failed = JournalFaults.failFirstWrite(journal, "Container|r/s/t/c/app",
                    ContainerEvent.StartRequested.class);

            assertEquals("Failed", api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                    .getObject().getStatus().getState());
            assertTrue(failed.get());

            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (running(daemon, "s_t_c_app") && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);   // past the slow start and the actor's backoff: nothing starts it again
            assertEquals(List.of(false, false), List.of(running(daemon, "s_t_c_root"), running(daemon, "s_t_c_app")),
                    "the failed start left no task running");
            String cell = api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject()
                    .getStatus().getState();
            assertEquals("Failed", cell);
        }
    }

    private static boolean running(TestDaemon daemon, String id) {
        var c = daemon.runtime.container("r.kukeon.io", id);
        return c != null && c.task().status() == TaskInfo.Status.RUNNING;
    }
}
