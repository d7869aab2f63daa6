package io.kukeon.daemon.journalport;

import io.kukeon.daemon.journalport.SampleJournal.Run;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.kukeon.daemon.journalport.SampleJournal.kukeond;
import static io.kukeon.daemon.journalport.SampleJournal.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kukeond journal export} and {@code import} between H2 journals (PostgreSQL:
 * {@link PostgresJournalPortTest}): the rows move exactly, a daemon on the copy shows the same
 * objects, and whatever cannot be done safely is refused by name, changing nothing.
 */
class JournalPortTest {
    @TempDir
    Path work;

    @Test
    void aJournalMovesToAnotherDataDirExactly() throws Exception {
        List<String> objects = SampleJournal.make(work, Map.of());
        Path source = work.resolve("data");
        Path file = work.resolve("journal.kjx");
        Run exported = kukeond("journal", "export", "--data-dir", source.toString(), "--to", file.toString());
        assertEquals(0, exported.exit(), exported.err());
        assertTrue(exported.out().startsWith("exported "), exported.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path copy = work.resolve("copy");
        SampleJournal.copyKey(source, copy);
        Run imported = kukeond("journal", "import", "--data-dir", copy.toString(), "--from", file.toString());
        assertEquals(0, imported.exit(), imported.err());
        String counts = exported.out().lines().findFirst().orElseThrow().replaceAll(" from the .*", "").replace("exported", "imported");
        assertTrue(imported.out().startsWith(counts + " from " + file + " into the H2 journal " + copy), imported.out());
        assertTrue(imported.out().contains("replayed the file and the journal: the states of all "), imported.out());

        Path again = work.resolve("again.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", copy.toString(), "--to", again.toString()).exit());
        assertEquals(records(file), records(again), "every row of every table, as it was");
        try (TestDaemon daemon = SampleJournal.daemonOn(work, copy, Map.of())) {
            SampleJournal.awaitObjects(daemon, objects);
        }
    }

    @Test
    void nothingMovesWhileAKukeondRunsOnTheJournal() throws Exception {
        SampleJournal.make(work, Map.of());
        Path data = work.resolve("data");
        Path file = work.resolve("journal.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", file.toString()).exit());
        try (DaemonProcess daemon = new DaemonProcess(data)) {   // H2 keeps out other processes, not this one
            daemon.start();
            Path other = work.resolve("other.kjx");
            Run export = kukeond("journal", "export", "--data-dir", data.toString(), "--to", other.toString());
            assertEquals(1, export.exit());
            assertEquals("kukeond: a kukeond runs on the journal " + data.resolve("journal/kukeon.mv.db") + " (H2 lets one process "
                    + "open it): stop it first, then run kukeond journal export again\n", export.err());
            assertFalse(Files.exists(other));
            Run imported = kukeond("journal", "import", "--data-dir", data.toString(), "--from", file.toString(), "--force");
            assertEquals(1, imported.exit());
            assertTrue(imported.err().startsWith("kukeond: a kukeond runs on the journal "), imported.err());
            assertFalse(Files.exists(data.resolve("journal/kukeon-import.mv.db")));
        }
    }

    @Test
    void aJournalThatHoldsEventsIsReplacedOnlyWithForce() throws Exception {
        SampleJournal.make(work, Map.of());
        Path data = work.resolve("data");
        Path before = work.resolve("before.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", before.toString()).exit());

        Path other = work.resolve("other");
        Files.createDirectories(other);
        List<String> otherObjects = SampleJournal.make(other, Map.of());
        SampleJournal.copyKey(other.resolve("data"), work.resolve("other-key"));
        Path otherFile = work.resolve("other.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", other.resolve("data").toString(), "--to", otherFile.toString()).exit());

        // the key of the data dir is not the file's: refused before anything, even with --force
        Run wrongKey = kukeond("journal", "import", "--data-dir", data.toString(), "--from", otherFile.toString(), "--force");
        assertEquals(1, wrongKey.exit());
        assertTrue(wrongKey.err().contains("but the file's secrets are sealed with key "), wrongKey.err());
        assertUnchanged(data, before);

        Files.copy(work.resolve("other-key/keys/journal.key"), data.resolve("keys/journal.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run refused = kukeond("journal", "import", "--data-dir", data.toString(), "--from", otherFile.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().matches("(?s)kukeond: the H2 journal holds \\d+ events and \\d+ snapshots: import into an empty "
                + "journal, or give --force to replace them\n"), refused.err());
        assertUnchanged(data, before);

        Run forced = kukeond("journal", "import", "--data-dir", data.toString(), "--from", otherFile.toString(), "--force");
        assertEquals(0, forced.exit(), forced.err());
        Path after = work.resolve("after.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", after.toString()).exit());
        assertEquals(records(otherFile), records(after));
        try (TestDaemon daemon = SampleJournal.daemonOn(other, data, Map.of())) {
            SampleJournal.awaitObjects(daemon, otherObjects);
        }
    }

    @Test
    void aTruncatedFileImportsNothing() throws Exception {
        SampleJournal.make(work, Map.of());
        Path data = work.resolve("data");
        Path file = work.resolve("journal.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", file.toString()).exit());
        byte[] whole = Files.readAllBytes(file);
        Path cut = Files.write(work.resolve("cut.kjx"), Arrays.copyOf(whole, whole.length - 200));
        Path copy = work.resolve("copy");
        SampleJournal.copyKey(data, copy);

        Run imported = kukeond("journal", "import", "--data-dir", copy.toString(), "--from", cut.toString());
        assertEquals(1, imported.exit());
        assertTrue(imported.err().startsWith("kukeond: " + cut + " is truncated: "), imported.err());
        assertFalse(Files.exists(copy.resolve("journal/kukeon.mv.db")), "no journal where there was none");
        assertFalse(Files.exists(copy.resolve("journal/kukeon-import.mv.db")));

        Run exists = kukeond("journal", "export", "--data-dir", data.toString(), "--to", file.toString());
        assertEquals(2, exists.exit());
        assertTrue(exists.err().contains(file + " exists: export to a new file"), exists.err());
    }

    private static void assertUnchanged(Path data, Path before) throws Exception {
        Path now = before.resolveSibling("now-" + System.nanoTime() + ".kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", now.toString()).exit());
        assertEquals(records(before), records(now), "the journal is as it was");
    }
}
