package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.UnavailableException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The tree as the API sees it: one asynchronous call per command, answered by the owning actor. */
public final class SupervisorTree {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final ActorRef<TreeCommand> host;
    private final Scheduler scheduler;
    private final Duration writeTimeout;
    private final JournalGate journal;

    public SupervisorTree(ActorRef<TreeCommand> host, Scheduler scheduler, Duration writeTimeout, JournalGate journal) {
        this.host = host;
        this.scheduler = scheduler;
        this.writeTimeout = writeTimeout;
        this.journal = journal;
    }

    /**
     * Sends the command to the object at {@code target}. Fails with the actor's
     * {@link io.kukeon.model.KukeonException}, or with an {@link UnavailableException} at once while
     * the journal cannot be reached, or when the tree does not answer in time (runtime stuck).
     */
    public CompletionStage<Reply> ask(ObjectPath target, Function<ActorRef<StatusReply<Reply>>, ObjectCommand> command) {
        return ask(target, command, writeTimeout);
    }

    /** The object as its actor knows it. */
    public CompletionStage<Reply> get(ObjectPath target) {
        return ask(target, ObjectCommand.Get::new, READ_TIMEOUT);
    }

    private CompletionStage<Reply> ask(ObjectPath target, Function<ActorRef<StatusReply<Reply>>, ObjectCommand> command,
                                       Duration timeout) {
        String closed = journal.closedBecause();
        if (closed != null) {
            return CompletableFuture.failedFuture(new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE,
                    "the journal is unavailable (" + closed + "); nothing was changed, try again"));
        }
        return Asks.<TreeCommand, Reply>askWithStatus(host, replyTo -> new Routed(target, command.apply(replyTo)),
                        timeout, scheduler)
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof TimeoutException) {
                        throw new UnavailableException("Timeout", "kukeond did not answer within " + timeout.toSeconds()
                                + " s; the journal or containerd may be stuck, try again");
                    }
                    throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
                });
    }

    public ActorRef<TreeCommand> host() {
        return host;
    }
}
