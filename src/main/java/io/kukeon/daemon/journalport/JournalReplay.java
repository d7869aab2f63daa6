package io.kukeon.daemon.journalport;

import io.kukeon.daemon.journalport.JournalFile.EventRow;
import io.kukeon.daemon.journalport.JournalFile.SnapshotRow;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.cell.CellRecord;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.container.ContainerRecord;
import io.kukeon.supervisor.host.HostEvent;
import io.kukeon.supervisor.host.HostRecord;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeRecord;
import org.apache.pekko.serialization.Serialization;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every object of a journal recovers to, as its actor would: its latest snapshot, then each
 * of its later events that is not deleted, through the level's own event handler
 * ({@code HostRecord::apply}, {@code ScopeRecord::apply}, {@code CellRecord::apply},
 * {@code ContainerRecord::apply}), every payload read by Pekko's serialization as configured for
 * kukeond (the journal's serializer, the legacy one, the sealing key). Fed the snapshots first, then
 * the events by ordering, as a file holds them; keeps one state per object, never the events.
 */
final class JournalReplay {
    private final Serialization serialization;
    private final Map<String, Long> snapshotSequence = new TreeMap<>();
    private final Map<String, Object> states = new TreeMap<>();
    private long events;
    private long snapshots;

    JournalReplay(Serialization serialization) {
        this.serialization = serialization;
    }

    /** A snapshot read (each must deserialize); the latest of an object is where its replay starts. */
    void snapshot(SnapshotRow row) {
        Object state = read(row.persistenceId(), "snapshot #" + row.sequenceNumber(), row.snapshotPayload(),
                row.snapshotSerId(), row.snapshotSerManifest());
        level(row.persistenceId()).checkState(row.persistenceId(), state);
        snapshots++;
        Long latest = snapshotSequence.get(row.persistenceId());
        if (latest == null || row.sequenceNumber() > latest) {
            snapshotSequence.put(row.persistenceId(), row.sequenceNumber());
            states.put(row.persistenceId(), state);
        }
    }

    /** The next event by ordering: applied unless deleted or covered by the object's snapshot. */
    void event(EventRow row) {
        events++;
        if (row.deleted() || row.sequenceNumber() <= snapshotSequence.getOrDefault(row.persistenceId(), 0L)) {
            return;
        }
        Object event = read(row.persistenceId(), "event #" + row.sequenceNumber(), row.eventPayload(), row.eventSerId(),
                row.eventSerManifest());
        Level level = level(row.persistenceId());
        Object state = states.computeIfAbsent(row.persistenceId(), id -> level.empty());
        states.put(row.persistenceId(), level.apply(row.persistenceId(), state, event));
    }

    /** Every object's state, by persistence id. */
    Map<String, Object> states() {
        return states;
    }

    long events() {
        return events;
    }

    long snapshots() {
        return snapshots;
    }

    /**
     * The first object whose state differs between two replays, named with the first field that
     * differs (never its value: states hold sealed secrets and credentials); null when all match.
     */
    static String firstDifference(JournalReplay expected, JournalReplay actual) {
        Set<String> ids = new TreeSet<>(expected.states.keySet());
        ids.addAll(actual.states.keySet());
        for (String id : ids) {
            Object a = expected.states.get(id);
            Object b = actual.states.get(id);
            if (a == null || b == null) {
                return id + " is " + (a == null ? "only in the store" : "missing from the store");
            }
            if (!a.equals(b)) {
                return id + " differs in " + differingField(a, b);
            }
        }
        return null;
    }

    /** The first component of two records that differs (e.g. "status"), or the type when they are not records. */
    static String differingField(Object a, Object b) {
        if (a.getClass() != b.getClass() || !a.getClass().isRecord()) {
            return a.getClass().getSimpleName();
        }
        for (RecordComponent component : a.getClass().getRecordComponents()) {
            try {
                if (!Objects.equals(component.getAccessor().invoke(a), component.getAccessor().invoke(b))) {
                    return "field " + component.getName();
                }
            } catch (ReflectiveOperationException e) {
                return a.getClass().getSimpleName();
            }
        }
        return a.getClass().getSimpleName();
    }

    private Object read(String persistenceId, String what, byte[] payload, int serializerId, String manifest) {
        try {
            return serialization.deserialize(payload, serializerId, manifest).get();
        } catch (Exception e) {
            throw new ReplayFailure(persistenceId + " " + what + " (serializer " + serializerId + ", \"" + manifest
                    + "\") does not read: " + e.getMessage());
        }
    }

    /** A row that does not read or does not fit its object: what the object's actor would fail its recovery on. */
    static final class ReplayFailure extends RuntimeException {
        ReplayFailure(String message) {
            super(message);
        }
    }

    /** A level of the tree, by the kind its persistence ids start with ({@code Cell|…}). */
    private enum Level {
        HOST(HostRecord.class, HostEvent.class) {
            Object empty() {
                return new HostRecord(null, null, null);
            }

            Object fold(Object state, Object event) {
                return ((HostRecord) state).apply((HostEvent) event);
            }
        },
        SCOPE(ScopeRecord.class, ScopeEvent.class) {
            Object empty() {
                return ScopeRecord.empty();
            }

            Object fold(Object state, Object event) {
                return ((ScopeRecord) state).apply((ScopeEvent) event);
            }
        },
        CELL(CellRecord.class, CellEvent.class) {
            Object empty() {
                return CellRecord.empty();
            }

            Object fold(Object state, Object event) {
                return ((CellRecord) state).apply((CellEvent) event);
            }
        },
        CONTAINER(ContainerRecord.class, ContainerEvent.class) {
            Object empty() {
                return ContainerRecord.empty();
            }

            Object fold(Object state, Object event) {
                return ((ContainerRecord) state).apply((ContainerEvent) event);
            }
        };

        private final Class<?> state;
        private final Class<?> events;

        Level(Class<?> state, Class<?> events) {
            this.state = state;
            this.events = events;
        }

        abstract Object empty();

        abstract Object fold(Object state, Object event);

        Object apply(String persistenceId, Object current, Object event) {
            if (!events.isInstance(event)) {
                throw new ReplayFailure(persistenceId + " holds a " + event.getClass().getSimpleName() + ", which is no "
                        + events.getSimpleName());
            }
            return fold(current, event);
        }

        void checkState(String persistenceId, Object snapshot) {
            if (!state.isInstance(snapshot)) {
                throw new ReplayFailure(persistenceId + " has a snapshot of " + snapshot.getClass().getSimpleName()
                        + ", which is no " + state.getSimpleName());
            }
        }
    }

    private static Level level(String persistenceId) {
        int bar = persistenceId.indexOf('|');
        String kind = bar < 0 ? persistenceId : persistenceId.substring(0, bar);
        return switch (kind) {
            case "Host" -> Level.HOST;
            case "Realm", "Space", "Stack" -> Level.SCOPE;
            case "Cell" -> Level.CELL;
            case "Container" -> Level.CONTAINER;
            default -> throw new ReplayFailure(persistenceId + " is of no level kukeond knows (\"" + kind + "\")");
        };
    }
}
