package io.kukeon.runtime.containerd;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes named pipes (mode 0600) with coreutils' mkfifo: Java has no mkfifo of its own. */
final class NamedPipes {
    private static final Duration MKFIFO_TIMEOUT = Duration.ofSeconds(5);

    private NamedPipes() {}

    static void make(List<Path> pipes) throws IOException {
        List<String> mkfifo = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        pipes.forEach(p -> mkfifo.add(p.toString()));
        Process p = new ProcessBuilder(mkfifo).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(MKFIFO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo did not end within " + MKFIFO_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while making named pipes", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("mkfifo: " + new String(p.getInputStream().readNBytes(500)).trim());
        }
    }
}
