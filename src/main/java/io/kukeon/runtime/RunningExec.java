package io.kukeon.runtime;

import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * A started exec process and its pipes. Reads and writes block (run them off actor and stream
 * threads); {@link #close()} may be called from any thread, also while a read or write blocks, which
 * then ends. The process's exit status comes from {@link #exit()}; its output ends once the process
 * and whatever it left holding the pipes have closed them.
 */
public interface RunningExec extends AutoCloseable {

    /** Up to {@code buffer.length} bytes of stdout (the terminal's output with a tty); -1 at its end. */
    int readStdout(byte[] buffer) throws IOException;

    /** Up to {@code buffer.length} bytes of stderr; -1 at its end, at once with a tty. */
    int readStderr(byte[] buffer) throws IOException;

    /** Writes all of it to the process's stdin, waiting while the pipe is full. */
    void writeStdin(byte[] data) throws IOException;

    /** The process reads end of file from here on. */
    void closeStdin();

    void resize(int width, int height);

    void signal(int signal);

    /** The exit status (128 + n when killed by signal n), once the process has ended. */
    CompletionStage<Integer> exit();

    /** Ends the output reads where they are (the process may have left a child holding its pipes). */
    void stopReading();

    /** SIGKILL when still running, then the process and its pipes are removed. Idempotent. */
    @Override
    void close();
}
