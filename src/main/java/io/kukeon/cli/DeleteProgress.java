package io.kukeon.cli;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.WatchRequest;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cascade delete on a terminal: counts what lies below the object, then follows the journal's
 * "...Deleted" events under it and shows how many of them are gone.
 */
final class DeleteProgress implements AutoCloseable {
    private final ProgressLine line;
    private final ClientCallStreamObserver<WatchRequest> call;

    private DeleteProgress(ProgressLine line, ClientCallStreamObserver<WatchRequest> call) {
        this.line = line;
        this.call = call;
    }

    static DeleteProgress watch(DaemonConnection daemon, ObjectPath path, ProgressLine line, boolean terminal) {
        if (!terminal) {
            return new DeleteProgress(line, null);
        }
        int total = 1;
        try {
            for (Kind k : Kind.values()) {
                if (k.depth() > path.kind().depth()) {
                    total += daemon.listAll(ListRequest.newBuilder().setKind(k.displayName())
                            .setParent(path.toString()).build()).size();
                }
            }
        } catch (StatusRuntimeException notFound) {
            // nothing to count (the object is not there): the delete's own answer says so
            return new DeleteProgress(line, null);
        }
        int all = total;
        AtomicInteger gone = new AtomicInteger();
        ClientCallStreamObserver<WatchRequest>[] call = new ClientCallStreamObserver[1];
        daemon.async().watch(WatchRequest.newBuilder().setFromNow(true).setPathPrefix(path.toString()).build(),
                new ClientResponseObserver<WatchRequest, Event>() {
                    public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
                        call[0] = requests;
                    }

                    public void onNext(Event e) {
                        if (e.getType().endsWith("Deleted")) {
                            line.show("deleting " + path.kind().label() + " " + path.name() + ": "
                                    + gone.incrementAndGet() + " of " + all + " objects");
                        }
                    }

                    public void onError(Throwable t) {
                        // the progress is a courtesy: the delete's own answer says what happened
                    }

                    public void onCompleted() {
                    }
                });
        return new DeleteProgress(line, call[0]);
    }

    @Override
    public void close() {
        if (call != null) {
            call.cancel("the delete answered", null);
        }
        line.clear();
    }
}
