package io.kukeon.supervisor.tree;

import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * An event-sourced actor's command handlers, built once per actor class instead of once per actor.
 * Pekko's {@code CommandHandlerBuilder} makes a case, two lambdas and list cells per handler for every
 * actor it builds for (~2 KiB an actor, the largest per-container share of kukeond's heap at 1,000
 * containers: docs/benchmarks.md, "Memory"); here each handler takes the actor as its first argument,
 * and an actor's {@code commandHandler()} is one lambda over the shared table ({@link #handlerFor}).
 *
 * <p>Same selection as Pekko's builder: the cases in the order they were added, the first whose state
 * condition and command match handles the command; a command no case matches is an error.
 *
 * @param <A> the actor class
 * @param <C> its commands
 * @param <E> its events
 * @param <S> its state
 */
public final class CommandTable<A, C, E, S> {

    /** Handles one kind of command for the actor it is given. */
    @FunctionalInterface
    public interface Handler<A, S, T, E> {
        Effect<E, S> apply(A actor, S state, T command);
    }

    private record Case<A, C, E, S>(BiPredicate<A, S> when, BiPredicate<A, C> matches, Handler<A, S, C, E> handler) {}

    private final List<Case<A, C, E, S>> cases;

    private CommandTable(List<Case<A, C, E, S>> cases) {
        this.cases = List.copyOf(cases);
    }

    public static <A, C, E, S> Builder<A, C, E, S> builder() {
        return new Builder<>();
    }

    /** The handler of one actor: the only per-actor object the table costs. */
    public CommandHandler<C, E, S> handlerFor(A actor) {
        return (state, command) -> handle(actor, state, command);
    }

    Effect<E, S> handle(A actor, S state, C command) {
        for (Case<A, C, E, S> c : cases) {
            if (c.when().test(actor, state) && c.matches().test(actor, command)) {
                return c.handler().apply(actor, state, command);
            }
        }
        throw new IllegalStateException("no handler for a command of type " + command.getClass().getName() + " in "
                + actor.getClass().getSimpleName());
    }

    /** Cases added in order under the state condition last given ({@link #forAnyState}, {@link #forState}). */
    public static final class Builder<A, C, E, S> {
        private static final BiPredicate<Object, Object> ANY_STATE = (actor, state) -> true;
        private final List<Case<A, C, E, S>> cases = new ArrayList<>();
        @SuppressWarnings("unchecked")
        private BiPredicate<A, S> when = (BiPredicate<A, S>) ANY_STATE;

        private Builder() {
        }

        /** The cases added next apply whatever the state. */
        @SuppressWarnings("unchecked")
        public Builder<A, C, E, S> forAnyState() {
            when = (BiPredicate<A, S>) ANY_STATE;
            return this;
        }

        /** The cases added next apply while {@code condition} holds for the actor and its state. */
        public Builder<A, C, E, S> forState(BiPredicate<A, S> condition) {
            when = condition;
            return this;
        }

        /** Commands of {@code type} (or a subtype). */
        @SuppressWarnings("unchecked")
        public <T extends C> Builder<A, C, E, S> on(Class<T> type, Handler<A, S, ? super T, E> handler) {
            cases.add(new Case<>(when, (actor, command) -> type.isInstance(command), (Handler<A, S, C, E>) handler));
            return this;
        }

        /** Commands the actor's {@code matches} accepts. */
        public Builder<A, C, E, S> on(BiPredicate<A, C> matches, Handler<A, S, C, E> handler) {
            cases.add(new Case<>(when, matches, handler));
            return this;
        }

        public CommandTable<A, C, E, S> build() {
            if (cases.isEmpty()) {
                throw new IllegalStateException("a command table without cases");
            }
            return new CommandTable<>(cases);
        }
    }
}
