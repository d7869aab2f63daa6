package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.cell.CellRecord;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.container.ContainerRecord;
import io.kukeon.supervisor.host.HostEvent;
import io.kukeon.supervisor.host.HostRecord;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeRecord;
import org.apache.pekko.serialization.jackson.JacksonMigration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Journals written before the journal had stable type names (kukeond up to December 2026): every
 * event and snapshot under its Java class name (e.g. {@code io.kukeon.supervisor.CellActor$CellCreated})
 * through Pekko's {@code jackson-cbor} serializer. Pekko still reads those rows with that serializer;
 * the {@linkplain #config() migrations} here tell it each old name's class today, and reshape the
 * snapshot states, whose fields were grouped since. Events kept their fields.
 */
public final class LegacyJournal {
    private LegacyJournal() {}

    /** A level of the tree then: its actor class, which held its events and its {@code State}. */
    private record Level(String actorClass, Class<?> events, Class<?> record, Class<? extends Renamed> stateMigration) {}

    private static final List<Level> LEVELS = List.of(
            new Level("io.kukeon.supervisor.HostSupervisor", HostEvent.class, HostRecord.class, Renamed.class),
            new Level("io.kukeon.supervisor.ScopeActor", ScopeEvent.class, ScopeRecord.class, ScopeState.class),
            new Level("io.kukeon.supervisor.CellActor", CellEvent.class, CellRecord.class, CellState.class),
            new Level("io.kukeon.supervisor.ContainerActor", ContainerEvent.class, ContainerRecord.class,
                    ContainerState.class));

    /** Each old class name, and the class that reads it today (events kept their simple names). */
    static final Map<String, Class<?>> RENAMED = renamed();

    private static Map<String, Class<?>> renamed() {
        Map<String, Class<?>> names = new LinkedHashMap<>();
        for (Level level : LEVELS) {
            for (Class<?> event : level.events().getPermittedSubclasses()) {
                names.put(level.actorClass() + "$" + event.getSimpleName(), event);
            }
            names.put(level.actorClass() + "$State", level.record());
        }
        return names;
    }

    /** Pekko's settings that read the old rows: one migration per old class name. */
    public static Config config() {
        StringBuilder hocon = new StringBuilder("pekko.serialization.jackson {\n  migrations {\n");
        for (Level level : LEVELS) {
            for (Class<?> event : level.events().getPermittedSubclasses()) {
                entry(hocon, level.actorClass() + "$" + event.getSimpleName(), Renamed.class);
            }
            entry(hocon, level.actorClass() + "$State", level.stateMigration());
        }
        // The classes they become are bound to the journal's own serializer, not to a Jackson one.
        hocon.append("  }\n  allowed-class-prefix = [\"io.kukeon.supervisor.\"]\n}\n");
        return ConfigFactory.parseString(hocon.toString());
    }

    private static void entry(StringBuilder hocon, String oldName, Class<?> migration) {
        hocon.append("    \"").append(oldName).append("\" = \"").append(migration.getName()).append("\"\n");
    }

    /** An old class name read as the class that has its name today; the shape is unchanged. */
    public static class Renamed extends JacksonMigration {
        @Override
        public int currentVersion() {
            return 2;   // the old rows carry no version (1): every one of them goes through here
        }

        @Override
        public String transformClassName(int fromVersion, String className) {
            Class<?> now = RENAMED.get(className);
            if (now == null) {
                throw new IllegalStateException("no class reads the journal's \"" + className + "\"");
            }
            return now.getName();
        }

        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            return json;
        }

        /** Moves {@code fields} of {@code from} into a new object {@code into} on it, renamed as the pairs say. */
        static void group(ObjectNode from, String into, String... oldAndNew) {
            ObjectNode group = from.objectNode();
            for (int i = 0; i < oldAndNew.length; i += 2) {
                JsonNode value = from.remove(oldAndNew[i]);   // before the group is put: it may take an old field's name
                if (value != null) {
                    group.set(oldAndNew[i + 1], value);
                }
            }
            from.set(into, group);
        }

        /** Like {@link #group}, but the group is null when all its fields were. */
        static void groupOrNull(ObjectNode from, String into, String... oldAndNew) {
            group(from, into, oldAndNew);
            ObjectNode group = (ObjectNode) from.get(into);
            boolean empty = true;
            for (JsonNode v : (Iterable<JsonNode>) group::elements) {
                empty &= v.isNull();
            }
            if (empty) {
                from.putNull(into);
            }
        }
    }

    /** A container's state: its task, its problem, its restarts, its generations and times grouped. */
    public static final class ContainerState extends Renamed {
        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            ObjectNode s = (ObjectNode) json;
            group(s, "generations", "generation", "current", "startedGeneration", "started");
            group(s, "task", "pid", "pid", "startedAt", "startedAt", "finishedAt", "finishedAt", "exitCode", "exitCode",
                    "oomKilled", "oomKilled");
            groupOrNull(s, "problem", "reason", "reason", "message", "message");
            group(s, "restarts", "restartCount", "count", "attempt", "attempt", "nextRestartAt", "nextAt",
                    "gaveUp", "gaveUp");
            group(s, "times", "createdAt", "createdAt", "updatedAt", "updatedAt");
            return s;
        }
    }

    /** A cell's state: its run, its problem, its generations and times grouped. */
    public static final class CellState extends Renamed {
        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            ObjectNode s = (ObjectNode) json;
            group(s, "generations", "generation", "current", "observedGeneration", "observed");
            group(s, "run", "desiredRunning", "desired", "everStarted", "everStarted", "rootPid", "rootPid",
                    "readyObserved", "readyObserved");
            groupOrNull(s, "problem", "sticky", "sticky", "reason", "reason", "message", "message");
            group(s, "times", "createdAt", "createdAt", "updatedAt", "updatedAt", "readyAt", "readyAt");
            return s;
        }
    }

    /** A realm's, space's or stack's state: the outcome of its provisioning, its generations and times grouped. */
    public static final class ScopeState extends Renamed {
        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            ObjectNode s = (ObjectNode) json;
            group(s, "generations", "generation", "current", "observedGeneration", "observed");
            group(s, "outcome", "cgroup", "cgroup", "namespaceReady", "namespaceReady", "outcome", "state",
                    "reason", "reason", "message", "message");
            group(s, "times", "createdAt", "createdAt", "updatedAt", "updatedAt", "readyAt", "readyAt");
            return s;
        }
    }
}
