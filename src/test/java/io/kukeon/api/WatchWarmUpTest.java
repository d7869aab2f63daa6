package io.kukeon.api;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.testing.Specs;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.WatchRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What makes the first Watch after a start as quick as the next: the warm-up read, and one document per object as it is. */
class WatchWarmUpTest {
    @TempDir
    Path dataDir;

    @Test
    void theWarmUpReadsTheNewestEventsAsAWatchDoes() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            JournalQueries queries = queries(daemon);
            Docs.createStack(daemon.client(), "w/s/t");
            long before = queries.lastOffset();
            assertTrue(before > 0 && before < JournalQueries.WARM_UP_EVENTS, "a short journal: " + before);
            long read = queries.warmUp().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long after = queries.lastOffset();   // the daemon may journal events of its own meanwhile
            assertTrue(before <= read && read <= after, "all of a short journal: " + before + " <= " + read + " <= " + after);

            for (int i = 0; queries.lastOffset() <= JournalQueries.WARM_UP_EVENTS; i++) {
                Docs.createStack(daemon.client(), "w/s" + i + "/u");
            }
            assertEquals(JournalQueries.WARM_UP_EVENTS, queries.warmUp().toCompletableFuture().get(30, TimeUnit.SECONDS),
                    "at most the newest events");
        }
    }

    @Test
    void eachEventCarriesItsObjectAsItIsNow() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            Docs.createStack(daemon.client(), "d/s/t");
            List<Event> events = new ArrayList<>();
            daemon.client().watch(WatchRequest.newBuilder().setUntilNow(true).build()).forEachRemaining(events::add);
            List<Event> ofTheStack = events.stream().filter(e -> e.getPath().equals("d/s/t")).toList();
            assertTrue(ofTheStack.size() > 1, "several events of the stack: " + ofTheStack);
            ObjectDoc now = ObjectMapping.toProto(daemon.daemon().index().get(ObjectPath.parse("d/s/t")).orElseThrow());
            for (Event e : ofTheStack) {
                assertEquals(now, e.getObject(), e.getType());
            }
        }
    }

    @Test
    void aDocumentIsMadeAgainOnlyWhenItsObjectWasReplaced() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            Docs.createStack(daemon.client(), "m/s/t");
            daemon.client().create(CreateRequest.newBuilder().setObject(Docs.cell("m/s/t/c", Map.of(),
                    Specs.container("app").args("sleep").build())).build());
            ObjectPath cell = ObjectPath.parse("m/s/t/c");
            TreeObject before = daemon.daemon().index().get(cell).orElseThrow();
            JournalQueries.ObjectDocs docs = new JournalQueries.ObjectDocs();
            ObjectDoc first = docs.of(before);
            assertEquals(ObjectMapping.toProto(before), first);
            assertSame(first, docs.of(before), "the same object, the same document");

            daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("m/s/t/c").build());
            TreeObject after = daemon.daemon().index().get(cell).orElseThrow();
            assertNotSame(before, after, "a change replaces the object");
            ObjectDoc changed = docs.of(after);
            assertNotEquals(first, changed, "started");
            assertEquals(ObjectMapping.toProto(after), changed);

            TreeObject.Cell c = (TreeObject.Cell) after;
            for (int i = 0; i < JournalQueries.ObjectDocs.MAX + 10; i++) {
                docs.of(new TreeObject.Cell(ObjectPath.parse("m/s/t/c" + i), c.metadata(), c.spec(), c.status()));
            }
            assertEquals(JournalQueries.ObjectDocs.MAX, docs.size(), "bounded");
        }
    }

    private static JournalQueries queries(TestDaemon daemon) {
        ActorSystem<?> system = daemon.daemon().system();
        return new JournalQueries(system, daemon.daemon().index(), io.kukeon.daemon.JournalStore.get(system.classicSystem()),
                new RetentionPolicy(java.time.Duration.ZERO, 100), ForkJoinPool.commonPool());
    }
}
