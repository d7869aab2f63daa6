package io.kukeon.api;

import io.kukeon.api.JournalPages.StoredEvent;
import io.kukeon.daemon.JournalStore;
import io.kukeon.supervisor.JournalTags;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.WatchRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal read in pages by offset gives what the read journal's events-by-tag query gives, in
 * the same order, from any offset and across page ends; a Watch that goes on live has its history
 * from the pages and then what is written after it began, each event once. On H2 here; on
 * PostgreSQL in {@code PostgresJournalPagesTest}.
 */
class JournalPagesTest {
    @TempDir
    Path dataDir;

    /** kukeond's flags for the journal under test (none: H2 in the data dir). */
    Map<String, String> journalFlags() {
        return Map.of();
    }

    @Test
    void pagesGiveTheSameEventsInTheSameOrderAsTheReadJournal() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, journalFlags())) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "p/s/t");
            Docs.createStack(api, "p/s2/t");
            api.delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Stack").setPath("p/s2/t").build());
            ActorSystem<?> system = daemon.daemon().system();
            JournalStore store = JournalStore.get(system.classicSystem());
            // rows the plugin marks deleted (older releases' deletes) are left out by both
            try (Connection c = store.connection();
                 PreparedStatement s = c.prepareStatement("UPDATE \"event_journal\" SET \"deleted\" = TRUE WHERE \"persistence_id\" = ?")) {
                s.setString(1, "Stack|p/s2/t");
                assertTrue(s.executeUpdate() > 0, "the deleted stack has events");
            }
            Serialization serialization = SerializationExtension.get(system.classicSystem());
            JournalPages pages = new JournalPages(store, serialization, ForkJoinPool.commonPool(), 4);
            JdbcReadJournal readJournal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
            JournalQueries queries = new JournalQueries(system, daemon.daemon().index(), store, new RetentionPolicy(java.time.Duration.ZERO, 100), ForkJoinPool.commonPool());
            long last = queries.lastOffset();

            for (long from : new long[] {0, 1, 5, last - 3, last}) {
                List<String> paged = pages.between(from, last).map(e -> key(serialization, e)).runWith(Sink.seq(), system)
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                List<String> tagged = readJournal.currentEventsByTag(JournalTags.EVENTS, Offset.sequence(from))
                        .map(e -> key(serialization, JournalQueries.stored(e))).runWith(Sink.seq(), system)
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertEquals(tagged, paged, "from offset " + from);
                if (from == 0) {
                    assertTrue(paged.size() > 12, "several pages: " + paged.size());
                    assertFalse(String.join("\n", paged).contains("Stack|p/s2/t"), "the rows marked deleted are left out");
                }
            }
        }
    }

    @Test
    void aLiveWatchGivesItsHistoryThenWhatComesAfterEachEventOnce() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, journalFlags())) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            Docs.createStack(api, "w/s/t");
            List<Event> history = new ArrayList<>();
            api.watch(WatchRequest.newBuilder().setUntilNow(true).build()).forEachRemaining(history::add);

            Iterator<Event> live = api.withDeadlineAfter(30, TimeUnit.SECONDS).watch(WatchRequest.newBuilder().build());
            List<Event> seen = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                seen.add(live.next());
            }
            assertEquals(history, seen, "the history, as an until-now Watch gives it");
            Docs.createStack(api, "w/s2/t");
            api.delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Stack").setPath("w/s2/t").build());
            while (seen.stream().noneMatch(e -> e.getPath().equals("w/s2/t") && e.getType().contains("Deleted"))) {
                seen.add(live.next());
            }
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).getOffset() > seen.get(i - 1).getOffset(), "in order, each once: " + seen);
            }
        }
    }

    /** Everything a Watch's event is made of, the event as its serialized bytes (records holding arrays do not compare). */
    private static String key(Serialization serialization, StoredEvent e) {
        byte[] bytes = serialization.serialize(e.event()).get();
        return e.offset() + " " + e.persistenceId() + " #" + e.sequenceNr() + " " + e.timestamp() + " "
                + e.event().getClass().getName() + " " + Base64.getEncoder().encodeToString(bytes);
    }
}
