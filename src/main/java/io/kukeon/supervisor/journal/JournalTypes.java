package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.cell.CellRecord;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.container.ContainerRecord;
import io.kukeon.supervisor.host.HostEvent;
import io.kukeon.supervisor.host.HostRecord;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeRecord;
import org.apache.pekko.serialization.jackson.JacksonMigration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every type the journal holds, by its stable {@link JournalName}: the events of each level (found
 * from their sealed interfaces, so a new event cannot be missed) and each level's record, written as
 * its snapshot. A type whose shape changed has a version above 1 and a migration that brings older
 * data to the current shape.
 */
public final class JournalTypes {
    /** The tree's types. */
    public static final JournalTypes TREE = new JournalTypes(treeTypes(), Map.of(
            ScopeEvent.Created.class, new PasswordsSealed(),
            ScopeEvent.Updated.class, new PasswordsSealed(),
            ScopeRecord.class, new PasswordsSealed()));

    /**
     * Version 2 of the types that hold a realm's registry credentials seals their passwords. The
     * shape is otherwise the same, and {@link SealedCredentials} reads version 1's cleartext too;
     * the version keeps an older kukeond from reading a sealed password as a missing one.
     */
    public static final class PasswordsSealed extends JacksonMigration {
        @Override
        public int currentVersion() {
            return 2;
        }

        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            return json;
        }
    }

    /** @param type its class; @param version written now (from its annotation) */
    public record Entry(String name, Class<?> type, int version, JacksonMigration migration) {}

    private final Map<String, Entry> byName = new HashMap<>();
    private final Map<Class<?>, Entry> byType = new HashMap<>();

    /**
     * @param types      classes annotated with {@link JournalName}
     * @param migrations for each type whose version is above 1: how older versions become the current one
     */
    public JournalTypes(List<Class<?>> types, Map<Class<?>, JacksonMigration> migrations) {
        for (Class<?> type : types) {
            JournalName name = type.getAnnotation(JournalName.class);
            if (name == null) {
                throw new IllegalStateException(type.getName() + " is journaled but has no @JournalName");
            }
            JacksonMigration migration = migrations.get(type);
            if (name.version() > 1 && migration == null) {
                throw new IllegalStateException(type.getName() + " is at version " + name.version() + " without a migration");
            }
            Entry entry = new Entry(name.value(), type, name.version(), migration);
            if (byName.put(entry.name(), entry) != null) {
                throw new IllegalStateException("journal name \"" + entry.name() + "\" is used twice");
            }
            byType.put(type, entry);
        }
    }

    static List<Class<?>> treeTypes() {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> events : List.of(HostEvent.class, ScopeEvent.class, CellEvent.class, ContainerEvent.class)) {
            types.addAll(List.of(events.getPermittedSubclasses()));
        }
        types.addAll(List.of(HostRecord.class, ScopeRecord.class, CellRecord.class, ContainerRecord.class));
        return types;
    }

    public List<Entry> entries() {
        return List.copyOf(byName.values());
    }

    /** The entry of a value about to be written; fails for a type that is not registered. */
    public Entry of(Journaled value) {
        Entry entry = byType.get(value.getClass());
        if (entry == null) {
            throw new IllegalArgumentException(value.getClass().getName() + " is not a registered journal type");
        }
        return entry;
    }

    /** The entry of a name read from the journal, or null. */
    public Entry named(String name) {
        return byName.get(name);
    }
}
