package io.kukeon.daemon;

import io.kukeon.api.Docs;
import io.kukeon.testing.BulkManifests;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An apply is answered only once its events are on stable storage (issue 19, goal 6): kukeond's
 * system calls are traced with strace during an apply, and a sync of the journal file that ended
 * between the request and its answer must be among them. Needs strace (scripts/lib/prerequisites.sh
 * installs it); fails, never skips, without it.
 */
@Tag("strace")
class JournalSyncTraceTest {
    private static final String REALM = "traced";
    private static final String SPACE = "s";
    /** {@code PID SECONDS.MICROS fsync(FD</path>) = 0 <DURATION>}, or its {@code <unfinished ...>} half. */
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(\\d+\\.\\d+) (fsync|fdatasync)\\(\\d+<([^>]*)>\\)?(.*)$");
    /** {@code PID SECONDS.MICROS <... fsync resumed>) = 0 <DURATION>}: the end of a call another thread's line interrupted. */
    private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+(\\d+\\.\\d+) <\\.\\.\\. (fsync|fdatasync) resumed>.*= 0.*$");
    private static final Pattern DURATION = Pattern.compile("= 0 <(\\d+\\.\\d+)>\\s*$");

    @TempDir
    Path dataDir;

    /** A sync of {@code file} that succeeded and ended at {@code endedSeconds} (epoch). */
    record Sync(String file, double endedSeconds) {}

    @Test
    void anApplyIsAnsweredOnlyAfterTheJournalFileIsSynced() throws Exception {
        Path journalFile = dataDir.resolve("journal").resolve("kukeon.mv.db");
        try (DaemonProcess daemon = new DaemonProcess(dataDir)) {
            daemon.start();
            daemon.client().create(CreateRequest.newBuilder().setObject(Docs.realm(REALM)).build());
            daemon.client().create(CreateRequest.newBuilder().setObject(Docs.space(REALM + "/" + SPACE)).build());
            Path out = dataDir.resolve("strace.out");
            Process strace = attach(daemon.pid(), out);
            double sent;
            double answered;
            try {
                sent = now();
                for (ApplyResult r : daemon.client().apply(BulkManifests.stacks(REALM, SPACE, 0, 1)).getResultsList()) {
                    assertEquals("created", r.getOutcome(), r.toString());
                }
                answered = now();
            } finally {
                strace.destroy();   // SIGTERM: strace detaches and leaves kukeond running
                assertTrue(strace.waitFor(30, TimeUnit.SECONDS), "strace did not stop");
            }
            List<Sync> syncs = syncs(Files.readAllLines(out));
            assertTrue(syncs.stream().anyMatch(s -> s.file().equals(journalFile.toString())
                            && s.endedSeconds() >= sent && s.endedSeconds() <= answered),
                    "a sync of " + journalFile + " ended between the apply (" + sent + ") and its answer (" + answered
                            + "); syncs traced: " + syncs);
        }
    }

    private static double now() {
        Instant t = Instant.now();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /**
     * strace on every thread of {@code pid} (and those it starts), the fd's path and the call's
     * duration on each line; returns once every thread is traced.
     */
    private static Process attach(long pid, Path out) throws IOException, InterruptedException {
        Process strace = new ProcessBuilder("strace", "-f", "-ttt", "-T", "-y", "-e", "trace=fsync,fdatasync",
                "-o", out.toString(), "-p", Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(out.resolveSibling("strace.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!everyThreadTracedBy(pid, strace.pid())) {
            if (!strace.isAlive()) {
                throw new IllegalStateException("strace exited with " + strace.exitValue() + ": "
                        + Files.readString(out.resolveSibling("strace.log")));
            }
            if (Instant.now().isAfter(deadline)) {
                strace.destroy();
                throw new IllegalStateException("strace did not attach to every thread of " + pid + " within 30 s");
            }
            Thread.sleep(20);
        }
        return strace;
    }

    /** Whether /proc says every thread of {@code pid} has {@code tracer} as its tracer. */
    private static boolean everyThreadTracedBy(long pid, long tracer) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String tracerLine = Files.readAllLines(task.resolve("status")).stream()
                            .filter(l -> l.startsWith("TracerPid:")).findFirst().orElse("TracerPid:\t0");
                    if (Long.parseLong(tracerLine.substring("TracerPid:".length()).trim()) != tracer) {
                        return false;
                    }
                } catch (java.nio.file.NoSuchFileException threadEnded) {
                    // a thread that ended meanwhile needs no tracer
                }
            }
        }
        return true;
    }

    /** The successful syncs in strace's output, with their file and when they ended. */
    static List<Sync> syncs(List<String> lines) {
        Map<String, String> unfinished = new HashMap<>();   // thread -> file of its interrupted call
        List<Sync> syncs = new ArrayList<>();
        for (String line : lines) {
            Matcher call = CALL.matcher(line);
            Matcher resumed = RESUMED.matcher(line);
            if (call.matches()) {
                if (call.group(5).contains("<unfinished ...>")) {
                    unfinished.put(call.group(1), call.group(4));
                    continue;
                }
                Matcher took = DURATION.matcher(call.group(5));
                if (took.find()) {
                    syncs.add(new Sync(call.group(4), Double.parseDouble(call.group(2)) + Double.parseDouble(took.group(1))));
                }
            } else if (resumed.matches() && unfinished.containsKey(resumed.group(1))) {
                syncs.add(new Sync(unfinished.remove(resumed.group(1)), Double.parseDouble(resumed.group(2))));
            }
        }
        return syncs;
    }
}
