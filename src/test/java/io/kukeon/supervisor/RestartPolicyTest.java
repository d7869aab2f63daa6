package io.kukeon.supervisor;

import io.kukeon.testing.Specs;
import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.RestartPolicy;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restart policies, with their bookkeeping in the journal (the Go kukeon keeps it in memory). */
class RestartPolicyTest {
    private static final String NS = "r.kukeon.io";

    @TempDir
    Path dataDir;

    /** The cell, started and past its bring-up: from then on an exit is the restart policy's. */
    private static void cell(KukeonGrpc.KukeonBlockingStub api, String name, ContainerSpec container) throws Exception {
        Docs.createStack(api, "r/s/t");
        api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/" + name, Map.of(), container)).build());
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/" + name).build());
        Docs.judged(api, "r/s/t/" + name);
    }

    private static ContainerSpec app(RestartPolicy policy, Integer backoffSeconds, Integer maxRetries) {
        return Specs.container("app").args("sleep").restart(policy).backoffSeconds(backoffSeconds).maxRetries(maxRetries)
                .build();
    }

    private static ObjectDoc await(TestDaemon daemon, String kind, String path, Predicate<ObjectDoc> condition)
            throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        ObjectDoc last = null;
        while (Instant.now().isBefore(deadline)) {
            last = daemon.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never reached the condition; last: " + last);
    }

    @Test
    void anExitWhileTheDaemonWasDownIsFoundAtStartAndItsPolicyApplies() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            cell(daemon.client(), "svc", app(RestartPolicy.ALWAYS, null, null));
            int pid = daemon.runtime.container(NS, "s_t_svc_app").task().pid();
            daemon.stop();
            daemon.runtime.exitSilently(NS, "s_t_svc_app", 1);
            daemon.start();
            ObjectDoc c = await(daemon, "Container", "r/s/t/svc/app", d -> d.getStatus().getContainer().getRestartCount() == 1
                    && d.getStatus().getState().equals("Ready"));
            assertNotEquals(pid, c.getStatus().getContainer().getPid());
            await(daemon, "Cell", "r/s/t/svc", d -> d.getStatus().getState().equals("Ready"));
        }
    }

    @Test
    void aDaemonRestartContinuesTheBackoffWhereItWas() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("restart.initial-backoff", "3s"))) {
            cell(daemon.client(), "svc", app(RestartPolicy.ALWAYS, null, null));
            daemon.runtime.exit(NS, "s_t_svc_app", 1);   // first restart: at once
            await(daemon, "Container", "r/s/t/svc/app", d -> d.getStatus().getContainer().getRestartCount() == 1
                    && d.getStatus().getState().equals("Ready"));
            daemon.runtime.exit(NS, "s_t_svc_app", 1);   // second: after the initial backoff
            ObjectDoc owed = await(daemon, "Container", "r/s/t/svc/app",
                    d -> !d.getStatus().getContainer().getNextRestartAt().isEmpty());
            Instant due = Instant.parse(owed.getStatus().getContainer().getNextRestartAt());
            assertEquals("Degraded", daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/svc")
                    .build()).getObject().getStatus().getState(), "a restart is owed");

            daemon.restart();

            ObjectDoc after = daemon.client().get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/svc/app")
                    .build()).getObject();
            assertEquals(due.toString(), after.getStatus().getContainer().getNextRestartAt(), "the same restart is owed");
            ObjectDoc restarted = await(daemon, "Container", "r/s/t/svc/app",
                    d -> d.getStatus().getContainer().getRestartCount() == 2 && d.getStatus().getState().equals("Ready"));
            assertFalse(Instant.parse(restarted.getStatus().getContainer().getStartTime()).isBefore(due),
                    "not before it was due, even across the daemon restart");
        }
    }

    @Test
    void onFailureGivesUpAfterItsRetriesAndTheCellTurnsError() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("restart.initial-backoff", "10ms"))) {
            cell(daemon.client(), "job", app(RestartPolicy.ON_FAILURE, null, 2));
            for (int i = 0; i < 3; i++) {
                int restarts = i;
                await(daemon, "Container", "r/s/t/job/app", d -> d.getStatus().getContainer().getRestartCount() == restarts
                        && d.getStatus().getState().equals("Ready"));
                daemon.runtime.exit(NS, "s_t_job_app", 2);
            }
            ObjectDoc cell = await(daemon, "Cell", "r/s/t/job", d -> d.getStatus().getState().equals("Error"));
            ContainerStatus app = cell.getStatus().getContainers(0);
            assertEquals(2, app.getRestartCount());
            assertEquals("RestartsExhausted", app.getReason());
            assertEquals(3, daemon.runtime.starts() - 1, "one start, two restarts (plus the root)");
        }
    }

    @Test
    void onFailureDoesNotRestartACleanExit() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            cell(daemon.client(), "once", app(RestartPolicy.ON_FAILURE, null, null));
            daemon.runtime.exit(NS, "s_t_once_app", 0);
            ObjectDoc cell = await(daemon, "Cell", "r/s/t/once", d -> d.getStatus().getState().equals("Exited"));
            assertEquals(0, cell.getStatus().getContainers(0).getRestartCount());
            assertTrue(cell.getStatus().getContainers(0).getNextRestartAt().isEmpty());
        }
    }
}
