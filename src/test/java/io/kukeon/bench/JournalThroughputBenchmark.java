package io.kukeon.bench;

import com.typesafe.config.ConfigFactory;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.JournalSchema;
import io.kukeon.daemon.JournalSettings;
import io.kukeon.supervisor.JournalTags;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.testing.PrivatePostgres;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Durable journal writes per second and their latency, with 1 and with 100 concurrent writers, on
 * the H2 file and on a database of the private PostgreSQL server, in one run. A writer is a real
 * persistent actor that persists a real event of the tree ({@code container.TaskStarted}, tagged
 * as the tree tags its events, through {@code JournalSerializer}), one at a time: a write counts
 * once the journal has it and the actor was told so. The actor system has kukeond's settings,
 * read by {@link DaemonConfig} as kukeond reads them (journal plugin, DAO, pool of 5), the schema
 * made as kukeond makes it. Beside each: pekko-persistence-jdbc's default DAO (what kukeond's
 * {@code DirectJournalDao} replaced), and the raw baseline: the same rows inserted and committed
 * with plain JDBC on a pool of as many connections, one transaction per event (on H2 also with a
 * sync of the file after each commit). H2 is measured synced at commit (the default) and left to the
 * OS ({@code journal.sync = os}).
 *
 * <p>Run by scripts/bench-journal.sh in a JVM with kukeond's options ({@link #main}; args: seconds
 * measured per case, default 5, after 2 s of warm-up; {@code -Dkukeon.postgres.url}); as a test:
 * {@code -Dtest=JournalThroughputBenchmark -Dsurefire.excludedGroups= -Dkukeon.postgres.url=...}.
 */
