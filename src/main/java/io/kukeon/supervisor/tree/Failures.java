package io.kukeon.supervisor.tree;

import io.kukeon.model.KukeonException;

/** How a failure is described in a status and in the journal: one line, never a stack trace. */
public final class Failures {
    private Failures() {}

    /** The message of our own exceptions; the class and message of anything else. */
    public static String describe(Throwable e) {
        if (e instanceof KukeonException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** The kind of our own exceptions (the status's reason), else {@code fallback}. */
    public static String reasonOf(Throwable error, String fallback) {
        return error instanceof KukeonException k ? k.kind() : fallback;
    }
}
