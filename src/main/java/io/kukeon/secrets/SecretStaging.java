package io.kukeon.secrets;

import io.kukeon.cgroup.MountInfo;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.Utf8;
import io.kukeon.network.HostCommand;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hands containers their {@code secrets[]} at each start: reads each value from its source (a host
 * file, kukeond's environment, or a stored Secret), and gives it either as an environment variable or as a file on a
 * tmpfs of kukeond's own ({@code secrets-dir}, mounted at the first mounted secret, never on disk),
 * bound read-only into the container. Values are never logged nor put in a message: errors name the
 * secret and its source only.
 */
public final class SecretStaging implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecretStaging.class);

    /** The whole tmpfs: every container's mounted secrets together. */
    static final String TMPFS_SIZE = "64m";
    static final String UNAVAILABLE = "SecretUnavailable";
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(10);
    /** In the tmpfs: the data dir of the kukeond that mounted it, so that no other one stages into it or unmounts it. */
    private static final String OWNER_FILE = ".owner";

    private final Path dir;
    private final String owner;
    private final Map<String, String> environment;

    /**
     * @param dir         the tmpfs mount point (e.g. {@code /run/kukeon/secrets}); a tmpfs an earlier
     *                    kukeond of the same {@code owner} left there (killed) is taken over as it is, files of
     *                    running containers included
     * @param owner       what tells this kukeond's tmpfs from another one's: its data dir
     * @param environment kukeond's environment, where {@code fromEnv} looks
     */
    public SecretStaging(Path dir, String owner, Map<String, String> environment) {
        this.dir = dir.toAbsolutePath().normalize();
        this.owner = owner;
        this.environment = Map.copyOf(environment);
    }

    /**
     * What one container gets.
     *
     * @param env    {@code NAME=VALUE} entries
     * @param mounts read-only binds of the staged files
     * @param files  the staged files, for their owner to become the container's user
     */
    public record Staged(List<String> env, List<OciMount> mounts, List<Path> files) {
        public static final Staged NONE = new Staged(List.of(), List.of(), List.of());

        public Staged {
            env = List.copyOf(env);
            mounts = List.copyOf(mounts);
            files = List.copyOf(files);
        }

        @Override
        public String toString() {
            return "Staged[" + env.size() + " variables, " + mounts.size() + " files]";   // never the values
        }
    }

    /**
     * Reads every secret of one container and stages the mounted ones under its own directory (a
     * fresh copy each start, so a changed source reaches the container at its next start).
     *
     * @throws RuntimeFailure {@value #UNAVAILABLE} naming the secret and its source when a value cannot be had
     */
    public Staged stage(String containerdId, List<ContainerSecret> secrets) {
        return stage(containerdId, secrets, SecretLookup.NONE);
    }

    /** As {@link #stage(String, List)}, a {@code secretRef} read through {@code stored}. */
    public Staged stage(String containerdId, List<ContainerSecret> secrets, SecretLookup stored) {
        if (secrets.isEmpty()) {
            return Staged.NONE;
        }
        List<String> env = new ArrayList<>();
        List<OciMount> mounts = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < secrets.size(); i++) {
            ContainerSecret s = secrets.get(i);
            byte[] value = read(s, stored);
            if (!s.mounted()) {
                env.add(s.name() + "=" + asVariable(s, value));
                continue;
            }
            Path file = write(containerdId, i, s, value);
            files.add(file);
            mounts.add(new OciMount(s.mountPath(), "bind", file.toString(), List.of("rbind", "ro", "nosuid", "nodev", "noexec")));
        }
        return new Staged(env, mounts, files);
    }

    /** Removes a container's staged files (its delete); idempotent. */
    public void remove(String containerdId) {
        Path own = containerDir(containerdId);
        try {
            if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
                FileModes.deleteTree(own);
            }
        } catch (IOException e) {
            LOG.warn("the staged secrets of {} are left in {}: {}", containerdId, own, e.getMessage());
        }
    }

    /** Unmounts the tmpfs at a clean stop: what runs keeps its own binds; the next start stages again. */
    @Override
    public void close() {
        if (!isMounted() || !isOurs()) {
            return;
        }
        try {
            HostCommand.Result r = new HostCommand(null, MOUNT_TIMEOUT).run(List.of("umount", "-l", dir.toString()), Map.of(), new byte[0]);
            if (!r.succeeded()) {
                LOG.warn("cannot unmount the secrets tmpfs {}: {}", dir, HostCommand.oneLine(r.stderr()));
            }
        } catch (IOException e) {
            LOG.warn("cannot unmount the secrets tmpfs {}: {}", dir, e.getMessage());
        }
    }

    private byte[] read(ContainerSecret s, SecretLookup stored) {
        if (s.secretRef() != null) {
            return stored.value(s.secretRef()).orElseThrow(() -> unavailable(s, "does not exist"))
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (s.fromEnv() != null) {
            String value = environment.get(s.fromEnv());
            if (value == null) {
                throw unavailable(s, "is not set");
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > ContainerSecret.MAX_VALUE_BYTES) {
                throw unavailable(s, "is longer than " + ContainerSecret.MAX_VALUE_BYTES + " bytes");
            }
            return bytes;
        }
        Path source = Path.of(s.fromFile());
        if (!Files.isRegularFile(source)) {
            throw unavailable(s, "is not a regular file");
        }
        try (InputStream in = Files.newInputStream(source)) {
            byte[] bytes = in.readNBytes(ContainerSecret.MAX_VALUE_BYTES + 1);
            if (bytes.length > ContainerSecret.MAX_VALUE_BYTES) {
                throw unavailable(s, "is larger than " + ContainerSecret.MAX_VALUE_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw unavailable(s, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** An environment variable holds text without NUL: a binary value needs a mountPath. */
    private static String asVariable(ContainerSecret s, byte[] value) {
        return Utf8.decode(value).filter(text -> text.indexOf('\0') < 0).orElseThrow(() -> unavailable(s, "is not UTF-8 text without NUL, which an environment variable needs (give it a mountPath)"));
    }

    private Path write(String containerdId, int index, ContainerSecret s, byte[] value) {
        try {
            ensureMounted();
            Path own = FileModes.createPrivateDirectories(containerDir(containerdId));
            Path file = own.resolve(Integer.toString(index));   // no name of the user's in a host path
            Path tmp = own.resolve(index + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
            Files.write(tmp, value);   // root writes through DAC; the mode is 0400 from the first byte
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new RuntimeFailure(UNAVAILABLE, "secret \"" + s.name() + "\" cannot be staged in " + dir + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private Path containerDir(String containerdId) {
        return dir.resolve(containerdId);
    }

    /** Mounts the tmpfs unless a kukeond (this one, or one before it) did; refuses to stage on anything else. */
    private synchronized void ensureMounted() throws IOException {
        if (!isMounted()) {
            FileModes.createPrivateDirectories(dir);
            HostCommand.Result r = new HostCommand(null, MOUNT_TIMEOUT).run(List.of("mount", "-t", "tmpfs", "-o",
                    "size=" + TMPFS_SIZE + ",mode=0700,nosuid,nodev,noexec", "kukeon-secrets", dir.toString()), Map.of(), new byte[0]);
            if (!r.succeeded()) {
                throw new IOException("mount failed: " + HostCommand.oneLine(r.stderr()));
            }
            FileModes.writePrivateFile(dir.resolve(OWNER_FILE), owner.getBytes(StandardCharsets.UTF_8));
            LOG.info("mounted the secrets tmpfs at {}", dir);
        }
        if (!"tmpfs".equals(Files.getFileStore(dir).type()) || !isOurs()) {
            throw new IOException(dir + " is not a tmpfs of this kukeond's (set secrets-dir to a directory of its own)");
        }
    }

    private boolean isOurs() {
        try {
            return owner.equals(Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return false;
        }
    }

    private boolean isMounted() {
        return MountInfo.mountpoints().contains(dir);
    }

    private static RuntimeFailure unavailable(ContainerSecret s, String why) {
        return new RuntimeFailure(UNAVAILABLE, "secret \"" + s.name() + "\": " + s.source() + " " + why);
    }
}