@Tag("bench")
class JournalThroughputBenchmark {
    private static final List<Integer> WRITERS = List.of(1, 100);
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final String DEFAULT_DAO = "org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao";
    // quoted lower-case names, as the journal's DAO writes them (H2 folds unquoted names to upper case)
    private static final String INSERT_EVENT = "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\", "
            + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TAG = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)";

    @TempDir
    Path dataDir;

    record Write(ActorRef<Long> replyTo) {}

    /** A writer: persists a TaskStarted per command, answers once it is in the journal. */
    static final class Writer extends EventSourcedBehavior<Write, ContainerEvent, Long> {
        Writer(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public Long emptyState() {
            return 0L;
        }

        @Override
        public CommandHandler<Write, ContainerEvent, Long> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Write.class, (state, w) -> Effect().persist(new ContainerEvent.TaskStarted((int) (state + 1), Instant.now()))
                            .thenRun(s -> w.replyTo().tell(s)))
                    .build();
        }

        @Override
        public EventHandler<Long, ContainerEvent> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
        }

        @Override
        public Set<String> tagsFor(ContainerEvent event) {
            return JournalTags.ALL;
        }
    }

    /** What one case measured: events acknowledged in the measured window, and each one's latency. */
    record Result(long events, double seconds, List<Long> latencies) {
        double perSecond() {
            return events / seconds;
        }

        double percentile(int p) {
            List<Long> sorted = latencies.stream().sorted().toList();
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
        }
    }

    @Test
    void durableWritesOnH2AndPostgres() throws Exception {
        run(dataDir, Duration.ofSeconds(Integer.getInteger("kukeon.bench.seconds", 5)));
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("kukeon-journal-bench");
        try {
            run(dataDir, Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 5));
        } finally {
            io.kukeon.testing.TempDirs.deleteRecursively(dataDir);
        }
    }

    private static void run(Path dataDir, Duration measured) throws Exception {
        Map<String, Map<String, String>> stores = new java.util.LinkedHashMap<>();
        stores.put("H2", Map.of());   // journal.sync = commit, the default: fsynced before the answer
        stores.put("H2 os", Map.of("journal.sync", "os"));   // written to the page cache only, as before
        stores.put("PostgreSQL", PrivatePostgres.newDaemonJournal("bench"));
        List<String> table = new ArrayList<>();
        table.add(String.format("%-11s %-8s %-26s %12s %9s %9s", "store", "writers", "path", "events/s", "p50 ms", "p99 ms"));
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        for (var store : stores.entrySet()) {
            Map<String, String> flags = new HashMap<>(store.getValue());
            flags.put("data-dir", dataDir.resolve(store.getKey().replace(' ', '-')).toString());
            DaemonConfig config = DaemonConfig.load(flags, null, Map.of());
            JournalSchema.apply(config.journal());
            boolean alsoBaselines = !store.getKey().equals("H2 os");   // its default DAO and raw rows are H2's
            for (String dao : alsoBaselines ? List.of("kukeond", "default DAO") : List.of("kukeond")) {
                var pekko = dao.equals("kukeond") ? config.pekko()
                        : ConfigFactory.parseMap(Map.of("jdbc-journal.dao", DEFAULT_DAO)).withFallback(config.pekko());
                ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "journal-bench", pekko);
                try {
                    for (int writers : WRITERS) {
                        String prefix = "bench-" + (dao.equals("kukeond") ? "direct" : "default") + "-" + writers + "-";
                        AtomicLong acknowledged = new AtomicLong();
                        Result r = throughActors(system, prefix, writers, measured, acknowledged);
                        table.add(row(store.getKey(), writers, dao.equals("kukeond") ? "kukeond's journal" : "journal, default DAO", r));
                        assertEquals(acknowledged.get(), rows(config.journal(), prefix), "every acknowledged event is a row of " + store.getKey());
                    }
                    if (dao.equals("kukeond") && alsoBaselines) {
                        Payload payload = payload(system);
                        for (int writers : WRITERS) {
                            table.add(row(store.getKey(), writers, "raw JDBC (baseline)", rawInserts(config.journal(), payload, writers, measured, false)));
                        }
                        if (config.journal().kind() == JournalSettings.Kind.H2) {   // PostgreSQL's commit already syncs
                            for (int writers : WRITERS) {
                                table.add(row(store.getKey(), writers, "raw JDBC + sync (baseline)",
                                        rawInserts(config.journal(), payload, writers, measured, true)));
                            }
                        }
                    }
                } finally {
                    system.terminate();
                    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            }
        }
        System.out.println("journal throughput, " + measured.toSeconds() + " s measured per case after " + WARM_UP.toSeconds()
                + " s warm-up; " + Runtime.getRuntime().availableProcessors() + " CPUs; load before " + loadBefore + ", after "
                + Files.readString(Path.of("/proc/loadavg")).trim());
        table.forEach(System.out::println);
    }

    private static String row(String store, int writers, String path, Result r) {
        return String.format("%-11s %-8d %-26s %12.0f %9.2f %9.2f", store, writers, path, r.perSecond(), r.percentile(50), r.percentile(99));
    }

    /**
     * {@code writers} persistent actors, each persisting one event after the other until the window
     * ends; the window opens once every writer has recovered and written its first event, and the
     * warm-up has passed.
     */
    private static Result throughActors(ActorSystem<Void> system, String prefix, int writers, Duration measured,
                                        AtomicLong acknowledged) throws Exception {
        List<ActorRef<Write>> refs = new ArrayList<>();
        List<CompletableFuture<Long>> first = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            ActorRef<Write> writer = system.systemActorOf(new Writer(prefix + i), prefix + i, Props.empty());
            refs.add(writer);
            first.add(AskPattern.<Write, Long>ask(writer, Write::new, ASK_TIMEOUT, system.scheduler()).toCompletableFuture());
        }
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(ASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        acknowledged.addAndGet(writers);
        long measureFrom = System.nanoTime() + WARM_UP.toNanos();
        long end = measureFrom + measured.toNanos();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (ActorRef<Write> writer : refs) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            writeNext(system, writer, measureFrom, end, latencies, acknowledged, done);
            loops.add(done);
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(end - System.nanoTime() + ASK_TIMEOUT.toNanos() * 2,
                TimeUnit.NANOSECONDS);
        return new Result(latencies.size(), measured.toNanos() / 1e9, List.copyOf(latencies));
    }

    private static void writeNext(ActorSystem<Void> system, ActorRef<Write> writer, long measureFrom, long end,
                                  ConcurrentLinkedQueue<Long> latencies, AtomicLong acknowledged, CompletableFuture<Void> done) {
        long started = System.nanoTime();
        if (started >= end) {
            done.complete(null);
            return;
        }
        AskPattern.<Write, Long>ask(writer, Write::new, ASK_TIMEOUT, system.scheduler()).whenComplete((n, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
                return;
            }
            acknowledged.incrementAndGet();
            if (started >= measureFrom) {
                latencies.add(System.nanoTime() - started);
            }
            writeNext(system, writer, measureFrom, end, latencies, acknowledged, done);
        });
    }

    /** The writers' event as JournalSerializer writes it: its bytes and manifest. */
    record Payload(byte[] bytes, String manifest) {}

    private static Payload payload(ActorSystem<Void> system) {
        ContainerEvent event = new ContainerEvent.TaskStarted(1, Instant.now());
        Serialization serialization = SerializationExtension.get(system.classicSystem());
        Serializer serializer = serialization.findSerializerFor(event);
        return new Payload(serializer.toBinary(event), Serializers.manifestFor(serializer, event));
    }

    /**
     * The raw baseline: {@code writers} threads, each inserting an event row and its tag and committing,
     * one event at a time, on connections of a pool as large as the journal's; with {@code sync}, H2's
     * file is synced after each commit ({@code CHECKPOINT SYNC}): durable, without group commit.
     */
    private static Result rawInserts(JournalSettings journal, Payload payload, int writers, Duration measured, boolean sync)
            throws Exception {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(journal.poolSize());
        for (int i = 0; i < journal.poolSize(); i++) {
            Connection c = journal.connect();
            c.setAutoCommit(false);
            pool.add(c);
        }
        long measureFrom = System.nanoTime() + WARM_UP.toNanos();
        long end = measureFrom + measured.toNanos();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try {
            for (int w = 0; w < writers; w++) {
                String persistenceId = (sync ? "bench-raw-sync-" : "bench-raw-") + writers + "-" + w;
                Thread t = new Thread(() -> {
                    try {
                        for (long seq = 1; ; seq++) {
                            long started = System.nanoTime();
                            if (started >= end) {
                                return;
                            }
                            Connection c = pool.take();
                            try {
                                insert(c, persistenceId, seq, payload);
                                if (sync) {
                                    try (var s = c.createStatement()) {
                                        s.execute("CHECKPOINT SYNC");
                                    }
                                }
                            } finally {
                                pool.add(c);
                            }
                            if (started >= measureFrom) {
                                latencies.add(System.nanoTime() - started);
                            }
                        }
                    } catch (SQLException | InterruptedException | RuntimeException e) {
                        failures.add(e);
                    }
                }, "raw-writer-" + w);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + ASK_TIMEOUT.toMillis()));
            }
            if (threads.stream().anyMatch(Thread::isAlive)) {
                throw new IllegalStateException("raw writers still writing " + ASK_TIMEOUT.toSeconds() + " s after the window");
            }
        } finally {
            for (Connection c : pool) {
                c.close();
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("raw inserts failed", failures.peek());
        }
        return new Result(latencies.size(), measured.toNanos() / 1e9, List.copyOf(latencies));
    }

    private static void insert(Connection c, String persistenceId, long seq, Payload payload) throws SQLException {
        try (PreparedStatement event = c.prepareStatement(INSERT_EVENT, new String[] {"ordering"});
             PreparedStatement tag = c.prepareStatement(INSERT_TAG)) {
            event.setBoolean(1, false);
            event.setString(2, persistenceId);
            event.setLong(3, seq);
            event.setString(4, "raw");
            event.setLong(5, System.currentTimeMillis());
            event.setString(6, "");
            event.setBytes(7, payload.bytes());
            event.setInt(8, io.kukeon.supervisor.journal.JournalSerializer.IDENTIFIER);
            event.setString(9, payload.manifest());
            event.executeUpdate();
            try (ResultSet keys = event.getGeneratedKeys()) {
                keys.next();
                tag.setLong(1, keys.getLong(1));
            }
            tag.setString(2, JournalTags.EVENTS);
            tag.executeUpdate();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    private static long rows(JournalSettings journal, String persistenceIdPrefix) throws SQLException {
        try (Connection c = journal.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?")) {
            s.setString(1, persistenceIdPrefix + "%");
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
