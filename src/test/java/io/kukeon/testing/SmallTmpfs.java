package io.kukeon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few MiB mounted on a directory of the test's own, to fill and grow: a data dir that
 * runs out of space. Needs root; a test that uses it fails (never skips) when it cannot mount.
 * {@link #close()} unmounts that one directory and nothing else.
 */
public final class SmallTmpfs implements AutoCloseable {
    private final Path dir;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
    }

    public static SmallTmpfs mount(Path dir, int mebibytes) throws IOException {
        Files.createDirectories(dir);
        if (isMountPoint(dir)) {
            throw new IllegalStateException(dir + " is a mount point already; a test mounts only on a fresh directory");
        }
        run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0700", "kukeon-test", dir.toString());
        return new SmallTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Grows (or shrinks) the filesystem in place; what is on it stays. */
    public void resize(int mebibytes) throws IOException {
        run("mount", "-o", "remount,size=" + mebibytes + "m", dir.toString());
    }

    public long freeBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException {
        if (isMountPoint(dir)) {
            run("umount", dir.toString());
        }
    }

    private static boolean isMountPoint(Path dir) throws IOException {
        String path = dir.toRealPath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].equals(path)) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
        }
    }
}
