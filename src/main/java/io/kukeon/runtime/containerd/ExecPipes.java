package io.kukeon.runtime.containerd;

import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The named pipes between kukeond and an exec process's shim, in a directory of the exec's own.
 * Opening one end of a pipe waits until the other end is opened, and the shim opens its ends only
 * when the process starts: kukeond's ends are opened on threads of their own meanwhile
 * ({@link #openWhile}); a start that fails releases them by opening their other ends itself.
 * Channels, not streams: closing one ends a read or write that blocks on it in another thread.
 */
final class ExecPipes implements AutoCloseable {
    /** How long a released open takes to return. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(1);

    final Path dir;
    final Path stdin;
    final Path stdout;
    final Path stderr;
    private volatile FileChannel in;
    private volatile FileChannel out;
    private volatile FileChannel err;

    private ExecPipes(Path dir, Path stdin, Path stdout, Path stderr) {
        this.dir = dir;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Makes the directory (0700) and its pipes (0600): stdout always, stdin and stderr when asked. */
    static ExecPipes make(Path dir, boolean withStdin, boolean withStderr) {
        ExecPipes pipes = new ExecPipes(dir, withStdin ? dir.resolve("stdin") : null, dir.resolve("stdout"),
                withStderr ? dir.resolve("stderr") : null);
        try {
            FileModes.createPrivateDirectories(dir);
            NamedPipes.make(pipes.paths());
            return pipes;
        } catch (IOException e) {
            pipes.remove();
            throw new RuntimeFailure("RuntimeError", "cannot make the pipes of an exec in " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<Path> paths() {
        List<Path> all = new ArrayList<>();
        for (Path p : new Path[] {stdin, stdout, stderr}) {
            if (p != null) {
                all.add(p);
            }
        }
        return all;
    }

    /**
     * Opens kukeond's ends (stdin for writing, stdout and stderr for reading) while {@code start}
     * runs and makes the shim open its ends. When {@code start} fails, or the ends are not open within
     * {@code timeout} of it, every end is released and closed and the failure thrown.
     */
    void openWhile(Runnable start, Duration timeout) {
        CompletableFuture<FileChannel> inOpen = opening(stdin, StandardOpenOption.WRITE);
        CompletableFuture<FileChannel> outOpen = opening(stdout, StandardOpenOption.READ);
        CompletableFuture<FileChannel> errOpen = opening(stderr, StandardOpenOption.READ);
        try {
            start.run();
            in = inOpen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            out = outOpen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            err = errOpen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException | ExecutionException | TimeoutException | InterruptedException e) {
            release();
            for (CompletableFuture<FileChannel> end : List.of(inOpen, outOpen, errOpen)) {
                try {
                    closeQuietly(end.get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException | TimeoutException | InterruptedException notOpened) {
                    // it failed to open, or its thread ends with the pipe's removal
                }
            }
            closeChannels();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw new RuntimeFailure("RuntimeError", "the pipes of the exec in " + dir + " did not open: " + e, e);
        }
    }

    /** Opens one end on a thread of its own (a pipe's open waits for its other end); null for no pipe. */
    private static CompletableFuture<FileChannel> opening(Path pipe, StandardOpenOption mode) {
        CompletableFuture<FileChannel> opened = new CompletableFuture<>();
        if (pipe == null) {
            opened.complete(null);
            return opened;
        }
        Thread t = new Thread(() -> {
            try {
                opened.complete(FileChannel.open(pipe, mode));
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
            }
        }, "kukeon-exec-open");
        t.setDaemon(true);
        t.start();
        return opened;
    }

    /** Opens and closes the other side of every pipe, so that an open of ours still waiting returns. */
    private void release() {
        for (Path p : paths()) {
            try (RandomAccessFile both = new RandomAccessFile(p.toFile(), "rw")) {
                // O_RDWR never waits on a pipe, and counts as the reader and the writer the other open waits for
            } catch (IOException | RuntimeException gone) {
                // nothing waits on a pipe that is gone
            }
        }
    }

    FileChannel stdinChannel() {
        return in;
    }

    FileChannel stdoutChannel() {
        return out;
    }

    FileChannel stderrChannel() {
        return err;
    }

    void closeStdin() {
        closeQuietly(in);
    }

    /** Ends reads and writes in progress: they see end of file or a closed channel. */
    void closeChannels() {
        closeQuietly(in);
        closeQuietly(out);
        closeQuietly(err);
    }

    /** The pipes and their directory; the levels above are left to whoever made them. */
    void remove() {
        for (Path p : paths()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // removed with the directory below, or left for the start-up sweep
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // the start-up sweep of leftover execs removes it
        }
    }

    @Override
    public void close() {
        closeChannels();
        remove();
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }
}
