package io.kukeon.network;

import io.kukeon.secrets.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kukeon.runtime.OciMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellNameFilesTest {
    private static final CellAddress WEB = new CellAddress("web", "10.88.3.2");
    private static final CellAddress DB = new CellAddress("db", "10.88.3.4");
    private static final String RESOLV = ResolvConf.render("nameserver 10.0.0.2\n", List.of());

    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void writesTheThreeFilesReadableByContainersInADirectoryOfRootsOnly() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp.resolve("cells/web"));

        files.write(WEB, List.of(WEB, DB), RESOLV);

        Path dir = tmp.resolve("cells/web/etc");
        assertEquals(dir, files.directory());
        assertEquals("rwx------", mode(dir));
        assertEquals("web\n", Files.readString(dir.resolve("hostname")));
        assertEquals(HostsFile.render(WEB, List.of(DB)), Files.readString(dir.resolve("hosts")));
        assertEquals(RESOLV, Files.readString(dir.resolve("resolv.conf")));
        for (String name : List.of("hostname", "hosts", "resolv.conf")) {
            assertEquals("rw-r--r--", mode(dir.resolve(name)), name);
        }
    }

    /** A user's mount may not take the place of a file bound here: the model refuses exactly these targets. */
    @Test
    void theBoundFilesAreTheTargetsAUsersMountIsRefused() {
        assertEquals(io.kukeon.model.MountRules.CELL_FILES,
                new CellNameFiles(tmp).mounts().stream().map(OciMount::destination).toList());
    }

    @Test
    void aRewriteKeepsTheInodeAndLeavesNoTailOfALongerContent() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp);
        files.write(WEB, List.of(DB, new CellAddress("cache", "10.88.3.3")), RESOLV);
        Path hosts = files.directory().resolve("hosts");
        Object before = inode(hosts);

        files.rewriteHosts(WEB, List.of());

        assertEquals(before, inode(hosts));
        assertEquals(HostsFile.render(WEB, List.of()), Files.readString(hosts));
    }

    /** The space's cells come and go on several threads at once: each rewrite is whole, none fails. */
    @Test
    void concurrentRewritesOfOneFileEachLeaveAWholeFile() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp);
        files.write(WEB, List.of(), RESOLV);
        List<List<CellAddress>> spaces = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            List<CellAddress> space = new ArrayList<>();
            for (int i = 0; i < n * 40; i++) {
                space.add(new CellAddress("cell-" + i, "10.88.3." + (i % 250 + 2)));
            }
            spaces.add(space);
        }
        Set<String> wholeFiles = spaces.stream().map(s -> HostsFile.render(WEB, s)).collect(Collectors.toSet());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                List<Future<?>> writes = new ArrayList<>();
                for (List<CellAddress> space : spaces) {
                    writes.add(threads.submit(() -> {
                        files.rewriteHosts(WEB, space);
                        return null;
                    }));
                }
                for (Future<?> write : writes) {
                    write.get(10, TimeUnit.SECONDS);
                }
                String hosts = Files.readString(files.directory().resolve("hosts"));
                assertTrue(wholeFiles.contains(hosts), "round " + round + " left a mixed file of " + hosts.length() + " bytes");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRewriteGivesBackTheModeContainersNeed() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp);
        files.write(WEB, List.of(), RESOLV);
        Path hosts = files.directory().resolve("hosts");
        Files.setPosixFilePermissions(hosts, FileModes.PRIVATE_FILE);

        files.rewriteHosts(WEB, List.of(DB));

        assertEquals("rw-r--r--", mode(hosts));
    }

    @Test
    void theDataDirWalkAtStartUpLeavesTheNameFilesReadableAndTightensTheRest() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp.resolve("data/cells/web"));
        files.write(WEB, List.of(), RESOLV);
        Path log = Files.writeString(tmp.resolve("data/cells/web/app.log"), "x");
        Path otherHosts = Files.writeString(tmp.resolve("data/hosts"), "not a cell's");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(otherHosts, PosixFilePermissions.fromString("rw-r--r--"));

        FileModes.tightenTree(tmp.resolve("data"), CellNameFiles::isNameFile);

        assertEquals("rw-r--r--", mode(files.directory().resolve("hosts")));
        assertEquals("rwx------", mode(files.directory()));
        assertEquals("rw-------", mode(log));
        assertEquals("rw-------", mode(otherHosts));
    }

    @Test
    void aSymbolicLinkInPlaceOfAFileIsNotFollowed() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp);
        files.write(WEB, List.of(), RESOLV);
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "untouched");
        Path hosts = files.directory().resolve("hosts");
        Files.delete(hosts);
        Files.createSymbolicLink(hosts, elsewhere);

        assertThrows(IOException.class, () -> files.rewriteHosts(WEB, List.of(DB)));
        assertEquals("untouched", Files.readString(elsewhere));
    }

    @Test
    void theMountsBindEachFileReadOnlyAtItsPlaceInTheContainer() {
        CellNameFiles files = new CellNameFiles(tmp);
        Path dir = files.directory();

        assertEquals(List.of(
                new OciMount("/etc/hostname", "bind", dir.resolve("hostname").toString(), List.of("rbind", "ro")),
                new OciMount("/etc/hosts", "bind", dir.resolve("hosts").toString(), List.of("rbind", "ro")),
                new OciMount("/etc/resolv.conf", "bind", dir.resolve("resolv.conf").toString(), List.of("rbind", "ro"))),
                files.mounts());
    }

    @Test
    void deleteRemovesTheFilesAndTheirDirectoryAndIsFineWhenTheyAreGone() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp);
        files.write(WEB, List.of(), RESOLV);

        files.delete();
        files.delete();

        assertFalse(Files.exists(files.directory()));
    }

    @Test
    void recognisesItsFilesByDirectoryAndName() {
        assertTrue(CellNameFiles.isNameFile(Path.of("/d/cells/web/etc/hosts")));
        assertTrue(CellNameFiles.isNameFile(Path.of("/d/cells/web/etc/resolv.conf")));
        assertFalse(CellNameFiles.isNameFile(Path.of("/d/cells/web/etc/passwd")));
        assertFalse(CellNameFiles.isNameFile(Path.of("/d/cells/web/hosts")));
        assertFalse(CellNameFiles.isNameFile(Path.of("hosts")));
    }

    @Test
    void theHostsResolvConfIsReadUpToItsLimitAndAMissingOneIsEmpty() throws Exception {
        assertEquals("", CellNameFiles.readHostFile(tmp.resolve("none")));
        Path big = Files.write(tmp.resolve("resolv.conf"), new byte[3 * ResolvConf.MAX_HOST_FILE_BYTES]);
        assertEquals(ResolvConf.MAX_HOST_FILE_BYTES, CellNameFiles.readHostFile(big).length());
    }

    /**
     * Real: a process in a mount namespace of its own (nothing of the host's mounts changes) binds
     * the hosts file read-only, as runc does for a container, then reads it after the rewrite.
     */
    @Test
    void aRewriteIsSeenThroughABindMountMadeBeforeIt() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp.resolve("cell"));
        files.write(WEB, List.of(), RESOLV);

        String seen = readThroughBindMount(files.directory().resolve("hosts"), () -> files.rewriteHosts(WEB, List.of(DB)));

        assertTrue(seen.contains("10.88.3.4\tdb\n"), seen);
        assertTrue(seen.endsWith("read-only\n"), "the mount is read-only inside: " + seen);
    }

    /** The control: the same reader does not see a file replaced by a rename, which is why we never rename. */
    @Test
    void aFileReplacedByARenameIsNotSeenThroughTheBindMount() throws Exception {
        CellNameFiles files = new CellNameFiles(tmp.resolve("cell"));
        files.write(WEB, List.of(), RESOLV);
        Path hosts = files.directory().resolve("hosts");

        String seen = readThroughBindMount(hosts, () -> {
            Path next = Files.writeString(hosts.resolveSibling("hosts.next"), HostsFile.render(WEB, List.of(DB)));
            Files.move(next, hosts, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });

        assertFalse(seen.contains("\tdb\n"), seen);
    }

    private interface Rewrite {
        void run() throws IOException;
    }

    /** What a reader holding a read-only bind mount of {@code source} sees after {@code rewrite}. */
    private String readThroughBindMount(Path source, Rewrite rewrite) throws Exception {
        Path target = Files.createFile(tmp.resolve("mount-point"));
        Process reader = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount --bind \"$1\" \"$2\" && mount -o remount,bind,ro \"$2\" && echo mounted && read go && cat \"$2\""
                        + " && if (echo x >> \"$2\") 2>/dev/null; then echo writable; else echo read-only; fi",
                "reader", source.toString(), target.toString())
                .redirectErrorStream(true).start();
        try {
            var out = reader.inputReader(StandardCharsets.UTF_8);
            assertEquals("mounted", out.readLine(), "unshare and mount must work here (root)");
            rewrite.run();
            reader.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            reader.getOutputStream().close();
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.append(line).append('\n');
            }
            assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "the reader ends");
            assertEquals(0, reader.exitValue(), seen.toString());
            assertEquals(0, Files.size(target), "the host's view of the mount point is untouched");
            return seen.toString();
        } finally {
            reader.destroyForcibly();
        }
    }
}
