package io.kukeon.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CellSpec;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.Metadata;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.testing.TestDaemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Records a journal fixture from this release: runs an in-process kukeond on fake ports, builds a
 * small tree through the public API that covers every level and as many states as it can, stops
 * the daemon in the middle of two operations, and writes the journal's rows as text under
 * {@code src/test/resources/journal-fixtures/<name>/}. It then replays the fixture twice with this
 * release and writes what every object looks like as {@code expected.json}, once both replays agree.
 *
 * <pre>
 *   mvn -B -q -o test-compile
 *   mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.kukeon.journal.JournalFixtureRecorder [NAME]
 * </pre>
 *
 * NAME defaults to {@code <today>-<git short commit>}, the release that wrote it. Run it from the
 * repository's root; it never overwrites a fixture.
 */
public final class JournalFixtureRecorder {
    /** The realm with its own containerd namespace: every container ID below is in it. */
    static final String NS = "main-containers";
    static final String MISSING_IMAGE = "registry.example.com/missing:1.0";

    /**
     * Written beside the rows; the daemon ran with it and every replay does. A restart the journal
     * owes must stay owed whenever the fixture is replayed, so the restart delays are 6000 days
     * (until about 2043). Pekko's scheduler refuses a delay over 2^31 ticks, about 248 days at its
     * default tick of 10 ms (and a container actor that asks for more fails at every recovery):
     * hence a tick of 250 ms, a limit of 17 years. A longer tick makes every replay slower (the
     * read journal's polls wait for ticks).
     */
    static final String DAEMON_CONFIG = """
            # The configuration the fixture was recorded with, and every replay of it runs with.
            kukeon {
              snapshot-every = 3
              restart {
                initial-backoff = 6000d
                max-backoff = 6000d
              }
            }
            # Pekko schedules at most 2^31 ticks ahead: 17 years at 250 ms (248 days at the default 10 ms).
            pekko.scheduler.tick-duration = 250ms
            """;

    private final TestDaemon daemon;
    private final FakeRuntime runtime;

    private JournalFixtureRecorder(TestDaemon daemon) {
        this.daemon = daemon;
        this.runtime = daemon.runtime;
    }

    public static void main(String[] args) {
        int status = 1;
        try {
            String name = args.length > 0 ? args[0] : LocalDate.now(ZoneOffset.UTC) + "-" + gitCommit();
            record(name, JournalFixture.SOURCE_ROOT.resolve(name));
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        }
        System.exit(status);   // a stopped daemon leaves threads that would keep the JVM alive
    }

