package io.kukeon.supervisor;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.model.CellSpec;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start's bring-up check ({@code startup-grace}) on the fake runtime, whose workload given
 * {@code exit=N} exits as soon as it starts: the start answers at once with the check's end in its
 * status; then an exit 0 did its job, any other code failed the start, and a cell that runs to
 * completion ({@code autoDelete}) is not checked at all.
 */
class StartupGraceTest {
    @TempDir
    Path dataDir;

    @Test
    void anEarlyExitFailsTheStartUnlessItIsZeroOrTheCellRunsToCompletion() throws Exception {
        try (TestDaemon daemon = TestDaemon.withConfig(dataDir, "", Map.of("startup-grace", "300ms"))) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            create(api, "r/s/t/done", false, "exit=0");
            create(api, "r/s/t/failed", false, "exit=3");
            create(api, "r/s/t/job", true, "exit=3");

            start(api, "r/s/t/done");
            assertEquals("Exited", Docs.judged(api, "r/s/t/done").getStatus().getState(), "exit 0 did its job");
            start(api, "r/s/t/failed");   // failed as it answered, or by the verdict that follows
            ObjectDoc failed = Docs.judged(api, "r/s/t/failed");
            assertEquals("Failed", failed.getStatus().getState());
            assertEquals("ContainerExitedEarly", failed.getStatus().getReason());
            create(api, "r/s/t/later", false, "exit=3", "exit-after=50");
            ObjectDoc answered = start(api, "r/s/t/later");
            assertEquals("Ready", answered.getStatus().getState(), "answered before its workload exits");
            assertFalse(answered.getStatus().getBringUpDue().isEmpty(), "with when the verdict is due");
            ObjectDoc later = Docs.judged(api, "r/s/t/later");
            assertEquals("Failed", later.getStatus().getState());
            assertTrue(later.getStatus().getMessage().contains("exited within 300 ms of its start (exit code 3)"),
                    later.getStatus().getMessage());
            try {
                start(api, "r/s/t/job");   // answered before or after its delete: either way not a failed start
            } catch (StatusRuntimeException deleted) {
                assertEquals(Status.Code.NOT_FOUND, deleted.getStatus().getCode(), deleted.getMessage());
            }
            Eventually.value("the job deleted once it exited", Duration.ofSeconds(30), () -> {
                try {
                    api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/job").build());
                    return null;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode() == Status.Code.NOT_FOUND ? true : null;
                }
            });
        }
    }

    /**
     * containerd reports the exit of a task that ends at once before the start's own answer comes
     * back (the fake runtime's late-answer= holds the answer back): the exit is kept and written with
     * the start, not dropped until a relist.
     */
    @Test
    void anExitReportedBeforeTheStartsAnswerIsRecorded() throws Exception {
        try (TestDaemon daemon = TestDaemon.withConfig(dataDir, "", Map.of("startup-grace", "0ms", "relist-interval", "0ms"))) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            create(api, "r/s/t/quick", false, "exit=7", "late-answer=500");
            // the start's answer knows: the workload ended as it started (before, it answered Ready and the
            // exit stayed unseen until a relist)
            ObjectDoc quick = start(api, "r/s/t/quick");
            assertEquals("Failed", quick.getStatus().getState());
            assertEquals("ContainerExitedEarly", quick.getStatus().getReason());
            assertTrue(quick.getStatus().getMessage().contains("exited as it started (exit code 7)"), quick.getStatus().getMessage());
        }
    }

    private static void create(KukeonGrpc.KukeonBlockingStub api, String path, boolean autoDelete, String... args) {
        ObjectPath p = ObjectPath.parse(path);
        api.create(CreateRequest.newBuilder().setObject(ObjectMapping.toProto(new TreeObject.Cell(p,
                new Metadata(p.name(), Map.of(), 0), new CellSpec(List.of(Docs.container("app", args)), null, autoDelete, null),
                null))).build());
    }

    private static ObjectDoc start(KukeonGrpc.KukeonBlockingStub api, String path) {
        return api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }
}
