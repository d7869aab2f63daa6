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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            Churn churn = new Churn(daemon.client(), List.of("r/s/t/churn-0", "r/s/t/churn-1", "r/s/t/churn-2"));
            for (String cell : churn.cells) {
                api.create(CreateRequest.newBuilder().setObject(Docs.cell(cell, Map.of(), Docs.container("app", "sleep"))).build());
            }
            Thread churning = new Thread(churn, "churn");
            churning.start();

            PrivatePostgres.stopServer();
            long stopped = System.nanoTime();
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
                // long enough for the cells starting and stopping to meet the outage many times
                Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(10) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)));
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

            Eventually.value("starts and stops acknowledged again", Duration.ofSeconds(60), () -> churn.acknowledgedSince(stopped) >= 6 ? true : null);
            churn.stop(churning);
            System.out.printf("churn: %d acknowledged, %d refused UNAVAILABLE%n", churn.acknowledged, churn.refused);
            assertTrue(churn.refused > 0, "the churn met the outage");
            assertEquals(List.of(), churn.unanswered, "every call was answered by kukeond, none waited for its deadline");
            churn.checkNothingAcknowledgedLost(api);
            daemon.kill9();
            daemon.start();
            churn.checkNothingAcknowledgedLost(daemon.client());

            String log = Files.readString(daemon.log());
            System.out.println(log);
            assertFalse(log.contains("\n\tat "), "the outage is told in lines, not stack traces");
        }
    }

    /**
     * Starts and stops cells one after another, each call with a deadline well past the time kukeond
     * must answer in, and keeps what was acknowledged: each cell's state must be the last one
     * acknowledged, or the one asked for after it when that call failed (a stop whose outcome could not
     * be written may still complete once the journal is back).
     */
    private static final class Churn implements Runnable {
        final List<String> cells;
        final KukeonGrpc.KukeonBlockingStub api;
        final Map<String, String> acknowledgedState = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, String> askedAfter = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> unanswered = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> acknowledgedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int acknowledged;
        volatile int refused;
        volatile boolean running = true;

        Churn(KukeonGrpc.KukeonBlockingStub api, List<String> cells) {
            this.api = api;
            this.cells = cells;
            cells.forEach(cell -> acknowledgedState.put(cell, "Stopped"));
        }

        @Override
        public void run() {
            for (int i = 0; running; i++) {
                String cell = cells.get(i % cells.size());
                boolean start = !acknowledgedState.get(cell).equals("Ready");
                askedAfter.put(cell, start ? "Ready" : "Stopped");
                LifecycleRequest request = LifecycleRequest.newBuilder().setKind("Cell").setPath(cell).build();
                try {
                    KukeonGrpc.KukeonBlockingStub bounded = api.withDeadlineAfter(2 * ANSWER_WITHIN_S, TimeUnit.SECONDS);
                    if (start) {
                        bounded.start(request);
                    } else {
                        bounded.stop(request);
                    }
                    acknowledgedState.put(cell, start ? "Ready" : "Stopped");
                    askedAfter.remove(cell);
                    acknowledged++;
                    acknowledgedAt.add(System.nanoTime());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                        refused++;
                    } else {
                        unanswered.add(cell + ": " + e.getStatus());
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long acknowledgedSince(long nanos) {
            return acknowledgedAt.stream().filter(t -> t > nanos).count();
        }

        void stop(Thread thread) throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(3 * ANSWER_WITHIN_S));
        }

        void checkNothingAcknowledgedLost(KukeonGrpc.KukeonBlockingStub client) throws Exception {
            for (String cell : cells) {
                java.util.Set<String> allowed = new java.util.HashSet<>(List.of(acknowledgedState.get(cell)));
                if (askedAfter.containsKey(cell)) {
                    allowed.add(askedAfter.get(cell));
                }
                String state = Eventually.value(cell + " settled", Duration.ofSeconds(60), () -> {
                    String now = client.get(GetRequest.newBuilder().setKind("Cell").setPath(cell).build()).getObject()
                            .getStatus().getState();
                    return allowed.contains(now) ? now : null;
                });
                assertTrue(allowed.contains(state), cell + " is " + state + ", acknowledged " + allowed);
            }
        }
    }

    private static int pidOf(ObjectDoc cell) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst().orElseThrow().getPid();
    }
}
