package io.kukeon.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a host tool (a CNI plugin, iptables) where kukeond keeps its cells' networks: in kukeond's
 * own network namespace, or in the one a setting names (tests run everything that makes bridges,
 * veths and rules inside a namespace of their own, entered with {@code nsenter --net}). Bounded:
 * each run has a timeout after which the process is killed by PID, and output is cut at a limit.
 */
public final class HostCommand {
    /** Output kept of each stream; a CNI result or an iptables listing of ours is far smaller. */
    public static final int MAX_OUTPUT_BYTES = 1 << 20;

    /** A tool's words kept in an error message or a log line; a plugin's or iptables' reason is far shorter. */
    public static final int MAX_MESSAGE_CHARS = 500;

    /** What a run gave: its exit code and what it wrote (each cut at {@link #MAX_OUTPUT_BYTES}). */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** One daemon thread ends the runs that outlive their timeout. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kukeon-host-command-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Path networkNamespace;
    private final Duration timeout;

    /**
     * @param networkNamespace the namespace to run in (a {@code /run/netns/NAME} or {@code /proc/PID/ns/net}
     *                         path), or null for kukeond's own
     */
    public HostCommand(Path networkNamespace, Duration timeout) {
        this.networkNamespace = networkNamespace;
        this.timeout = timeout;
    }

    /** The namespace commands run in, or null for kukeond's own. */
    public Path networkNamespace() {
        return networkNamespace;
    }

    /**
     * Runs {@code argv} with {@code environment} added to kukeond's, {@code stdin} as its input.
     *
     * @throws HostCommandTimeout when it did not end within the timeout (it is killed)
     */
    public Result run(List<String> argv, Map<String, String> environment, byte[] stdin) throws IOException {
        List<String> command = new ArrayList<>();
        if (networkNamespace != null) {
            command.add("nsenter");
            command.add("--net=" + networkNamespace);
            command.add("--");
        }
        command.addAll(argv);
        Path errors = Files.createTempFile("kukeon-host-command", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            // set before the first kill: once a child is killed the tool may end on its own, before the watchdog returns
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledFuture<?> kill = WATCHDOG.schedule(() -> {
                timedOut.set(true);
                killWithDescendants(process);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException closedEarly) {
                    // the tool ended without reading all of its input: its exit code says why
                }
                String out;
                try {
                    out = readAtMost(process.getInputStream());
                } catch (IOException e) {
                    if (!timedOut.get()) {
                        throw e;
                    }
                    out = "";   // the kill closed the stream
                }
                int exit = process.waitFor();
                if (timedOut.get()) {
                    throw new HostCommandTimeout(argv.get(0), timeout);
                }
                try (InputStream err = Files.newInputStream(errors)) {
                    return new Result(exit, out, readAtMost(err));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + argv.get(0), e);
            } finally {
                kill.cancel(false);
            }
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /**
     * Kills the tool and what it started, children first while they can still be found from it: a
     * child that outlives the tool would hold its output open and keep {@link #run} waiting.
     */
    private static void killWithDescendants(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String readAtMost(InputStream stream) throws IOException {
        byte[] kept = stream.readNBytes(MAX_OUTPUT_BYTES);
        stream.transferTo(OutputStream.nullOutputStream());   // drain the rest so the tool can end
        return new String(kept, StandardCharsets.UTF_8);
    }

    /**
     * A tool's complaint as one bounded line of an error or of the daemon's log: white space folded
     * (iptables-restore puts its reason on a second line), cut at {@link #MAX_MESSAGE_CHARS}.
     */
    public static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    /** A run that did not end within its timeout. */
    public static final class HostCommandTimeout extends IOException {
        public HostCommandTimeout(String tool, Duration timeout) {
            super(tool + " did not finish within " + timeout.toSeconds() + " s and was killed");
        }
    }
}
