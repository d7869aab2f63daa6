package io.kukeon.supervisor.tree;

import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Runs a side effect (a port call) on a bounded pool, never on the actor's thread, and brings its
 * result back to the actor as a message. There is one pool per purpose (reference.conf's
 * {@code kukeon-pools}), so that hanging pulls cannot hold the threads containerd calls need, and
 * neither can hold those of status and reads.
 */
public final class Blocking {
    private static final DispatcherSelector RUNTIME = DispatcherSelector.fromConfig("kukeon-pools.runtime");
    private static final DispatcherSelector PULLS = DispatcherSelector.fromConfig("kukeon-pools.pulls");
    private static final DispatcherSelector READS = DispatcherSelector.fromConfig("kukeon-pools.reads");

    private Blocking() {}

    /** containerd calls and cgroup writes. */
    public static Executor runtime(ActorContext<?> context) {
        return runtime(context.getSystem());
    }

    public static Executor runtime(ActorSystem<?> system) {
        return system.dispatchers().lookup(RUNTIME);
    }

    /** Image pulls and imports (registry downloads, uploaded archives, their unpacking). */
    public static Executor pulls(ActorSystem<?> system) {
        return system.dispatchers().lookup(PULLS);
    }

    /** Status, health, image lists and live usage: reads that must answer while the other pools are busy. */
    public static Executor reads(ActorSystem<?> system) {
        return system.dispatchers().lookup(READS);
    }

    /** A runtime call on the runtime pool, its outcome back as a message. */
    public static <T> void pipe(ActorContext<TreeCommand> context, Supplier<T> work,
                         BiFunction<T, Throwable, TreeCommand> toMessage) {
        pipe(context, CompletableFuture.supplyAsync(work, runtime(context)), toMessage);
    }

    /** A read on the read pool, its outcome back as a message. */
    public static <T> void pipeRead(ActorContext<TreeCommand> context, Supplier<T> read,
                                    BiFunction<T, Throwable, TreeCommand> toMessage) {
        pipe(context, CompletableFuture.supplyAsync(read, reads(context.getSystem())), toMessage);
    }

    /** Work already under way (on whichever pools it uses), its outcome back as a message. */
    public static <T> void pipe(ActorContext<TreeCommand> context, CompletableFuture<T> work,
                                BiFunction<T, Throwable, TreeCommand> toMessage) {
        context.pipeToSelf(work, (result, error) -> toMessage.apply(result, unwrap(error)));
    }

    public static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
