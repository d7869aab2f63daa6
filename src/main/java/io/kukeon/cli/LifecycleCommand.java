package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import io.kukeon.wire.v1.Status;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** start, stop, kill, restart: of a cell, or with {@code --container} of one of its containers. */
abstract class LifecycleCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "CELL")
    String cell;

    @Option(names = "--container", paramLabel = "NAME", description = "Only this container of the cell.")
    String container;

    @Mixin
    Scope scope;

    /** The call, and the past tense the report uses ({@code Stopped}). */
    abstract ObjectResponse call(DaemonConnection daemon, LifecycleRequest request);

    abstract String done();

    int timeoutSeconds() {
        return 0;
    }

    /** Start and restart may pull an image: worth showing its progress. */
    boolean startsSomething() {
        return false;
    }

    @Override
    int run(DaemonConnection daemon) {
        ObjectPath path = container == null ? scope.path(Kind.CELL, cell, null) : scope.path(Kind.CONTAINER, container, cell);
        ObjectResponse response = showingPulls(this, daemon, path, startsSomething(), () -> call(daemon,
                LifecycleRequest.newBuilder().setKind(path.kind().displayName()).setPath(path.toString())
                        .setTimeoutSeconds(timeoutSeconds()).build()));
        String what = container == null ? "cell \"" + cell + "\"" : "container \"" + container + "\" of cell \"" + cell + "\"";
        String failure = startsSomething() ? notStarted(what, BringUpVerdicts.judged(daemon, response)) : null;
        if (failure != null) {
            err().println(failure);
            return 1;
        }
        out().println(container == null ? done() + " " + what + " from stack \"" + scope.stack + "\"" : done() + " " + what);
        return 0;
    }

    /** The call, with the progress of the pulls it makes shown on a terminal when {@code pulls}. */
    static ObjectResponse showingPulls(DaemonCommand command, DaemonConnection daemon, ObjectPath path, boolean pulls,
                                       java.util.function.Supplier<ObjectResponse> call) {
        try (PullWatch watch = PullWatch.watch(daemon, List.of(path.ancestor(Kind.CELL)),
                new ProgressLine(command.err(), command.kuke().terminal()), command.kuke().terminal() && pulls)) {
            return call.get();
        }
    }

    /**
     * Why a start did not start {@code what}, in one line, or null when it did: the daemon answers
     * with the object as it ended up, and a start that failed is the user's failure too.
     */
    static String notStarted(String what, ObjectResponse response) {
        Status status = response.getObject().getStatus();
        if (!NOT_STARTED.contains(status.getState())) {
            return null;
        }
        return what + " did not start (" + status.getState() + (status.getReason().isEmpty() ? "" : ", "
                + status.getReason()) + ")" + (status.getMessage().isEmpty() ? "" : ": " + ErrorLine.oneLine(status.getMessage()));
    }

    /** States a start or restart can leave an object in that mean it is not running because of it. */
    private static final java.util.Set<String> NOT_STARTED = java.util.Set.of("Failed", "Error");

    /** {@code --timeout} of stop and restart: how long after SIGTERM before SIGKILL. */
    abstract static class WithTimeout extends LifecycleCommand {
        @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
                description = "Wait this long after SIGTERM before SIGKILL, e.g. 10s (default: kukeond's, 10s).")
        java.time.Duration timeout;

        @Override
        int timeoutSeconds() {
            return timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toSeconds()));
        }
    }
}
