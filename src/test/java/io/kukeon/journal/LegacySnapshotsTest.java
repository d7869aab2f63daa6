package io.kukeon.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.cell.CellRecord;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.container.ContainerRecord;
import io.kukeon.supervisor.host.HostEvent;
import io.kukeon.supervisor.host.HostRecord;
import io.kukeon.supervisor.journal.LegacyJournal;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshots a release wrote are read today through a migration ({@link LegacyJournal}) into
 * records of another shape. Each must equal what the same object's events, up to the snapshot,
 * give through today's event handlers: nothing the old state held is lost or moved to the wrong
 * field (the replay test compares what the API shows, which leaves some fields out).
 */
class LegacySnapshotsTest {
    static ActorTestKit testKit;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create("legacy-snapshots", LegacyJournal.config().withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(testKit.system().classicSystem());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    static List<String> fixtures() throws Exception {
        return JournalFixtureReplayTest.fixtures().toList();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everySnapshotEqualsItsEventsFoldedByTodaysHandlers(String name) throws Exception {
        Path fixture = Path.of(getClass().getResource("/journal-fixtures/" + name).toURI());
        Map<String, List<JsonNode>> events = new LinkedHashMap<>();
        for (JsonNode row : JournalRows.read(fixture, "event_journal")) {
            events.computeIfAbsent(row.get("persistence_id").asText(), id -> new ArrayList<>()).add(row);
        }
        events.values().forEach(rows -> rows.sort(Comparator.comparingLong(r -> r.get("sequence_number").asLong())));
        int compared = 0;
        for (JsonNode snapshot : JournalRows.read(fixture, "snapshot")) {
            String id = snapshot.get("persistence_id").asText();
            long upTo = snapshot.get("sequence_number").asLong();
            Object migrated = read(snapshot, "snapshot");
            Object folded = initial(id);
            for (JsonNode row : events.getOrDefault(id, List.of())) {
                if (row.get("sequence_number").asLong() <= upTo) {
                    folded = apply(folded, read(row, "event"));
                }
            }
            assertEquals(folded, migrated, id + " snapshot #" + upTo);
            compared++;
        }
        assertTrue(compared > 10, "snapshots compared: " + compared);
    }

    private static Object read(JsonNode row, String column) {
        byte[] bytes = Base64.getDecoder().decode(row.get(column + "_payload").asText());
        return serialization.deserialize(bytes, row.get(column + "_ser_id").asInt(),
                row.get(column + "_ser_manifest").asText()).get();
    }

    private static Object initial(String persistenceId) {
        String kind = persistenceId.substring(0, persistenceId.indexOf('|'));
        return switch (kind) {
            case "Host" -> new HostRecord(null, null, null);
            case "Realm", "Space", "Stack" -> ScopeRecord.empty();
            case "Cell" -> CellRecord.empty();
            case "Container" -> ContainerRecord.empty();
            default -> throw new IllegalArgumentException(persistenceId);
        };
    }

    private static Object apply(Object record, Object event) {
        if (record instanceof HostRecord host) {
            return host.apply((HostEvent) event);
        }
        if (record instanceof ScopeRecord scope) {
            return scope.apply((ScopeEvent) event);
        }
        if (record instanceof CellRecord cell) {
            return cell.apply((CellEvent) event);
        }
        return ((ContainerRecord) record).apply((ContainerEvent) event);
    }
}
