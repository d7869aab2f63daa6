package io.kukeon.network;

import io.kukeon.runtime.OciMount;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A cell's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}: kept in
 * {@code <cell dir>/etc} and bind-mounted read-only into each of its containers.
 * <p>
 * Every write is in place (same inode, never a rename): a bind mount pins the inode it was made
 * on, so a file replaced by a rename would leave running containers with the old content forever.
 * The directory is 0700 like the rest of the data dir; the files are 0644
 * ({@link FileModes#CONTAINER_READABLE_FILE}) so that a container's non-root user can read them.
 */
public final class CellNameFiles {
    /** The directory under the cell's dir; its name marks the files {@link #isNameFile} recognises. */
    public static final String DIRECTORY = "etc";
    public static final String HOSTNAME = "hostname";
    public static final String HOSTS = "hosts";
    public static final String RESOLV_CONF = "resolv.conf";
    private static final Set<String> FILES = Set.of(HOSTNAME, HOSTS, RESOLV_CONF);
    /** Locks that make writers of one file take turns; a fixed set, however many cells there are. */
    private static final Object[] WRITERS = new Object[64];

    static {
        for (int i = 0; i < WRITERS.length; i++) {
            WRITERS[i] = new Object();
        }
    }

    private final Path dir;

    /** @param cellDir the cell's directory in kukeond's data dir; the files go to {@code cellDir/etc} */
    public CellNameFiles(Path cellDir) {
        this.dir = cellDir.resolve(DIRECTORY);
    }

    public Path directory() {
        return dir;
    }

    /**
     * Writes all three files before the cell's containers start (their specs bind them, so they
     * must exist): {@code /etc/hosts} without an address of the cell's own yet, which
     * {@link #rewriteHosts} adds once its root has one.
     */
    public void prepare(String cell, String resolvConf) throws IOException {
        FileModes.createPrivateDirectories(dir);
        rewriteInPlace(dir.resolve(HOSTNAME), cell + "\n");
        rewriteInPlace(dir.resolve(HOSTS), HostsFile.renderUnaddressed(cell));
        rewriteInPlace(dir.resolve(RESOLV_CONF), resolvConf);
    }

    /** The files of a cell on the host's network: its name, and the host's hosts and resolv.conf as they are. */
    public void prepareForHostNetwork(String cell, Path hostHosts, Path hostResolvConf) throws IOException {
        FileModes.createPrivateDirectories(dir);
        rewriteInPlace(dir.resolve(HOSTNAME), cell + "\n");
        rewriteInPlace(dir.resolve(HOSTS), readHostFile(hostHosts));
        rewriteInPlace(dir.resolve(RESOLV_CONF), readHostFile(hostResolvConf));
    }

    /** Writes all three files (at the cell's start, after its root got its address). */
    public void write(CellAddress self, Collection<CellAddress> spaceCells, String resolvConf) throws IOException {
        FileModes.createPrivateDirectories(dir);
        rewriteInPlace(dir.resolve(HOSTNAME), self.cell() + "\n");
        rewriteHosts(self, spaceCells);
        rewriteInPlace(dir.resolve(RESOLV_CONF), resolvConf);
    }

    /** Rewrites {@code /etc/hosts} alone: a cell of the space came or went. */
    public void rewriteHosts(CellAddress self, Collection<CellAddress> spaceCells) throws IOException {
        rewriteInPlace(dir.resolve(HOSTS), HostsFile.render(self, spaceCells));
    }

    /** The mounts to add to each container of the cell: the three files, read-only. */
    public List<OciMount> mounts() {
        return List.of(OciMount.readOnlyBind("/etc/hostname", dir.resolve(HOSTNAME).toString()),
                OciMount.readOnlyBind("/etc/hosts", dir.resolve(HOSTS).toString()),
                OciMount.readOnlyBind("/etc/resolv.conf", dir.resolve(RESOLV_CONF).toString()));
    }

    /** Removes the files and their directory (the cell is deleted); what is already gone is fine. */
    public void delete() throws IOException {
        for (String name : FILES) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }

    /**
     * True for a file this class writes: the data dir's start-up walk ({@link FileModes#tightenTree})
     * leaves these 0644, or containers of running cells could no longer read them.
     */
    public static boolean isNameFile(Path file) {
        Path parent = file.getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(DIRECTORY)
                && FILES.contains(file.getFileName().toString());
    }

    /** A file of the host's (its resolv.conf, its hosts), at most {@link ResolvConf#MAX_HOST_FILE_BYTES}; empty when the host has none. */
    public static String readHostFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(ResolvConf.MAX_HOST_FILE_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return "";
        }
    }

    /**
     * Writes {@code content} over the file from its first byte, then cuts it to the new length: the
     * inode stays, so bind mounts of it see the change. Writers of one file take turns (only kukeond
     * writes these files, one kukeond per data dir); a reader is not locked out, and may for an
     * instant see the new start before the cut. Not forced to disk: kukeond writes them again at
     * each cell's start.
     */
    static void rewriteInPlace(Path file, String content) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        synchronized (WRITERS[Math.floorMod(file.toAbsolutePath().normalize().hashCode(), WRITERS.length)]) {
            try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), FileModes.containerReadableFile())) {
                long position = 0;
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
                channel.truncate(position);
            }
            // the mode given at creation passes through the umask, and a file made before may differ
            if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(FileModes.CONTAINER_READABLE_FILE)) {
                Files.setPosixFilePermissions(file, FileModes.CONTAINER_READABLE_FILE);
            }
        }
    }
}
