package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.LifecycleRequest;
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
    abstract void call(DaemonConnection daemon, LifecycleRequest request);

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
        try (PullWatch pulls = PullWatch.watch(daemon, List.of(path.ancestor(Kind.CELL)),
                new ProgressLine(err(), kuke().terminal()), kuke().terminal() && startsSomething())) {
            call(daemon, LifecycleRequest.newBuilder().setKind(path.kind().displayName()).setPath(path.toString())
                    .setTimeoutSeconds(timeoutSeconds()).build());
        }
        out().println(container == null
                ? done() + " cell \"" + cell + "\" from stack \"" + scope.stack + "\""
                : done() + " container \"" + container + "\" of cell \"" + cell + "\"");
        return 0;
    }

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