    private static void record(String name, Path fixture) throws Exception {
        if (Files.exists(fixture)) {
            throw new IllegalStateException(fixture + " exists; a fixture is never recorded again");
        }
        Path work = Files.createTempDirectory("journal-fixture-");
        Path config = work.resolve(JournalFixture.CONFIG);
        Files.writeString(config, DAEMON_CONFIG);
        Path runtimeState = work.resolve(JournalFixture.RUNTIME_STATE);

        FakeRuntime runtime = new FakeRuntime(runtimeState);
        runtime.unknownImage(MISSING_IMAGE);
        TestDaemon daemon = TestDaemon.withConfig(work.resolve("data"), runtime, config, Map.of());
        JournalFixtureRecorder recorder = new JournalFixtureRecorder(daemon);
        recorder.buildTree();
        daemon.restart();   // the journal also holds a recovery (snapshots read back) and a second DaemonStarted
        recorder.changeTree();
        recorder.stopInTheMiddle();

        Files.createDirectories(fixture);
        try {
            JournalRows.export(daemon.dataDir, fixture);
            Files.copy(runtimeState, fixture.resolve(JournalFixture.RUNTIME_STATE));
            Files.copy(config, fixture.resolve(JournalFixture.CONFIG));
            Files.copy(daemon.dataDir.resolve("keys").resolve(JournalFixture.KEY), fixture.resolve(JournalFixture.KEY));

            ObjectNode first = JournalFixture.replay(fixture, work.resolve("replay-1")).observed();
            ObjectNode second = JournalFixture.replay(fixture, work.resolve("replay-2")).observed();
            List<String> unstable = JournalFixture.differences(first, second);
            if (!unstable.isEmpty()) {
                throw new IllegalStateException("two replays of " + fixture + " differ; the normalization misses:\n  "
                        + String.join("\n  ", unstable));
            }
            Files.writeString(fixture.resolve(JournalFixture.EXPECTED), JournalFixture.pretty(first));
            Files.writeString(fixture.resolve("README.md"), FixtureReadme.of(name, fixture, first));
        } catch (Exception e) {
            try (var files = Files.list(fixture)) {   // no half-written fixture: the next run must not find one
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(fixture);
            throw e;
        }
        System.out.println("recorded " + fixture);
    }

    // ---- the tree ----

    private void buildTree() throws Exception {
        apply("""
                apiVersion: v1beta1
                kind: Realm
                metadata:
                  name: main
                  labels:
                    team: platform
                spec:
                  namespace: main-containers
                  registryCredentials:
                    - username: robot
                      password: fake-password-not-a-secret
                      serverAddress: registry.example.com
                ---
                apiVersion: v1beta1
                kind: Space
                metadata:
                  name: apps
                  labels:
                    env: prod
                spec:
                  realmId: main
                  resources:
                    memoryLimitBytes: 536870912
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata:
                  name: web
                  labels:
                    app: shop
                spec:
                  realmId: main
                  spaceId: apps
                  resources:
                    pids:
                      max: 512
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata:
                  name: batch
                spec:
                  realmId: main
                  spaceId: apps
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata:
                  name: empty
                spec:
                  realmId: main
                  spaceId: apps
                ---
                apiVersion: v1beta1
                kind: Realm
                metadata:
                  name: limits
                  labels:
                    owner: ops
                spec:
                  resources:
                    memory:
                      max: 1073741824
                      high: 805306368
                    cpu:
                      weight: 200
                ---
                """ + quietSpace(null) + """
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata:
                  name: idle
                spec:
                  realmId: limits
                  spaceId: quiet
                  resources:
                    cpu:
                      quotaMicros: 50000
                      periodMicros: 100000
                """);

        // Ready: an explicit root and one workload, with most container fields set.
        apply(cell("web", "ready", "tier: frontend", """
                  rootContainerId: proxy
                  resources:
                    cpu:
                      weight: 50
                  containers:
                    - id: proxy
                      root: true
                      image: busybox
                      command: /bin/sh
                      args: ["-c", "httpd -f -p 8080"]
                    - id: app
                      image: docker.io/library/busybox:latest
                      command: /bin/sh
                      args: ["-c", "serve"]
                      env: ["MODE=prod", "EMPTY="]
                      workingDir: /srv
                      user: "1000:1000"
                      restartPolicy: on-failure
                      restartBackoffSeconds: 2
                      restartMaxRetries: 3
                      resources:
                        memoryLimitBytes: 67108864
                        cpuShares: 512
                        pidsLimit: 64
                """));
        await("Cell", "main/apps/web/ready", state("Ready"));

        // Stopped: started, then stopped.
        apply(cell("web", "stopped", "tier: backend", workload("app", "never", "sleep")));
        api().stop(lifecycle("Cell", "main/apps/web/stopped"));
        await("Cell", "main/apps/web/stopped", state("Stopped"));

        // Pending: created, never started.
        api().create(CreateRequest.newBuilder().setObject(ObjectDoc.newBuilder().setKind("Cell")
                .setPath("main/apps/web/pending")
                .setMetadata(Metadata.newBuilder().setName("pending").putLabels("tier", "later"))
                .setCell(CellSpec.newBuilder().addContainers(ContainerSpec.newBuilder().setId("app").setImage("busybox")
                        .addArgs("sleep")))).build());
        await("Cell", "main/apps/web/pending", state("Pending"));

        // Failed: its image cannot be pulled.
        apply(cell("web", "failed", null, """
                  containers:
                    - id: app
                      image: %s
                """.formatted(MISSING_IMAGE)));
        await("Cell", "main/apps/web/failed", state("Failed"));

        // Error: the workload (restart policy never) exits 3.
        apply(cell("web", "error", null, workload("job", "never", "sleep")));
        runtime.exit(NS, "apps_web_error_job", 3);
        await("Cell", "main/apps/web/error", state("Error"));

        // Exited: the only workload exits 0.
        apply(cell("web", "exited", null, workload("job", "never", "sleep")));
        runtime.exit(NS, "apps_web_exited_job", 0);
        await("Cell", "main/apps/web/exited", state("Exited"));

        // Degraded: "worker" restarted once at once; its second restart is owed for 6000 days.
        apply(cell("web", "degraded", null, workload("worker", "on-failure", "sleep")
                + workload("helper", "always", "sleep", false)));
        runtime.exit(NS, "apps_web_degraded_worker", 1);
        await("Container", "main/apps/web/degraded/worker", restarts(1));
        runtime.exit(NS, "apps_web_degraded_worker", 1);
        await("Container", "main/apps/web/degraded/worker", d -> !d.getStatus().getContainer().getNextRestartAt().isEmpty());
        await("Cell", "main/apps/web/degraded", state("Degraded"));

        // RestartsExhausted: on-failure with 2 retries (1 s apart by its own backoff), exits a third time.
        apply(cell("web", "exhausted", null, """
                  containers:
                    - id: job
                      image: busybox
                      args: ["sleep"]
                      restartPolicy: on-failure
                      restartBackoffSeconds: 1
                      restartMaxRetries: 2
                """));
        for (int restarts = 1; restarts <= 2; restarts++) {
            runtime.exit(NS, "apps_web_exhausted_job", 1);
            await("Container", "main/apps/web/exhausted/job", restarts(restarts));
        }
        runtime.exit(NS, "apps_web_exhausted_job", 1);
        await("Container", "main/apps/web/exhausted/job", d -> d.getStatus().getContainer().getReason().equals("RestartsExhausted"));
        await("Cell", "main/apps/web/exhausted", state("Error"));

        // To be updated, to have one container stopped, to be deleted: all running for now.
        apply(cell("batch", "updated", "rev: one", workload("a", "never", "sleep") + workload("b", "never", "sleep", false)));
        apply(cell("batch", "ops", null, workload("main", "never", "sleep") + workload("side", "never", "sleep", false)));
        apply(cell("batch", "gone", null, workload("app", "never", "sleep")));

        // A realm with a whole branch, deleted below.
        apply("""
                apiVersion: v1beta1
                kind: Cell
                metadata:
                  name: c
                spec:
                  realmId: old
                  spaceId: s
                  stackId: t
                  containers:
                    - id: app
                      image: busybox
                      args: ["sleep"]
                """);
        for (String path : List.of("main/apps/batch/updated", "main/apps/batch/ops", "main/apps/batch/gone", "old/s/t/c")) {
            await("Cell", path, state("Ready"));
        }
    }

    private void changeTree() throws Exception {
        // Generation 2: "b" leaves the spec, "c" joins, a label changes.
        apply(cell("batch", "updated", "rev: two", workload("a", "never", "sleep") + workload("c", "never", "sleep", false)));
        await("Cell", "main/apps/batch/updated", d -> d.getStatus().getObservedGeneration() == 2
                && d.getStatus().getState().equals("Ready"));

        // One container of a running cell stopped on its own.
        api().stop(lifecycle("Container", "main/apps/batch/ops/side"));
        await("Container", "main/apps/batch/ops/side", state("Stopped"));

        // One container of a running cell restarted on its own (a new task, restart count unchanged).
        api().restart(lifecycle("Container", "main/apps/batch/ops/main"));

        // A realm whose delete failed (containerd away): it stays, and provisions again once containerd is back.
        apply("""
                apiVersion: v1beta1
                kind: Realm
                metadata:
                  name: stuck
                """);
        runtime.setAvailable(false);
        ignoreFailure(() -> api().delete(DeleteRequest.newBuilder().setKind("Realm").setPath("stuck").build()));
        runtime.setAvailable(true);
        awaitEvent("Realm", "stuck", "RealmDeleteFailed");
        await("Realm", "stuck", d -> d.getStatus().getState().equals("Ready") && d.getStatus().getReason().isEmpty());

        // A space's labels changed: generation 2 of a level.
        apply(quietSpace("note: relabelled"));

        api().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("main/apps/batch/gone").build());
        api().delete(DeleteRequest.newBuilder().setKind("Realm").setPath("old").setCascade(true).build());
    }

