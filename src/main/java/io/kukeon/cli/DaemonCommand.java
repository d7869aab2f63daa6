package io.kukeon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command that talks to kukeond: opens the connection, runs, closes it. Exit code 0 or 1. */
abstract class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (DaemonConnection daemon = kuke().connect()) {
            return run(daemon);
        }
    }

    /** Checks of the arguments that need no daemon; throw {@link #usage} for a usage error (exit 2). */
    void validate() {
    }

    abstract int run(DaemonConnection daemon) throws Exception;

    Kuke kuke() {
        return (Kuke) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
