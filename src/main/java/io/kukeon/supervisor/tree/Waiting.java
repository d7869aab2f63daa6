package io.kukeon.supervisor.tree;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;

import java.util.List;
import java.util.function.Function;

/**
 * The commands waiting for the work in flight, each with the object it is about and the outcome
 * it is told once the work is done. A value: adding a waiter makes a new one.
 */
public record Waiting(List<Waiter> waiters) {

    /** @param target the object the answer shows (a cell answers for its containers too) */
    public record Waiter(ObjectCommand command, ObjectPath target, Reply.Outcome outcome) {}

    public Waiting {
        waiters = List.copyOf(waiters);
    }

    public static Waiting none() {
        return new Waiting(List.of());
    }

    public static Waiting on(ObjectCommand command, ObjectPath target, Reply.Outcome outcome) {
        return new Waiting(List.of(new Waiter(command, target, outcome)));
    }

    /** Tells each waiter its object as {@code viewOf} shows it now. */
    public void answer(Function<ObjectPath, TreeObject> viewOf) {
        for (Waiter w : waiters) {
            w.command().reply(Reply.of(viewOf.apply(w.target()), w.outcome()));
        }
    }

    public void fail(Throwable error) {
        waiters.forEach(w -> w.command().fail(error));
    }
}
