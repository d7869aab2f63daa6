package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.UnavailableException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisorTreeTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        TEST_KIT.shutdownTestKit();
    }

    @Test
    void whileTheJournalCannotBeReachedCallsAreRefusedAtOnceAndNothingReachesTheTree() {
        TestProbe<TreeCommand> host = TEST_KIT.createTestProbe();
        AtomicReference<String> closed = new AtomicReference<>("it cannot be reached since 10:00:00: Connection refused");
        SupervisorTree tree = new SupervisorTree(host.getRef(), TEST_KIT.scheduler(), Duration.ofSeconds(30), closed::get);
        ObjectPath cell = ObjectPath.parse("path", "r/s/t/c");

        CompletionException refused = assertThrows(CompletionException.class,
                () -> tree.ask(cell, ObjectCommand.Get::new).toCompletableFuture().join());
        UnavailableException why = assertInstanceOf(UnavailableException.class, refused.getCause());
        assertEquals(UnavailableException.JOURNAL_UNAVAILABLE, why.kind());
        assertEquals("the journal is unavailable (it cannot be reached since 10:00:00: Connection refused); "
                + "nothing was changed, try again", why.getMessage());
        assertThrows(CompletionException.class, () -> tree.get(cell).toCompletableFuture().join());
        host.expectNoMessage(Duration.ofMillis(100));

        closed.set(null);
        tree.get(cell);
        Routed routed = host.expectMessageClass(Routed.class);
        assertEquals(cell, routed.target());
        assertTrue(routed.message() instanceof ObjectCommand.Get);
    }
}
