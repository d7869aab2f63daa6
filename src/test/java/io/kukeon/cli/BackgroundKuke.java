package io.kukeon.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * kuke running in a thread of its own: a command that follows a stream ({@code -f}, {@code -w}) while
 * the test changes things, then is stopped by an interrupt (what Ctrl-C is to a terminal) or ends by itself.
 */
final class BackgroundKuke {
    /** Only a guard against a test that would hang: nothing here measures speed. */
    private static final long PATIENCE_NANOS = 30_000_000_000L;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Thread thread;
    private volatile int exit = -1;

    BackgroundKuke(Map<String, String> env, String... args) {
        this(env, false, args);
    }

    /** @param terminal stderr is a terminal, as for someone at one: long work shows its progress there */
    BackgroundKuke(Map<String, String> env, boolean terminal, String... args) {
        thread = new Thread(() -> exit = Kuke.run(args, new PrintWriter(out), new PrintWriter(err), env::get,
                InputStream.nullInputStream(), terminal), "kuke " + String.join(" ", args));
        thread.start();
    }

    /** Waits until stdout holds the text. */
    void awaitOut(String text) throws InterruptedException {
        await(out, text);
    }

    /** Waits until stderr holds the text. */
    void awaitErr(String text) throws InterruptedException {
        await(err, text);
    }

    private void await(StringWriter stream, String text) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!stream.toString().contains(text)) {
            if (System.nanoTime() > deadline || !thread.isAlive() && !stream.toString().contains(text)) {
                throw new AssertionError("never printed \"" + text + "\":\n" + out + err);
            }
            Thread.sleep(20);
        }
    }

    /** Interrupts it and returns its exit code. */
    int stop() throws InterruptedException {
        thread.interrupt();
        return join();
    }

    /** Waits for it to end and returns its exit code. */
    int join() throws InterruptedException {
        thread.join(PATIENCE_NANOS / 1_000_000);
        if (thread.isAlive()) {
            throw new AssertionError("kuke did not end:\n" + out + err);
        }
        return exit;
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
