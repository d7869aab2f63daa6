package io.kukeon.daemon;

import io.grpc.Context;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers' logs on the real containerd, written by kukeon-logger beside each task: rotation
 * bounds the disk, and kuke logs' --tail, --since, --timestamps, --previous and -f (across
 * rotations) give the right lines; the logs outlive a kukeond restart and go with their cell.
 * One daemon and one cell of five containers for the class.
 */
@Tag("containerd")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealLogsTest {
    private static final String CELL = "r/s/t/chatty";
    private static final int MIB = 1024 * 1024;

    @TempDir
    static Path work;
    static RealDaemon host;

    @BeforeAll
    static void start() throws Exception {
        host = new RealDaemon(Files.createDirectories(work.resolve("data")));
        host.createStack("r", "s", "t");
        Path trigger = Files.createDirectories(work.resolve("trigger"));
        List<ApplyResult> applied = host.apply("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: chatty}\n"
                + "spec:\n  realmId: r\n  spaceId: s\n  stackId: t\n  containers:\n"
                // 30 MiB of 99-byte lines (whole ones), then five numbered ones
                + container("flood", "yes $(printf %098d 0) | head -c 31457646; seq 1 5 | sed s/^/tail-/; exec sleep 3600",
                        "      logMaxSizeBytes: 1048576\n      logMaxFiles: 3\n")
                + container("timed", "echo early; sleep 2; echo late >&2; exec sleep 3600", "")
                + container("twice", "if [ -e /ran ]; then echo second-run; exec sleep 3600; fi; touch /ran; echo first-run; sleep 1; exit 1",
                        "      restartPolicy: on-failure\n      restartBackoffSeconds: 1\n")
                // batches of 100 lines (about 14 KiB as records) half a second apart once /trigger/go exists
                + container("ticker", "while [ ! -e /trigger/go ]; do sleep 0.1; done; for b in $(seq 0 11); do"
                                + " seq $((b*100+1)) $((b*100+100)) | sed \"s/.*/tick-&-$(printf %060d 0)/\"; sleep 0.5; done;"
                                + " echo tick-end; exec sleep 3600",
                        "      logMaxSizeBytes: 16384\n      logMaxFiles: 3\n      volumes:\n        - {source: " + trigger
                                + ", target: /trigger}\n")
                + container("steady", "i=0; while true; do i=$((i+1)); echo beat-$i; sleep 0.2; done", ""));
        assertEquals("created", applied.get(0).getOutcome(), applied.toString());
    }

    private static String container(String id, String script, String extra) {
        return "    - id: " + id + "\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', '" + script + "']\n" + extra;
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static LogsRequest.Builder logs(String container) {
        return LogsRequest.newBuilder().setPath(CELL).setContainer(container);
    }

    private static String read(LogsRequest.Builder request) throws Exception {
        StringBuilder s = new StringBuilder();
        Iterator<LogChunk> chunks = host.client().logs(request.build());
        while (chunks.hasNext()) {
            s.append(chunks.next().getData().toStringUtf8());
        }
        return s.toString();
    }

    private static String awaitLines(LogsRequest.Builder request, String last) throws Exception {
        return Eventually.value("\"" + last + "\" in " + request.getContainer() + "'s log", Duration.ofSeconds(60), () -> {
            String text = read(request);
            return text.endsWith(last + "\n") ? text : null;
        });
    }

    private static Path logDir(String container) {
        return host.dataDir.resolve("logs/r/s/t/chatty").resolve(container);
    }

    @Test
    @Order(1)
    void rotationKeepsThirtyMebibytesOfOutputUnderFourOnDiskAndTailReadsAcrossFiles() throws Exception {
        awaitLines(logs("flood").setTailLines(1), "tail-5");
        long onDisk = 0;
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir("flood"))) {
            for (Path f : files.toList()) {
                onDisk += Files.size(f);
                assertTrue(Files.size(f) <= MIB, f + " is " + Files.size(f) + " bytes");
                names.add(f.getFileName().toString());
            }
        }
        assertTrue(onDisk <= 4L * MIB, onDisk + " bytes on disk");
        assertEquals(List.of("current.log", "current.log.1", "current.log.2"), names.stream().sorted().toList());
        assertEquals("tail-3\ntail-4\ntail-5\n", read(logs("flood").setTailLines(3)));
        assertEquals(List.of("0".repeat(98), "0".repeat(98), "tail-1", "tail-2", "tail-3", "tail-4", "tail-5"),
                read(logs("flood").setTailLines(7)).lines().toList());
        long kept = read(logs("flood")).lines().filter(l -> l.endsWith("0".repeat(98))).count();
        assertTrue(kept > 2L * MIB / 140 && kept < 3L * MIB / 130, kept + " lines of the flood kept: about three files' worth");
    }

    @Test
    @Order(2)
    void sinceAndTimestampsUseEachRecordsTime() throws Exception {
        Instant before = Instant.now().minusSeconds(120);
        String stamped = awaitLines(logs("timed").setTimestamps(true), "late").trim();
        List<String> lines = stamped.lines().toList();
        assertEquals(2, lines.size(), stamped);
        Instant early = Instant.parse(lines.get(0).split(" ")[0]);
        Instant late = Instant.parse(lines.get(1).split(" ")[0]);
        assertEquals("early", lines.get(0).split(" ", 2)[1]);
        assertTrue(early.isAfter(before) && late.isAfter(early.plusMillis(1500)) && !late.isAfter(Instant.now()), stamped);
        assertEquals("late\n", read(logs("timed").setSince(late.toString())));
        assertEquals("early\nlate\n", read(logs("timed").setSince(early.toString())));
        assertEquals("late\n", read(logs("timed").setStream("stderr")));
        assertEquals("early\n", read(logs("timed").setStream("stdout")));
    }

    @Test
    @Order(3)
    void previousShowsTheRunBeforeTheRestart() throws Exception {
        awaitLines(logs("twice"), "second-run");
        assertEquals("second-run\n", read(logs("twice")));
        assertEquals("first-run\n", read(logs("twice").setPrevious(true)));
    }

    @Test
    @Order(4)
    void followKeepsReadingAcrossRotations() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        StringBuilder followed = new StringBuilder();
        CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> call.run(() -> {
            try {
                Iterator<LogChunk> chunks = host.client().logs(logs("ticker").setFollow(true).build());
                while (chunks.hasNext()) {
                    String data = chunks.next().getData().toStringUtf8();
                    synchronized (followed) {
                        followed.append(data);
                    }
                }
            } catch (io.grpc.StatusRuntimeException cancelled) {
                // the end of the test cancels the call
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        Thread.sleep(500);   // the follower is reading (nothing yet) before the first line is written
        Files.writeString(work.resolve("trigger/go"), "");
        Eventually.value("tick-end followed", Duration.ofSeconds(60), () -> {
            synchronized (followed) {
                return followed.toString().contains("tick-end\n") ? true : null;
            }
        });
        call.cancel(null);
        follower.join();
        List<String> lines = followed.toString().lines().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 1200; i++) {
            expected.add("tick-" + i + "-" + "0".repeat(60));
        }
        expected.add("tick-end");
        assertEquals(expected, lines, "every line once, in order, across the rotations");
        try (Stream<Path> files = Files.list(logDir("ticker"))) {
            assertEquals(3, files.count(), "it rotated");
        }
    }

    @Test
    @Order(5)
    void logsOutliveAKukeondRestartAndGoWithTheirCell() throws Exception {
        Eventually.value("beat-3 in steady's log", Duration.ofSeconds(60),
                () -> read(logs("steady")).contains("beat-3\n") ? true : null);
        Path current = logDir("steady").resolve("current.log");
        host.stop();
        long sizeAtStop = Files.size(current);
        Eventually.value("the logger writes while kukeond is down", Duration.ofSeconds(10),
                () -> Files.size(current) > sizeAtStop + 100 ? true : null);
        host.start();
        // the cell's status lists its containers (and their logs) once they have reported after the restart
        List<String> beats = Eventually.value("steady's log after the restart", Duration.ofSeconds(30), () -> {
            try {
                return read(logs("steady")).lines().toList();
            } catch (io.grpc.StatusRuntimeException notYet) {
                return null;
            }
        });
        assertTrue(beats.size() > 8, beats.toString());
        for (int i = 0; i < beats.size(); i++) {
            assertEquals("beat-" + (i + 1), beats.get(i), "no line lost while kukeond was down");
        }

        host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath(CELL).build());
        Eventually.value("the cell's logs removed", Duration.ofSeconds(60),
                () -> Files.notExists(host.dataDir.resolve("logs/r")) ? true : null);
        assertFalse(Files.exists(host.dataDir.resolve("logs/r/s/t/chatty.log")));
    }
}
