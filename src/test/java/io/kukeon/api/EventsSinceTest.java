package io.kukeon.api;

import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.JournalExtentRequest;
import io.kukeon.wire.v1.JournalExtentResponse;
import io.kukeon.wire.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Watch's {@code since} (the journal's events by write time) and JournalExtent (how far back history goes). */
class EventsSinceTest {
    @TempDir
    Path dataDir;

    private static List<Event> watch(TestDaemon daemon, WatchRequest.Builder request) throws Exception {
        List<Event> events = new ArrayList<>();
        daemon.client().watch(request.setUntilNow(true).build()).forEachRemaining(events::add);
        return events;
    }

    @Test
    void sinceGivesTheEventsWrittenFromThenOnAndJournalExtentWhereHistoryBegins() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("journal.retention", "7d", "journal.keep-per-object", "5"))) {
            Instant before = Instant.now();
            Docs.createStack(daemon.client(), "r/s/t");
            Thread.sleep(20);
            Instant between = Instant.now();
            Docs.createStack(daemon.client(), "r/s2/t");

            List<Event> all = watch(daemon, WatchRequest.newBuilder());
            List<Event> later = watch(daemon, WatchRequest.newBuilder().setSince(between.toString()));
            assertFalse(later.isEmpty());
            assertTrue(later.size() < all.size(), later.size() + " of " + all.size());
            assertEquals(all.subList(all.size() - later.size(), all.size()), later, "the newest, in the same order");
            assertTrue(later.stream().allMatch(e -> !Instant.parse(e.getTimestamp()).isBefore(between)), later.toString());
            assertTrue(later.stream().noneMatch(e -> e.getPath().startsWith("r/s/")), "r/s was made before: " + later);
            assertEquals(List.of(), watch(daemon, WatchRequest.newBuilder().setSince(Instant.now().plusSeconds(60).toString())));

            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
                    () -> watch(daemon, WatchRequest.newBuilder().setSince("10m")));
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            assertTrue(bad.getStatus().getDescription().contains("since"), bad.getStatus().getDescription());

            JournalExtentResponse extent = daemon.client().journalExtent(JournalExtentRequest.getDefaultInstance());
            Instant since = Instant.parse(extent.getHistorySince());
            assertTrue(!since.isAfter(before.plus(Duration.ofSeconds(1))), "history begins with the daemon's first events: " + since);
            assertEquals(Instant.parse(all.get(0).getTimestamp()), since);
            assertEquals("7d, and the last 5 events of each object", extent.getRetention());
            assertEquals(Duration.ofDays(7).toSeconds(), extent.getRetentionSeconds());
        }
    }
}
