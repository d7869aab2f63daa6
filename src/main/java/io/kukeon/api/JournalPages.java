package io.kukeon.api;

import io.kukeon.model.UnavailableException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.javadsl.Source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The journal's events of a range of offsets, read straight from {@code event_journal} a page at a
 * time through its unique index on {@code ordering}: what a Watch reads up to now. The read
 * journal's events-by-tag query joins {@code event_tag} and, after a start, first waits for its
 * sequence actor to have walked the journal's offsets ({@code kuke events --since} timed out
 * through it at 100,000 events); neither is needed for events already written. The tag is not
 * read: every event every release wrote carries the one tag ({@code JournalTags.EVENTS}). Payloads
 * are deserialized as the plugin does, by their serializer id and manifest; rows marked deleted
 * are left out as it leaves them out.
 *
 * <p>Bounded: a page holds at most {@link #PAGE_ROWS} rows, read only when the stream asks for more
 * (the gRPC stream's flow control), each in at most {@link #PAGE_TIMEOUT}; the range's end is fixed
 * when the read begins, so it never chases the writers.
 */
final class JournalPages {
    static final int PAGE_ROWS = 256;
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(10);
    private static final String PAGE = "SELECT \"ordering\", \"persistence_id\", \"sequence_number\", \"write_timestamp\", "
            + "\"event_payload\", \"event_ser_id\", \"event_ser_manifest\" FROM \"event_journal\" "
            + "WHERE \"ordering\" > ? AND \"ordering\" <= ? AND \"deleted\" = FALSE ORDER BY \"ordering\" LIMIT ?";

    /** One journaled event, as both this and the read journal give it. */
    record StoredEvent(long offset, String persistenceId, long sequenceNr, long timestamp, Object event) {}

    private final JournalHealth store;
    private final Serialization serialization;
    private final Executor reads;
    private final int pageRows;

    JournalPages(JournalHealth store, Serialization serialization, Executor reads) {
        this(store, serialization, reads, PAGE_ROWS);
    }

    /** Pages of {@code pageRows} (tests cross page ends with few events). */
    JournalPages(JournalHealth store, Serialization serialization, Executor reads, int pageRows) {
        this.store = store;
        this.serialization = serialization;
        this.reads = reads;
        this.pageRows = pageRows;
    }

    /** The events with offsets in ({@code after}, {@code until}], oldest first, read on the reads pool as demanded. */
    Source<StoredEvent, NotUsed> between(long after, long until) {
        return Source.unfoldAsync(after, from -> from >= until
                ? CompletableFuture.completedFuture(Optional.empty())
                : CompletableFuture.supplyAsync(() -> page(from, until), reads).thenApply(page -> page.isEmpty()
                        ? Optional.empty()
                        : Optional.of(org.apache.pekko.japi.Pair.create(page.get(page.size() - 1).offset(), page))))
                .mapConcat(page -> page);
    }

    /** At most a page of events after {@code after}, up to {@code until}. Blocking. */
    List<StoredEvent> page(long after, long until) {
        try (Connection c = store.connection(); PreparedStatement s = c.prepareStatement(PAGE)) {
            s.setQueryTimeout((int) PAGE_TIMEOUT.toSeconds());
            s.setLong(1, after);
            s.setLong(2, until);
            s.setInt(3, pageRows);
            List<StoredEvent> page = new ArrayList<>(pageRows);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    page.add(new StoredEvent(r.getLong(1), r.getString(2), r.getLong(3), r.getLong(4),
                            serialization.deserialize(r.getBytes(5), r.getInt(6), r.getString(7)).get()));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal: " + e.getMessage(), e);
        }
    }
}
