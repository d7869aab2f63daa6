package io.kukeon.supervisor.tree;

import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared table selects handlers as Pekko's builder does (in order, first whose state condition
 * and command match) and hands each actor to the handler, so one table serves all actors of a class.
 */
class CommandTableTest {

    interface Command {}

    record Ping(String who) implements Command {}

    record Stop() implements Command {}

    record Unknown() implements Command {}

    /** An actor as far as the table sees it: a name, a flag its state condition reads, what ran. */
    static final class Actor {
        final String name;
        boolean busy;
        final List<String> ran = new ArrayList<>();

        Actor(String name) {
            this.name = name;
        }
    }

    // The effects are Pekko's to interpret: these handlers record what ran and return none (null).
    private static final CommandTable<Actor, Command, Object, String> TABLE = CommandTable.<Actor, Command, Object, String>builder()
            .forState((actor, state) -> actor.busy)
            .on((actor, command) -> command instanceof Ping, (actor, state, command) -> record(actor, "held " + command))
            .forState((actor, state) -> state.equals("gone"))
            .on(Ping.class, (actor, state, ping) -> record(actor, "not found: " + ping.who()))
            .forAnyState()
            .on(Ping.class, (actor, state, ping) -> record(actor, actor.name + " pinged by " + ping.who() + " in " + state))
            .on(Stop.class, (actor, state, stop) -> record(actor, "stopped"))
            .on(Ping.class, (actor, state, ping) -> record(actor, "never: an earlier case matches"))
            .build();

    private static org.apache.pekko.persistence.typed.javadsl.Effect<Object, String> record(Actor actor, String what) {
        actor.ran.add(what);
        return null;
    }

    @Test
    void eachActorGetsItsOwnCallsFromTheOneTable() {
        Actor a = new Actor("a");
        Actor b = new Actor("b");
        CommandHandler<Command, Object, String> handlerA = TABLE.handlerFor(a);
        CommandHandler<Command, Object, String> handlerB = TABLE.handlerFor(b);

        assertNull(handlerA.apply("running", new Ping("x")));
        handlerB.apply("created", new Ping("y"));
        handlerB.apply("created", new Stop());

        assertEquals(List.of("a pinged by x in running"), a.ran);
        assertEquals(List.of("b pinged by y in created", "stopped"), b.ran);
    }

    @Test
    void theFirstCaseWhoseStateAndCommandMatchWins() {
        Actor actor = new Actor("a");
        actor.busy = true;
        TABLE.handlerFor(actor).apply("gone", new Ping("x"));   // busy comes first, before "gone"
        TABLE.handlerFor(actor).apply("gone", new Stop());      // not held while busy: falls through to any state
        actor.busy = false;
        TABLE.handlerFor(actor).apply("gone", new Ping("y"));

        assertEquals(List.of("held Ping[who=x]", "stopped", "not found: y"), actor.ran);
    }

    @Test
    void aCommandWithoutACaseIsAnErrorNamingIt() {
        Actor actor = new Actor("a");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TABLE.handlerFor(actor).apply("running", new Unknown()));
        assertTrue(e.getMessage().contains(Unknown.class.getName()), e.getMessage());
        assertTrue(actor.ran.isEmpty());
    }

    @Test
    void aTableWithoutCasesIsRefused() {
        assertThrows(IllegalStateException.class, () -> CommandTable.<Actor, Command, Object, String>builder().build());
    }
}
