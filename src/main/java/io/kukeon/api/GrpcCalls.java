package io.kukeon.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

import io.kukeon.model.UnavailableException;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves the service methods, written as futures and Pekko streams (the interfaces pekko-grpc generates
 * from our protos), on grpc-java's server: a future answers a unary call; a stream is sent as fast as
 * the client reads it (grpc-java's readiness, so a slow reader never makes the daemon buffer) and is
 * stopped when the client cancels; a client stream is read as fast as the service consumes it.
 * Every failure passes through {@link ErrorMapping}.
 */
final class GrpcCalls {
    /** Client-stream messages held between the transport and the service. */
    private static final int INBOUND_BUFFER = 4;

    private final Materializer materializer;
    /** The server streams running (watch, logs -f): ended with UNAVAILABLE when kukeond stops. */
    private final Set<UniqueKillSwitch> streams = ConcurrentHashMap.newKeySet();

    GrpcCalls(Materializer materializer) {
        this.materializer = materializer;
    }

    /** Ends every server stream: its client is told that kukeond is stopping. */
    void stopStreams() {
        streams.forEach(stream -> stream.abort(new UnavailableException("Stopping", "kukeond is stopping")));
    }

    <T> void unary(Supplier<CompletionStage<T>> call, StreamObserver<T> out) {
        started(call).whenComplete((response, error) -> {
            if (error != null) {
                out.onError(ErrorMapping.grpcException(error));
            } else {
                out.onNext(response);
                out.onCompleted();
            }
        });
    }

    <T> void serverStream(Supplier<Source<T, NotUsed>> call, StreamObserver<T> out) {
        send(call, (ServerCallStreamObserver<T>) out, () -> { });
    }

    <Q, T> StreamObserver<Q> clientStream(Function<Source<Q, NotUsed>, CompletionStage<T>> call, StreamObserver<T> out) {
        ServerCallStreamObserver<T> caller = (ServerCallStreamObserver<T>) out;
        Receiver<Q> in = new Receiver<>(caller, materializer);
        caller.setOnCancelHandler(in::clientGone);
        unary(() -> call.apply(in.source), out);
        caller.request(1);
        return in;
    }

    /** Both ways at once (exec): the client's messages as read by the service, its answer as the client reads it. */
    <Q, T> StreamObserver<Q> bidiStream(Function<Source<Q, NotUsed>, Source<T, NotUsed>> call, StreamObserver<T> out) {
        ServerCallStreamObserver<T> caller = (ServerCallStreamObserver<T>) out;
        Receiver<Q> in = new Receiver<>(caller, materializer);
        send(() -> call.apply(in.source), caller, in::clientGone);
        caller.request(1);
        return in;
    }

    /** Sends the service's stream at the client's pace; a cancel by the client stops it and runs {@code onCancel}. */
    private <T> void send(Supplier<Source<T, NotUsed>> call, ServerCallStreamObserver<T> caller, Runnable onCancel) {
        Readiness readiness = new Readiness(caller);
        Source<T, NotUsed> source;
        try {
            source = call.get();
        } catch (RuntimeException e) {
            caller.onError(ErrorMapping.grpcException(e));
            return;
        }
        Pair<UniqueKillSwitch, CompletionStage<org.apache.pekko.Done>> running = source
                .viaMat(KillSwitches.single(), Keep.right())
                .mapAsync(1, element -> readiness.whenReady().thenApply(ready -> element))
                .toMat(Sink.foreach(caller::onNext), Keep.both())
                .run(materializer);
        caller.setOnCancelHandler(() -> {
            running.first().shutdown();
            onCancel.run();
        });
        streams.add(running.first());
        running.second().whenComplete((done, error) -> {
            streams.remove(running.first());
            if (caller.isCancelled()) {
                return;
            }
            if (error != null) {
                caller.onError(ErrorMapping.grpcException(error));
            } else {
                caller.onCompleted();
            }
        });
    }

    /** A client's stream as a Source read at the service's pace: the next message is asked for once one is taken. */
    private static final class Receiver<Q> implements StreamObserver<Q> {
        private final ServerCallStreamObserver<?> caller;
        private final SourceQueueWithComplete<Q> queue;
        final Source<Q, NotUsed> source;

        Receiver(ServerCallStreamObserver<?> caller, Materializer materializer) {
            this.caller = caller;
            caller.disableAutoRequest();
            Pair<SourceQueueWithComplete<Q>, Source<Q, NotUsed>> inbound =
                    Source.<Q>queue(INBOUND_BUFFER, OverflowStrategy.backpressure()).preMaterialize(materializer);
            this.queue = inbound.first();
            this.source = inbound.second();
        }

        void clientGone() {
            queue.fail(new ClientGone());
        }

        @Override
        public void onNext(Q message) {
            // one offer at a time: the next message is asked for once this one is in the buffer
            queue.offer(message).whenComplete((result, error) -> {
                if (error == null && result == QueueOfferResult.enqueued()) {
                    caller.request(1);
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            clientGone();
        }

        @Override
        public void onCompleted() {
            queue.complete();
        }
    }

    private static <T> CompletionStage<T> started(Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The client went away in the middle of its stream: the service stops reading, nobody is answered. */
    static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the client closed the call before sending all of its request", null, false, false);
        }
    }

    /** Completes a future each time grpc-java can take another message for the client without buffering. */
    private static final class Readiness {
        private final ServerCallStreamObserver<?> caller;
        private CompletableFuture<Boolean> waiting;

        Readiness(ServerCallStreamObserver<?> caller) {
            this.caller = caller;
            caller.setOnReadyHandler(this::ready);
        }

        synchronized CompletionStage<Boolean> whenReady() {
            if (caller.isReady() || caller.isCancelled()) {
                return CompletableFuture.completedFuture(true);
            }
            waiting = new CompletableFuture<>();
            return waiting;
        }

        private synchronized void ready() {
            if (waiting != null) {
                waiting.complete(true);
                waiting = null;
            }
        }
    }
}
