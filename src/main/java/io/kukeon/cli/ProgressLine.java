package io.kukeon.cli;

import java.io.PrintWriter;

/** One line of progress on a terminal, rewritten in place and cleared at the end; nothing elsewhere. */
final class ProgressLine {
    private final PrintWriter err;
    private final boolean terminal;
    private boolean shown;

    ProgressLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    synchronized void show(String text) {
        if (terminal) {
            err.print("\r" + text + "\033[K");
            err.flush();
            shown = true;
        }
    }

    synchronized void clear() {
        if (shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }
}
