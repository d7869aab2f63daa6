package io.kukeon.supervisor;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks whose answer goes on on the thread that delivers it. The future Pekko's Java API returns
 * is converted from a Scala one and runs every callback through CompletableFuture's default
 * executor: one more thread hand-off per ask, on the path of every request. What follows an ask
 * here is short (the next ask, a message to an actor, building a reply), so it runs right away.
 */
public final class Asks {
    private Asks() {}

    public static <Req, Res> CompletableFuture<Res> askWithStatus(RecipientRef<Req> target,
                                                           Function<ActorRef<StatusReply<Res>>, Req> message,
                                                           Duration timeout, Scheduler scheduler) {
        CompletableFuture<Res> answer = new CompletableFuture<>();
        FutureConverters.asScala(AskPattern.askWithStatus(target, message, timeout, scheduler)).onComplete(result -> {
            if (result.isSuccess()) {
                answer.complete(result.get());
            } else {
                answer.completeExceptionally(result.failed().get());
            }
            return null;
        }, ExecutionContext.parasitic$.MODULE$);
        return answer;
    }
}
