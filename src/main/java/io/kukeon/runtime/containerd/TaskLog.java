package io.kukeon.runtime.containerd;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.runtime.LogTarget;

import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a task's stdout and stderr go: to our logger, {@code kukeon-logger} (src/main/c), which
 * the shim starts beside the task (containerd's {@code binary://} logging), so the log is written
 * while kukeond is down. It writes each line as a kubelet CRI record (time, stream, text) into the
 * container's {@code current.log}, rotating it by size and count; see the C file for the details.
 *
 * <p>Not containerd's {@code file://}: with it the shim copies both streams into one file and the
 * stdout copier closes that file when stdout ends, even while stderr is still being copied; a
 * process that ends right after writing to stderr loses those lines (7 runs in 100 of
 * {@code echo out; echo err >&2} here; containerd 1.6 to 2.x, "error copying stderr" in its log).
 * The logger reads both pipes to their end and ignores the SIGTERM the shim sends at task delete.
 */
public final class TaskLog {
    private TaskLog() {}

    /**
     * The stdout and stderr URI for a task logging to {@code log}. The shim runs the URI's path
     * with each query key and value as arguments, in a Go map's (random) order: the logger reads
     * them as pairs. The streams are on fds 3 and 4; the shim waits for fd 5 to close.
     */
    static String uri(Path logger, LogTarget log) {
        return uri(logger, log, null);
    }

    /**
     * With a terminal (not null), the logger also holds the terminal's stdin pipe open and serves
     * its attach socket: clients get the output raw and write to the stdin.
     */
    static String uri(Path logger, LogTarget log, TaskTerminal terminal) {
        String query = "file=" + queryValue(log.dir().current().toAbsolutePath().toString())
                + "&max-size=" + log.maxSizeBytes() + "&max-files=" + log.maxFiles();
        if (terminal != null) {
            query += "&attach-socket=" + queryValue(terminal.socket().toAbsolutePath().toString())
                    + "&stdin=" + queryValue(terminal.stdin().toAbsolutePath().toString());
        }
        try {
            // the multi-argument URI quotes what a path may not hold as it is; Go's parser unquotes it
            return new java.net.URI("binary", "", logger.toAbsolutePath().toString(), null) + "?" + query;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the logger's path " + logger + " cannot be a URI: " + e.getMessage(), e);
        }
    }

    /** Go's query parser: '&' and ';' separate pairs, '+' is a space; all escaped here. */
    private static String queryValue(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code kukeon-logger} beside the jar (or the classes) kukeond runs from: where Maven builds it. */
    public static Path besideTheJar() {
        try {
            Path code = Path.of(TaskLog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("kukeon-logger");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("kukeon-logger").toAbsolutePath();
        }
    }

    /** Refuses, in one line, a logger that is missing or cannot be run: no container could log. */
    public static Path requireRunnable(Path logger) {
        if (!Files.isRegularFile(logger) || !Files.isExecutable(logger)) {
            throw new InvalidArgumentException("logger", logger + " is missing or not executable; build it with mvn"
                    + " (it is target/kukeon-logger) or set logger to its path");
        }
        return logger;
    }
}