    /**
     * Two intents without their outcome: a cell's start whose workload's task takes 2 s to start,
     * and a cell's delete whose workload takes 2 s to delete, both in flight when the daemon stops.
     * The fake finishes both meanwhile, as containerd would without the daemon.
     */
    private void stopInTheMiddle() throws Exception {
        api().create(CreateRequest.newBuilder().setObject(ObjectDoc.newBuilder().setKind("Cell")
                .setPath("main/apps/batch/starting").setMetadata(Metadata.newBuilder().setName("starting"))
                .setCell(CellSpec.newBuilder().addContainers(ContainerSpec.newBuilder().setId("slow").setImage("busybox")
                        .addArgs("slow-start=2000")))).build());
        apply(cell("batch", "leaving", null, workload("slow", "never", "slow-delete=2000")));
        await("Cell", "main/apps/batch/leaving", state("Ready"));

        CompletableFuture.runAsync(() -> ignoreFailure(() -> api().start(lifecycle("Cell", "main/apps/batch/starting"))));
        CompletableFuture.runAsync(() -> ignoreFailure(() -> api().delete(DeleteRequest.newBuilder().setKind("Cell")
                .setPath("main/apps/batch/leaving").build())));
        awaitEvent("Container", "main/apps/batch/starting/slow", "ContainerStartRequested");
        awaitEvent("Container", "main/apps/batch/leaving/slow", "ContainerDeleteRequested");
        daemon.stop();

        Instant deadline = Instant.now().plusSeconds(20);
        while (!(running(NS, "apps_batch_starting_slow") && runtime.container(NS, "apps_batch_leaving_slow") == null)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the fake did not finish the start and the delete in flight");
            }
            Thread.sleep(50);
        }
    }

    // ---- manifests ----

    private static String cell(String stack, String name, String label, String spec) {
        return """
                apiVersion: v1beta1
                kind: Cell
                metadata:
                  name: %s
                %sspec:
                  realmId: main
                  spaceId: apps
                  stackId: %s
                %s""".formatted(name, label == null ? "" : "  labels:\n    " + label + "\n", stack, spec);
    }

    /** The space limits/quiet, with these labels (null: none). */
    private static String quietSpace(String label) {
        return """
                apiVersion: v1beta1
                kind: Space
                metadata:
                  name: quiet
                %sspec:
                  realmId: limits
                  resources:
                    io:
                      weight: 100
                      max:
                        - device: "8:0"
                          rbps: 104857600
                """.formatted(label == null ? "" : "  labels:\n    " + label + "\n");
    }

    private static String workload(String id, String policy, String arg) {
        return workload(id, policy, arg, true);
    }

    private static String workload(String id, String policy, String arg, boolean first) {
        return (first ? "  containers:\n" : "") + """
                    - id: %s
                      image: busybox
                      args: ["%s"]
                      restartPolicy: %s
                """.formatted(id, arg, policy);
    }

    // ---- API ----

    private KukeonGrpc.KukeonBlockingStub api() {
        try {
            return daemon.client();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void apply(String manifest) {
        for (ApplyResult r : api().apply(ApplyRequest.newBuilder()
                .setManifest(ByteString.copyFrom(manifest, StandardCharsets.UTF_8)).build()).getResultsList()) {
            if (r.getOutcome().equals("failed") && !r.getPath().endsWith("/failed")) {
                throw new IllegalStateException("apply of " + r.getKind() + " " + r.getPath() + " failed: " + r.getError());
            }
        }
    }

    private static LifecycleRequest lifecycle(String kind, String path) {
        return LifecycleRequest.newBuilder().setKind(kind).setPath(path).build();
    }

    private static Predicate<ObjectDoc> state(String state) {
        return d -> d.getStatus().getState().equals(state);
    }

    private static Predicate<ObjectDoc> restarts(int count) {
        return d -> d.getStatus().getContainer().getRestartCount() == count && d.getStatus().getState().equals("Ready");
    }

    private void await(String kind, String path, Predicate<ObjectDoc> condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        ObjectDoc last = null;
        while (Instant.now().isBefore(deadline)) {
            last = api().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
            if (condition.test(last)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(kind + " " + path + " never reached its state; last: " + last);
    }

    private void awaitEvent(String kind, String path, String type) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (api().history(HistoryRequest.newBuilder().setKind(kind).setPath(path).build()).getEventsList().stream()
                        .anyMatch(e -> e.getType().equals(type))) {
                    return;
                }
            } catch (io.grpc.StatusRuntimeException notYet) {
                // no event yet: NOT_FOUND
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(kind + " " + path + " never wrote " + type);
    }

    private boolean running(String namespace, String id) {
        FakeRuntime.FakeContainer c = runtime.container(namespace, id);
        return c != null && c.task().status() == io.kukeon.runtime.TaskInfo.Status.RUNNING;
    }

    private static void ignoreFailure(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException expected) {
            // the daemon stops under the call
        }
    }

    private static String gitCommit() throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD").redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (git.waitFor() != 0) {
            throw new IllegalStateException("name the fixture: git rev-parse failed: " + out);
        }
        return out;
    }
}
