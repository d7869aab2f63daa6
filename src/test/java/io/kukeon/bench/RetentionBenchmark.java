package io.kukeon.bench;

import io.kukeon.api.Docs;
import io.kukeon.api.RetentionPolicy;
import io.kukeon.daemon.H2Compaction;
import io.kukeon.daemon.JournalRetention;
import io.kukeon.daemon.JournalSettings;
import io.kukeon.model.RestartPolicy;
import io.kukeon.testing.Specs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.WatchRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * A journal with a million events of history (H2, kukeond's schema and settings, on the fake
 * runtime): how long kukeond takes to start and answer, and {@code kuke events --since 10m} (a
 * Watch with {@code since}, through the index by time), beside the same on a journal with no
 * history (the baseline) and the whole-journal Watch that {@code --since} was before (filtered in
 * kuke). Then the retention sweep over it (each object's events 60 to 30 days old, covered by a
 * snapshot): its time, the rows and the file's size before and after, and the start again.
 *
 * <p>The history is objects of 1,000 events each, copies of a real event kukeond wrote
 * (a container's), tagged as kukeond tags them; written straight into the table before the
 * recent events (offsets grow with time).
 * Run by scripts/bench-retention.sh; args: events (default 1,000,000).
 */
public final class RetentionBenchmark {
    /** Events per object of the history: a long-lived object's, of which the sweep keeps the last 100. */
    private static final int PER_OBJECT = 1_000;

    private RetentionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("kukeon-bench-retention");
        try {
            Path empty = dir.resolve("empty");
            seed(empty);
            report("no history", empty);

            // the history first, then the recent events: offsets grow with time, as in a journal that grew over months
            Path full = dir.resolve("full");
            TestDaemon.start(full).close();
            long started = System.nanoTime();
            history(empty, full, events);
            System.out.printf("wrote %,d events of history in %.1f s%n", events, seconds(started));
            seed(full);
            report(String.format("%,d events of history", events), full);

            JournalSettings journal = JournalSettings.h2(full.resolve("journal").resolve("kukeon"), 1);
            long rowsBefore = rows(journal);
            long sizeBefore = Files.size(full.resolve("journal").resolve("kukeon.mv.db"));
            started = System.nanoTime();
            JournalRetention.Sweep sweep = new JournalRetention(journal::connect, new RetentionPolicy(Duration.ofDays(30), 100),
                    Clock.systemUTC(), new H2Compaction(journal::connect)).sweep();
            System.out.printf("sweep: %.1f s, %,d events and %,d snapshots deleted; rows %,d -> %,d; file %,d -> %,d bytes%n",
                    seconds(started), sweep.eventsDeleted(), sweep.snapshotsDeleted(), rowsBefore, rows(journal), sizeBefore,
                    Files.size(full.resolve("journal").resolve("kukeon.mv.db")));
            report("after the sweep", full);
        } finally {
            io.kukeon.testing.TempDirs.deleteRecursively(dir);
        }
    }

    /** A few real objects, their events written by kukeond a moment ago (what --since 10m finds). */
    private static void seed(Path dataDir) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            Docs.createStack(daemon.client(), "bench/s/t");
            for (int i = 0; i < 10; i++) {
                daemon.client().create(CreateRequest.newBuilder().setObject(Docs.cell("bench/s/t/c" + i, Map.of(),
                        Specs.container("app").args("sleep").restart(RestartPolicy.ALWAYS).build())).build());
                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/c" + i).build());
            }
        }
    }

    /** Starts kukeond on the data dir (three times, the median), then times {@code events --since 10m} and the whole Watch. */
    private static void report(String label, Path dataDir) throws Exception {
        double[] starts = new double[3];
        double firstStart = 0;
        for (int i = 0; i < starts.length; i++) {
            long started = System.nanoTime();
            try (TestDaemon daemon = TestDaemon.start(dataDir)) {
                daemon.client().list(ListRequest.newBuilder().setKind("Cell").build());
                starts[i] = seconds(started);
                if (i == 0) {
                    firstStart = starts[0];
                }
                if (i < starts.length - 1) {
                    continue;
                }
                WatchRequest.Builder watch = WatchRequest.newBuilder().setUntilNow(true);
                String since = Instant.now().minus(Duration.ofMinutes(10)).toString();
                // the first Watch right after the start (the daemon still recovering, its code cold), then 3 more
                double[] sinceSeconds = new double[4];
                long recent = 0;
                for (int w = 0; w < sinceSeconds.length; w++) {
                    long t = System.nanoTime();
                    recent = count(daemon.client(), watch.clone().setSince(since).build());
                    sinceSeconds[w] = seconds(t);
                }
                long t = System.nanoTime();
                long all = count(daemon.client(), watch.build());
                double allSeconds = seconds(t);
                java.util.Arrays.sort(starts);
                java.util.Arrays.sort(sinceSeconds, 1, sinceSeconds.length);
                System.out.printf("%s: start to first answer %.2f s (median of 3, the first %.2f s); events --since 10m: %d events "
                        + "in %.3f s the first time, %.3f s (median of the next 3); the whole journal's Watch: %,d events in %.2f s%n",
                        label, starts[1], firstStart, recent, sinceSeconds[0], sinceSeconds[2], all, allSeconds);
            }
        }
    }

    /** The events of the Watch; at most {@link #WATCH_LIMIT} of waiting (the count then is "at least"). */
    private static long count(io.kukeon.wire.v1.KukeonGrpc.KukeonBlockingStub api, WatchRequest request) {
        Iterator<Event> events = api.withDeadlineAfter(WATCH_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).watch(request);
        long n = 0;
        try {
            while (events.hasNext()) {
                events.next();
                n++;
            }
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                throw e;
            }
            System.out.printf("(the Watch was cut at %d s)%n", WATCH_LIMIT.toSeconds());
        }
        return n;
    }

    private static final Duration WATCH_LIMIT = Duration.ofSeconds(120);

    /**
     * {@code events} copies of a container's newest event in {@code source} (a restart's or a status change's, what a
     * long history is made of): objects of {@link #PER_OBJECT}, each 60 to 30 days old, a snapshot at
     * its last. Each object's rows are made by H2 itself from one statement (a copy per number of a
     * range), its tags by a second, one transaction each: well-formed rows as kukeond writes them,
     * without a JDBC round trip a row.
     */
    private static void history(Path source, Path dataDir, int events) throws Exception {
        JournalSettings journal = JournalSettings.h2(dataDir.resolve("journal").resolve("kukeon"), 1);
        try (Connection c = journal.connect(); Connection real = JournalSettings.h2(source.resolve("journal").resolve("kukeon"), 1).connect()) {
            byte[] payload;
            int serId;
            String manifest;
            byte[] snapshot;
            String snapshotManifest;
            int snapshotSerId;
            try (var s = real.createStatement();
                 ResultSet r = s.executeQuery("SELECT \"event_payload\", \"event_ser_id\", \"event_ser_manifest\" FROM \"event_journal\" "
                         + "WHERE \"persistence_id\" LIKE 'Container|%' ORDER BY \"ordering\" DESC LIMIT 1")) {
                r.next();
                payload = r.getBytes(1);
                serId = r.getInt(2);
                manifest = r.getString(3);
            }
            System.out.printf("history: copies of %s (%d bytes)%n", manifest, payload.length);
            try (var s = real.createStatement();
                 ResultSet r = s.executeQuery("SELECT \"snapshot_payload\", \"snapshot_ser_id\", \"snapshot_ser_manifest\" FROM \"snapshot\" LIMIT 1")) {
                boolean any = r.next();
                snapshot = any ? r.getBytes(1) : new byte[0];
                snapshotSerId = any ? r.getInt(2) : serId;
                snapshotManifest = any ? r.getString(3) : manifest;
            }
            c.setAutoCommit(false);
            long now = System.currentTimeMillis();
            long span = Duration.ofDays(30).toMillis();
            // object o's events from 60 days ago onwards (sequence number X), the last of them 30 days and a bit old
            try (PreparedStatement event = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", "
                    + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
                    + "SELECT ?, X, 'bench', ? + X * ?, '', ?, ?, ? FROM SYSTEM_RANGE(1, " + PER_OBJECT + ")");
                 PreparedStatement tag = c.prepareStatement("INSERT INTO \"event_tag\" SELECT \"ordering\", ? FROM \"event_journal\" "
                         + "WHERE \"persistence_id\" = ?");
                 PreparedStatement snap = c.prepareStatement("INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", "
                         + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\") VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int o = 0; o < events / PER_OBJECT; o++) {
                    String id = "Container|history/s/t/c" + o + "/app";
                    event.setString(1, id);
                    event.setLong(2, now - 2 * span - o);
                    event.setLong(3, span / PER_OBJECT);
                    event.setBytes(4, payload);
                    event.setInt(5, serId);
                    event.setString(6, manifest);
                    event.executeUpdate();
                    tag.setString(1, io.kukeon.supervisor.JournalTags.EVENTS);
                    tag.setString(2, id);
                    tag.executeUpdate();
                    snap.setString(1, id);
                    snap.setLong(2, PER_OBJECT);
                    snap.setLong(3, now - span);
                    snap.setInt(4, snapshotSerId);
                    snap.setString(5, snapshotManifest);
                    snap.setBytes(6, snapshot);
                    snap.executeUpdate();
                    c.commit();
                }
            }
        }
    }

    private static long rows(JournalSettings journal) throws Exception {
        try (Connection c = journal.connect(); var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
