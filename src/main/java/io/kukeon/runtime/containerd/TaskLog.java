package io.kukeon.runtime.containerd;

import io.kukeon.secrets.FileModes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a task's stdout and stderr go: appended to the container's log file by a few lines of
 * {@code /bin/sh} that the shim starts beside the task (containerd's {@code binary://} logging), so
 * the log is written while kukeond is down.
 *
 * <p>Not containerd's {@code file://}: with it the shim copies both streams into one file and the
 * stdout copier closes that file when stdout ends, even while stderr is still being copied; a
 * process that ends right after writing to stderr loses those lines (7 runs in 100 of
 * {@code echo out; echo err >&2} here; containerd 1.6 to 2.x, "error copying stderr" in its log).
 * Here each stream has its own {@code cat}, each appending with O_APPEND; SIGTERM, which the
 * shim sends when the task is deleted, is ignored so that both drain to the end of their pipes.
 * The shim's umask is its own: the script sets {@link FileModes}' so that a new log is 0600.
 */
final class TaskLog {
    private TaskLog() {}

    /**
     * The stdout and stderr URI for a task logging to {@code logFile}. The shim runs the URI's
     * path with each query key and value as arguments ({@code sh -c SCRIPT}), the streams on
     * fds 3 and 4, and waits for fd 5 to close: every copy of it, the {@code cat}s' too.
     */
    static String uri(Path logFile) {
        String log = quoted(logFile.toAbsolutePath().toString());
        String script = "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
                + "umask " + FileModes.PRIVATE_UMASK + "\n"
                + "trap '' TERM\n"
                + "cat <&3 >>" + log + " 4<&- 5>&- &\n"
                + "cat <&4 >>" + log + " 3<&- 5>&- &\n"
                + "exec 3<&- 4<&- 5>&-\n"
                + "wait\n";
        // Go's query parser: '&' and ';' separate pairs, '+' is a space; all escaped here.
        return "binary:///bin/sh?-c=" + URLEncoder.encode(script, StandardCharsets.UTF_8);
    }

    /** A single-quoted sh word. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
