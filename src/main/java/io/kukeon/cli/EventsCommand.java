package io.kukeon.cli;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kukeon.api.v1.Event;
import io.kukeon.api.v1.HistoryRequest;
import io.kukeon.api.v1.WatchRequest;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The durable history: of one object ({@code events cell/web}, from the History RPC), or of
 * everything (the Watch RPC from the start of the journal). {@code --follow} goes on with new events.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print the recorded events of one object (KIND/NAME) or of everything, oldest first.")
final class EventsCommand extends DaemonCommand {
    /** Without --follow, a journal replay that stays silent this long is taken as finished. */
    static final Duration QUIET_FIRST = Duration.ofSeconds(3);
    static final Duration QUIET_BETWEEN = Duration.ofMillis(700);
    private static final Object END = new Object();

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND/NAME", description = "e.g. cell/web; everything when left out.")
    String object;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--since", paramLabel = "DURATION", converter = Durations.class, description = "Only events this recent, e.g. 10m, 2h.")
    Duration since;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL", description = "For container/NAME: its cell.")
    String cell;

    private Kind kind;
    private ObjectPath path;

    @Override
    void validate() {
        if (object == null) {
            return;
        }
        int slash = object.indexOf('/');
        if (slash <= 0 || slash == object.length() - 1) {
            throw usage("'" + object + "' is not KIND/NAME, e.g. cell/web");
        }
        kind = new KindName().convert(object.substring(0, slash));
        if (kind == Kind.CONTAINER && cell == null) {
            throw usage("--cell is required for the events of a container");
        }
        path = scope.path(kind, object.substring(slash + 1), cell);
    }

    @Override
    int run(DaemonConnection daemon) throws InterruptedException {
        Instant cutoff = since == null ? null : Instant.now().minus(since);
        long lastOffset = 0;
        if (path != null) {
            for (Event e : daemon.calls().history(HistoryRequest.newBuilder().setKind(kind.displayName())
                    .setPath(path.toString()).build()).getEventsList()) {
                print(e, cutoff);
                lastOffset = Math.max(lastOffset, e.getOffset());
            }
            if (!follow) {
                return 0;
            }
            WatchRequest.Builder w = WatchRequest.newBuilder().addKinds(kind.displayName()).setPathPrefix(path.toString());
            Iterator<Event> live = daemon.streams().watch(lastOffset > 0 ? w.setAfterOffset(lastOffset).build()
                    : w.setFromNow(true).build());
            while (live.hasNext()) {
                Event e = live.next();
                if (e.getPath().equals(path.toString())) {
                    print(e, cutoff);
                }
            }
            return 0;
        }
        everything(daemon, cutoff);
        return 0;
    }

    /** All events from the journal's start; without --follow, until the replay falls quiet. */
    private void everything(DaemonConnection daemon, Instant cutoff) throws InterruptedException {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
        daemon.async().watch(WatchRequest.newBuilder().setAfterOffset(0).build(), new ClientResponseObserver<WatchRequest, Event>() {
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                call[0] = requestStream;
            }

            public void onNext(Event e) {
                queue.add(e);
            }

            public void onError(Throwable t) {
                queue.add(t);
            }

            public void onCompleted() {
                queue.add(END);
            }
        });
        Duration quiet = QUIET_FIRST;
        while (true) {
            Object next = follow ? queue.take() : queue.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null || next == END) {
                call[0].cancel("caught up", null);
                return;
            }
            if (next instanceof RuntimeException t) {
                throw t;
            }
            if (next instanceof Throwable t) {
                throw new IllegalStateException(t);
            }
            print((Event) next, cutoff);
            quiet = QUIET_BETWEEN;
        }
    }

    private void print(Event e, Instant cutoff) {
        if (cutoff != null && !e.getTimestamp().isEmpty()) {
            try {
                if (Instant.parse(e.getTimestamp()).isBefore(cutoff)) {
                    return;
                }
            } catch (DateTimeParseException ignored) {
                // an unparsable time is shown rather than hidden
            }
        }
        out().println(EventLine.of(e));
        out().flush();
    }
}
