package io.kukeon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kuke's own terminal (its stdin), through {@code stty}: Java has no termios. Raw mode sends every
 * key, Ctrl-C included, to the process at the other end; the saved mode is put back on every way
 * out, a JVM shutdown (SIGTERM, SIGHUP) included.
 */
final class TerminalMode {
    private static final long STTY_TIMEOUT_SECONDS = 5;

    private final String saved;
    private volatile boolean raw;
    private final Thread restoreAtExit = new Thread(this::restore, "kuke-terminal-restore");

    private TerminalMode(String saved) {
        this.saved = saved;
    }

    /** The terminal on stdin, its mode saved; null when stdin is not a terminal. */
    static TerminalMode ofStdin() {
        String saved = stty("-g");
        return saved == null ? null : new TerminalMode(saved.trim());
    }

    /** {columns, rows}, or {0, 0} when unknown. */
    int[] size() {
        String size = stty("size");
        if (size != null) {
            String[] rowsColumns = size.trim().split("\\s+");
            if (rowsColumns.length == 2) {
                try {
                    return new int[] {Integer.parseInt(rowsColumns[1]), Integer.parseInt(rowsColumns[0])};
                } catch (NumberFormatException unknown) {
                    // fall through
                }
            }
        }
        return new int[] {0, 0};
    }

    void makeRaw() {
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
        raw = true;
        stty("raw", "-echo");
    }

    synchronized void restore() {
        if (raw) {
            raw = false;
            stty(saved);
        }
    }

    /** Puts the mode back and forgets the shutdown hook (it may already be running). */
    void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotAdded) {
            // the hook restores it, or it was never needed
        }
    }

    /** Runs stty on kuke's stdin; its output, or null when it failed (stdin not a terminal). */
    private static String stty(String... args) {
        try {
            Process p = new ProcessBuilder(concat(args)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(STTY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(String... args) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(List.of("stty"));
        all.addAll(List.of(args));
        return all;
    }
}
