package io.kukeon.supervisor.tree;

import io.kukeon.model.KukeonException;
import io.kukeon.model.Sizes;

/** How a failure is described in a status and in the journal: one line, never a stack trace. */
public final class Failures {
    private Failures() {}

    /** The message of our own exceptions; the class and message of anything else; cut to a bounded length. */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        String line = e instanceof KukeonException ? m : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return Sizes.cut(line, Sizes.MAX_MESSAGE_CHARS);
    }

    /** The kind of our own exceptions (the status's reason), else {@code fallback}. */
    public static String reasonOf(Throwable error, String fallback) {
        return error instanceof KukeonException k ? k.kind() : fallback;
    }
}
