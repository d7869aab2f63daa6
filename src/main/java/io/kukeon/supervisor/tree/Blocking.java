package io.kukeon.supervisor.tree;

import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Runs a side effect (a port call) on the blocking dispatcher, never on the actor's thread, and
 * brings its result back to the actor as a message.
 */
public final class Blocking {
    private Blocking() {}

    public static Executor executor(ActorContext<?> context) {
        return context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    }

    public static <T> void pipe(ActorContext<TreeCommand> context, Supplier<T> work,
                         BiFunction<T, Throwable, TreeCommand> toMessage) {
        context.pipeToSelf(CompletableFuture.supplyAsync(work, executor(context)),
                (result, error) -> toMessage.apply(result, unwrap(error)));
    }

    public static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
