package io.kukeon.api;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.api.JournalPages.StoredEvent;
import io.kukeon.model.Sizes;
import io.kukeon.supervisor.JournalEvent;
import io.kukeon.supervisor.JournalTags;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.HistoryResponse;
import io.kukeon.wire.v1.JournalExtentResponse;
import io.kukeon.wire.v1.ObjectDoc;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * History and Watch, read from the journal. What is already written is read in pages by offset
 * ({@link JournalPages}); what comes after, live, through the read journal: every event is tagged,
 * so one live query by tag gives all of them in global order, resumable from any offset.
 */
public final class JournalQueries {
    private final ActorSystem<?> system;
    private final JdbcReadJournal journal;
    private final ObjectIndex index;
    private final JournalHealth store;
    /** What the retention setting keeps, as JournalExtent says it. */
    private final RetentionPolicy retention;
    private final JournalPages written;
    private final Executor reads;

    /** {@code reads}: the pool the pages of history are read on. */
    public JournalQueries(ActorSystem<?> system, ObjectIndex index, JournalHealth store, RetentionPolicy retention, Executor reads) {
        this.system = system;
        this.written = new JournalPages(store, SerializationExtension.get(system.classicSystem()), reads);
        this.reads = reads;
        this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        this.index = index;
        this.store = store;
        this.retention = retention;
    }

    /** The object's events, oldest first: the newest that fit a response, and how many older ones did not. */
    public CompletionStage<HistoryResponse> history(ObjectPath path) {
        return journal.currentEventsByPersistenceId(PersistenceIds.of(path).id(), 0L, Long.MAX_VALUE)
                .map(e -> toProto(stored(e), null))
                .runWith(Sink.fold(new NewestEvents(Sizes.MAX_RESPONSE_BYTES), NewestEvents::add), system)
                .thenApply(NewestEvents::response);
    }

    /**
     * Events after {@code afterOffset} (or after the last one now, when {@code fromNow}), then live
     * unless {@code untilNow};
     * only those of the given kinds (empty = all) at or under {@code prefix} (null = all).
     */
    public Source<Event, NotUsed> watch(long afterOffset, boolean fromNow, boolean untilNow, Set<Kind> kinds,
                                        ObjectPath prefix, Instant since) {
        long start = fromNow ? lastOffset() : since == null ? afterOffset : Math.max(afterOffset, offsetBefore(since));
        Predicate<StoredEvent> recent = e -> since == null || e.timestamp() >= since.toEpochMilli();
        Predicate<StoredEvent> wanted = e -> {
            ObjectPath path = pathOf(e.persistenceId());
            if (path == null) {
                return kinds.isEmpty() && prefix == null;   // the host's own events (daemon starts, realms added)
            }
            return (kinds.isEmpty() || kinds.contains(path.kind())) && (prefix == null || prefix.contains(path));
        };
        // up to the last event now from the pages; a live Watch then goes on from there (where a
        // from_now Watch begins, at once) with the read journal
        long now = fromNow ? start : lastOffset();
        Source<StoredEvent, NotUsed> events = written.between(start, now);
        if (!untilNow) {
            events = events.concat(journal.eventsByTag(JournalTags.EVENTS, Offset.sequence(Math.max(start, now))).map(JournalQueries::stored));
        }
        return events.filter(e -> recent.test(e) && wanted.test(e))
                .statefulMap(ObjectDocs::new, (docs, e) -> Pair.create(docs, toProto(e, docs)), docs -> Optional.empty());
    }

    /**
     * The objects' documents a Watch has sent, by path: an object's events come in runs, each sent
     * with the object as it is now, so one mapping serves them all while the object has not changed
     * (the tree's objects are immutable records, replaced on each change: the same instance, the
     * same document). The mapping was most of a Watch's work per event. At most {@link #MAX} kept.
     */
    static final class ObjectDocs extends java.util.LinkedHashMap<ObjectPath, Pair<TreeObject, ObjectDoc>> {
        static final int MAX = 256;

        ObjectDocs() {
            super(16, 0.75f, true);
        }

