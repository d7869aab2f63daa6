package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.testing.JacksonCbor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The daemon's journal write path: what it writes, recovery and the read journal find as the default DAO's rows. */
@ExtendWith(LogCapturingExtension.class)
class DirectJournalDaoTest {

    record Append(List<String> words, ActorRef<List<String>> replyTo) implements JacksonCbor {}

    record Appended(String word) implements JacksonCbor {}

    /** Keeps the words it was told; each batch of words is one atomic write. */
    static final class Words extends EventSourcedBehavior<Append, Appended, List<String>> {
        Words(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public List<String> emptyState() {
            return List.of();
        }

        @Override
        public CommandHandler<Append, Appended, List<String>> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (state, a) -> Effect()
                            .persist(a.words().stream().map(Appended::new).toList())
                            .thenRun(s -> a.replyTo().tell(s)))
                    .build();
        }

        @Override
        public EventHandler<List<String>, Appended> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onEvent(Appended.class, (s, e) -> {
                List<String> next = new ArrayList<>(s);
                next.add(e.word());
                return next;
            }).build();
        }

        @Override
        public Set<String> tagsFor(Appended event) {
            return event.word().startsWith("b") ? Set.of("words", "b-words") : Set.of("words");
        }
    }

    record Kept(List<String> words) implements JacksonCbor {}

    /** {@link Words} whose state can be snapshotted, as it is once, at the given sequence number. */
    static final class SnapshottedWords extends EventSourcedBehavior<Append, Appended, Kept> {
        private final long snapshotAt;

        SnapshottedWords(String id, long snapshotAt) {
            super(PersistenceId.ofUniqueId(id));
            this.snapshotAt = snapshotAt;
        }

        @Override
        public Kept emptyState() {
            return new Kept(List.of());
        }

        @Override
        public CommandHandler<Append, Appended, Kept> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (state, a) -> Effect()
                            .persist(a.words().stream().map(Appended::new).toList())
                            .thenRun(s -> a.replyTo().tell(s.words())))
                    .build();
        }

        @Override
        public EventHandler<Kept, Appended> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onEvent(Appended.class, (s, e) -> {
                List<String> next = new ArrayList<>(s.words());
                next.add(e.word());
                return new Kept(next);
            }).build();
        }

        @Override
        public boolean shouldSnapshot(Kept state, Appended event, long sequenceNr) {
            return sequenceNr == snapshotAt;
        }
    }

    /** The store under test: H2 here, PostgreSQL in {@link PostgresDirectJournalDaoTest}. */
    JournalSettings journal(Path dir) {
        return JournalSettings.h2(dir.resolve("kukeon"), 5);
    }

    /** The daemon's journal settings on {@code store}, with {@code overrides} first. */
    private static Config config(JournalSettings store, String overrides) {
        Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseMap(store.pekkoSettings()))
                .withFallback(ConfigFactory.parseFile(Path.of("conf/application.conf").toFile()))
                .withFallback(ConfigFactory.load()).resolve();
        assertEquals(DirectSnapshotDao.class.getName(), config.getString("jdbc-snapshot-store.dao"));
        return config;
    }

    private static void execute(JournalSettings store, String sql) throws Exception {
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /**
     * A recovery as the daemon makes it: the newest snapshot, then the events after it in batches
     * (2 here), a deleted row skipped yet counted, and the next event numbered after it. The events
     * the snapshot covers are gone from the table: only a recovery that read the snapshot has them.
     */
    @Test
    void aRecoveryReadsItsSnapshotThenItsEventsInBatches(@TempDir Path dir) throws Exception {
        JournalSettings store = journal(dir);
        JournalSchema.apply(store);
        Config config = config(store, "jdbc-journal.replayBatchSize = 2");
        List<String> written = List.of("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9");
        ActorTestKit kit = ActorTestKit.create("journal", config);
        try {
            TestProbe<List<String>> probe = kit.createTestProbe();
            ActorRef<Append> words = kit.spawn(new SnapshottedWords("Words|s", 3));
            for (String word : written) {
                words.tell(new Append(List.of(word), probe.ref()));
                probe.receiveMessage();
            }
            kit.stop(words);
            execute(store, "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = 'Words|s' AND \"sequence_number\" <= 3");
            execute(store, "UPDATE \"event_journal\" SET \"deleted\" = TRUE "
                    + "WHERE \"persistence_id\" = 'Words|s' AND \"sequence_number\" = 9");

            ActorRef<Append> again = kit.spawn(new SnapshottedWords("Words|s", 3));
            again.tell(new Append(List.of("w10"), probe.ref()));
            assertEquals(List.of("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w10"), probe.receiveMessage(),
                    "the snapshot's words, the events after it but the deleted one, then the new one");
        } finally {
            kit.shutdownTestKit();
        }
        try (Connection c = store.connect();
             ResultSet newest = c.createStatement().executeQuery("SELECT MAX(\"sequence_number\") FROM \"event_journal\" "
                     + "WHERE \"persistence_id\" = 'Words|s'")) {
            newest.next();
            assertEquals(10, newest.getLong(1), "numbered after the deleted row, which still holds its number");
        }
    }

    /** An event that can no longer be decoded fails its object's recovery: it is not skipped. */
    @Test
    void anEventThatCannotBeDecodedFailsTheRecovery(@TempDir Path dir) throws Exception {
        JournalSettings store = journal(dir);
        JournalSchema.apply(store);
        ActorTestKit kit = ActorTestKit.create("journal", config(store, ""));
        try {
            TestProbe<List<String>> probe = kit.createTestProbe();
            ActorRef<Append> words = kit.spawn(new Words("Words|d"));
            words.tell(new Append(List.of("one", "two"), probe.ref()));
            probe.receiveMessage();
            kit.stop(words);
            execute(store, "UPDATE \"event_journal\" SET \"event_ser_id\" = 987654 "
                    + "WHERE \"persistence_id\" = 'Words|d' AND \"sequence_number\" = 2");

            ActorRef<Append> again = kit.spawn(new Words("Words|d"));
            again.tell(new Append(List.of("three"), probe.ref()));
            probe.expectTerminated(again, java.time.Duration.ofSeconds(10));
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void writtenEventsAreRecoveredAndFoundByTagAndByPersistenceId(@TempDir Path dir) throws Exception {
        JournalSettings store = journal(dir);
        JournalSchema.apply(store);
        Config config = ConfigFactory.parseMap(store.pekkoSettings())
                .withFallback(ConfigFactory.parseFile(Path.of("conf/application.conf").toFile()))
                .withFallback(ConfigFactory.load()).resolve();
        assertEquals(DirectJournalDao.class.getName(), config.getString("jdbc-journal.dao"));
        ActorTestKit kit = ActorTestKit.create("journal", config);
        try {
            TestProbe<List<String>> probe = kit.createTestProbe();
            ActorRef<Append> words = kit.spawn(new Words("Words|a"));
            words.tell(new Append(List.of("alpha", "beta"), probe.ref()));
            assertEquals(List.of("alpha", "beta"), probe.receiveMessage());
            words.tell(new Append(List.of("bravo"), probe.ref()));
            assertEquals(List.of("alpha", "beta", "bravo"), probe.receiveMessage());
            kit.stop(words);

            ActorRef<Append> again = kit.spawn(new Words("Words|a"));
            again.tell(new Append(List.of("charlie"), probe.ref()));
            assertEquals(List.of("alpha", "beta", "bravo", "charlie"), probe.receiveMessage());

            JdbcReadJournal journal = PersistenceQuery.get(kit.system())
                    .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
            List<EventEnvelope> byId = journal.currentEventsByPersistenceId("Words|a", 0, Long.MAX_VALUE)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1L, 2L, 3L, 4L), byId.stream().map(EventEnvelope::sequenceNr).toList());
            List<EventEnvelope> bWords = journal.currentEventsByTag("b-words", Offset.noOffset())
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(new Appended("beta"), new Appended("bravo")),
                    bWords.stream().map(EventEnvelope::event).toList());
        } finally {
            kit.shutdownTestKit();
        }
        try (Connection c = store.connect();
             ResultSet tags = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM \"event_tag\" t JOIN \"event_journal\" j ON t.\"event_id\" = j.\"ordering\"")) {
            tags.next();
            assertEquals(6, tags.getInt(1), "one row per tag of each event, each pointing at its event");
        }
    }
}
