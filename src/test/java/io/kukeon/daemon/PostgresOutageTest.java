package io.kukeon.daemon;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.PrivatePostgres;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL server stops under a running kukeond: calls that write answer UNAVAILABLE in
 * seconds instead of hanging, status says the journal is down, the containers keep running; once
 * the server is back kukeond resumes by itself, with everything acknowledged before still there.
 */
@Tag("postgres")
class PostgresOutageTest {
    /** Well under a call's own deadline: the answer must come from kukeond, not from the client giving up. */
    private static final long ANSWER_WITHIN_S = 30;

    @TempDir
    Path dataDir;

    @Test
    @Disabled("issue 17 slice 4, unfinished: the create is refused UNAVAILABLE in 2 s, but the stack's actor then fails its "
            + "recovery over and over while the database is away, and a start of a cell under it waits (stashed, dropped at each "
            + "restart) until the caller's deadline; each failed recovery also logs a stack trace")
    void theDaemonAnswersUnavailableWhileTheDatabaseIsAwayAndResumesOnItsOwn() throws Exception {
        JournalSettings journal = PrivatePostgres.newJournal("outage", 5);
        try (DaemonProcess daemon = new DaemonProcess(dataDir).withEnvironment(Map.of(DaemonConfig.envName("journal.kind"), "postgres",
                DaemonConfig.envName("journal.url"), journal.url(), DaemonConfig.envName("journal.user"), journal.user()))) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "r/s/t");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/running", Map.of(), Docs.container("app", "sleep"))).build());
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/stopped", Map.of(), Docs.container("app", "sleep"))).build());
            int pid = pidOf(api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/running").build()).getObject());

            PrivatePostgres.stopServer();
            try {
                KukeonGrpc.KukeonBlockingStub bounded = api.withDeadlineAfter(ANSWER_WITHIN_S, TimeUnit.SECONDS);
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> bounded.create(CreateRequest
                        .newBuilder().setObject(Docs.cell("r/s/t/new", Map.of(), Docs.container("app", "sleep"))).build()));
                assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
                assertTrue(refused.getStatus().getDescription().contains("journal"), refused.getStatus().getDescription());
                StatusRuntimeException startRefused = assertThrows(StatusRuntimeException.class, () -> api
                        .withDeadlineAfter(ANSWER_WITHIN_S, TimeUnit.SECONDS)
                        .start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/stopped").build()));
                assertEquals(Status.Code.UNAVAILABLE, startRefused.getStatus().getCode(), startRefused.getStatus().toString());

                StatusResponse status = api.withDeadlineAfter(ANSWER_WITHIN_S, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
                StatusResponse.Check check = status.getChecksList().stream().filter(c -> c.getName().equals("journal"))
                        .findFirst().orElseThrow();
                assertEquals("FAIL", check.getLevel(), check.getDetail());
                assertTrue(Files.readString(dataDir.resolve("fake-runtime.tsv")).contains("\t" + pid + "\t"),
                        "the container keeps running while the journal is away");
            } finally {
                PrivatePostgres.startServer();
            }

            ObjectDoc created = Eventually.value("a create once the database is back", Duration.ofSeconds(60), () -> api
                    .withDeadlineAfter(ANSWER_WITHIN_S, TimeUnit.SECONDS).create(CreateRequest.newBuilder()
                            .setObject(Docs.cell("r/s/t/new", Map.of(), Docs.container("app", "sleep"))).build()).getObject());
            assertEquals("Cell", created.getKind());
            ObjectDoc running = Eventually.value("the running cell Ready", Duration.ofSeconds(60), () -> {
                ObjectDoc cell = api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/running").build()).getObject();
                return cell.getStatus().getState().equals("Ready") ? cell : null;
            });
            assertEquals(pid, pidOf(running), "the same process: adopted, never restarted");
            Eventually.value("the stopped cell starts now", Duration.ofSeconds(60), () -> pidOf(api
                    .start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/stopped").build()).getObject()) > 0 ? true : null);
            StatusResponse.Check check = Eventually.value("status OK again", Duration.ofSeconds(30), () -> api
                    .status(StatusRequest.getDefaultInstance()).getChecksList().stream()
                    .filter(c -> c.getName().equals("journal") && c.getLevel().equals("OK")).findFirst().orElse(null));
            assertTrue(check.getDetail().startsWith("PostgreSQL journal on "), check.getDetail());
        }
    }

    private static int pidOf(ObjectDoc cell) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst().orElseThrow().getPid();
    }
}