        ObjectDoc of(TreeObject object) {
            Pair<TreeObject, ObjectDoc> sent = get(object.path());
            if (sent != null && sent.first() == object) {
                return sent.second();
            }
            ObjectDoc doc = ObjectMapping.toProto(object);
            put(object.path(), Pair.create(object, doc));
            return doc;
        }

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<ObjectPath, Pair<TreeObject, ObjectDoc>> eldest) {
            return size() > MAX;
        }
    }

    /** How many of the newest events {@link #warmUp} reads: a few pages' worth of code, not of data. */
    static final int WARM_UP_EVENTS = 64;

    /**
     * Runs a Watch once over the newest events, up to now, and drops what it gives. A Watch's first
     * run in a JVM loads and compiles its code (the queries by time and offset, the events'
     * deserializers, the mapping to protos and their encoding): the first {@code kuke events
     * --since} right after a start took 2 s where the next took 0.2 s. kukeond starts this once
     * it listens, on the reads pool, off the start's path; it reads at most one page. Gives how
     * many events it read.
     */
    public CompletionStage<Long> warmUp() {
        return CompletableFuture.supplyAsync(() -> watch(Math.max(0, lastOffset() - WARM_UP_EVENTS), false, true, Set.of(), null,
                        Instant.EPOCH), reads)
                .thenCompose(events -> events.map(Event::toByteArray).runWith(Sink.fold(0L, (read, bytes) -> read + 1), system));
    }

    static StoredEvent stored(EventEnvelope e) {
        return new StoredEvent(e.offset() instanceof Sequence s ? s.value() : 0, e.persistenceId(), e.sequenceNr(), e.timestamp(), e.event());
    }

    /**
     * The offset after which the events written at or after {@code since} begin: through the index by
     * write time (the events of the last minutes are few, whatever the journal's length). Events are
     * numbered in the order they are written, so the first of them bounds the rest (a concurrent
     * writer's slightly older time is filtered out by the watch).
     */
    long offsetBefore(Instant since) {
        try (Connection c = store.connection();
             PreparedStatement s = c.prepareStatement("SELECT MIN(\"ordering\") FROM \"event_journal\" WHERE \"write_timestamp\" >= ?")) {
            s.setLong(1, since.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long first = r.getLong(1);
                return r.wasNull() ? lastOffset() : first - 1;
            }
        } catch (SQLException e) {
            throw new io.kukeon.model.UnavailableException(io.kukeon.model.UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal: " + e.getMessage(), e);
        }
    }

    /** How far back history goes, and what retention keeps. Blocking. */
    public JournalExtentResponse extent() {
        try (Connection c = store.connection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT MIN(\"write_timestamp\") FROM \"event_journal\"")) {   // the time index's first entry
            r.next();
            long oldest = r.getLong(1);
            return JournalExtentResponse.newBuilder().setHistorySince(r.wasNull() ? "" : Instant.ofEpochMilli(oldest).toString())
                    .setRetention(retention.describe()).setRetentionSeconds(retention.keep().toSeconds()).build();
        } catch (SQLException e) {
            throw new io.kukeon.model.UnavailableException(io.kukeon.model.UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal: " + e.getMessage(), e);
        }
    }

    /** The highest offset in the journal (0 when empty). */
    public long lastOffset() {
        try (Connection c = store.connection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new io.kukeon.model.UnavailableException(io.kukeon.model.UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal: " + e.getMessage(), e);
        }
    }

    /** The highest sequence number of the object's events, 0 when it has none. Blocking. */
    public long lastSequenceNr(ObjectPath path) {
        try (Connection c = store.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT COALESCE(MAX(\"sequence_number\"), 0) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
            s.setString(1, PersistenceIds.of(path).id());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new io.kukeon.model.UnavailableException(io.kukeon.model.UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal: " + e.getMessage(), e);
        }
    }

    /**
     * The object's first event of that type after sequence number {@code after}, when it is
     * journaled (a live query): the switch ends the wait (the stage then fails).
     */
    public <T> Pair<UniqueKillSwitch, CompletionStage<T>> nextEvent(ObjectPath path, long after, Class<T> type) {
        return journal.eventsByPersistenceId(PersistenceIds.of(path).id(), after + 1, Long.MAX_VALUE)
                .map(EventEnvelope::event)
                .filter(type::isInstance)
                .map(type::cast)
                .viaMat(KillSwitches.single(), Keep.right())
                .toMat(Sink.head(), Keep.both())
                .run(system);
    }

    /** Why the journal does not answer a query right now, or null when it does. */
    public String queryProblem() {
        try (Connection c = store.connection();
             Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1 FROM \"event_journal\" WHERE 1 = 0");
            return null;
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            int statement = message.indexOf("; SQL statement");
            return (statement > 0 ? message.substring(0, statement) : message).lines().findFirst().orElse(message);
        }
    }

    /** The event; with its object's document as it is now when {@code docs} is given. */
    private Event toProto(StoredEvent e, ObjectDocs docs) {
        ObjectPath path = pathOf(e.persistenceId());
        String kind = e.persistenceId().substring(0, e.persistenceId().indexOf('|'));
        String name = e.event().getClass().getSimpleName();
        Event.Builder b = Event.newBuilder()
                .setOffset(e.offset())
                .setKind(kind)
                .setPath(path == null ? "" : path.toString())
                .setType(name.startsWith(kind) ? name : kind + name)
                .setSummary(e.event() instanceof JournalEvent j ? j.summary() : name)
                .setTimestamp(Instant.ofEpochMilli(e.timestamp()).toString())
                .setSequenceNr(e.sequenceNr());
        if (docs != null && path != null) {
            index.get(path).ifPresent(o -> b.setObject(docs.of(o)));
        }
        return b.build();
    }

    /** The object of a persistence id, null for the host. */
    static ObjectPath pathOf(String persistenceId) {
        int bar = persistenceId.indexOf('|');
        if (bar < 0 || persistenceId.startsWith("Host|")) {
            return null;
        }
        try {
            return ObjectPath.parse(persistenceId.substring(bar + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
