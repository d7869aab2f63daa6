package io.kukeon.daemon.journalport;

import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.journalport.JournalFile.EventRow;
import io.kukeon.daemon.journalport.JournalFile.SnapshotRow;
import io.kukeon.daemon.journalport.SampleJournal.Run;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.TempDirs;
import io.kukeon.testing.TestDaemon;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.kukeon.daemon.journalport.SampleJournal.kukeond;
import static io.kukeon.daemon.journalport.SampleJournal.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kukeond journal export} and {@code import} between H2 journals (PostgreSQL:
 * {@link PostgresJournalPortTest}): the rows move exactly, a daemon on the copy shows the same
 * objects, and whatever cannot be done safely is refused by name, changing nothing. One sample
 * journal for all; each test works on copies of it.
 */
class JournalPortTest {
    private static Path sample;
    private static List<String> objects;
    /** The sample journal's export. */
    private static Path file;

    @TempDir
    Path work;

    @BeforeAll
    static void makeSample() throws Exception {
        sample = Files.createTempDirectory("journal-port-");
        objects = SampleJournal.make(sample, Map.of());
        file = sample.resolve("journal.kjx");
        Run exported = kukeond("journal", "export", "--data-dir", sample.resolve("data").toString(), "--to", file.toString());
        assertEquals(0, exported.exit(), exported.err());
        assertTrue(exported.out().matches("exported \\d+ events \\(\\d+ tags\\) and \\d+ snapshots of 16 objects from the "
                + "H2 journal " + sample.resolve("data/journal/kukeon.mv.db") + " to " + file + "\nsha256 [0-9a-f]{64}\n"),
                exported.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @AfterAll
    static void removeSample() throws Exception {
        TempDirs.deleteRecursively(sample);
    }

    /** A copy of the sample's data dir (journal and key) and of its fake containers, in this test's work dir. */
    private Path copyOfSample() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.createDirectories(data.resolve("journal"));
        Files.copy(sample.resolve("data/journal/kukeon.mv.db"), data.resolve("journal/kukeon.mv.db"));
        SampleJournal.copyKey(sample.resolve("data"), data);
        copyRuntime();
        return data;
    }

    private void copyRuntime() throws Exception {
        Files.copy(sample.resolve(SampleJournal.RUNTIME_STATE), work.resolve(SampleJournal.RUNTIME_STATE),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sample.resolve("kukeond.conf"), work.resolve("kukeond.conf"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aJournalMovesToAnotherDataDirExactly() throws Exception {
        copyRuntime();
        Path copy = work.resolve("copy");
        SampleJournal.copyKey(sample.resolve("data"), copy);
        Run imported = kukeond("journal", "import", "--data-dir", copy.toString(), "--from", file.toString());
        assertEquals(0, imported.exit(), imported.err());
        String counts = Files.readString(file).lines().reduce((a, b) -> b).orElseThrow();   // the end line
        long events = Long.parseLong(counts.replaceAll(".*\"events\":(\\d+).*", "$1"));
        long snapshots = Long.parseLong(counts.replaceAll(".*\"snapshots\":(\\d+).*", "$1"));
        assertEquals("imported " + events + " events (" + events + " tags) and " + snapshots + " snapshots of 16 objects from "
                + file + " into the H2 journal " + copy.resolve("journal/kukeon.mv.db") + "\n"
                + "replayed the file and the journal: the states of all 16 objects and all " + snapshots + " snapshots match\n",
                imported.out());
        assertTrue(snapshots > 0, "snapshot-every = 3 made snapshots");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(copy.resolve("journal/kukeon.mv.db"))));

        Path again = work.resolve("again.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", copy.toString(), "--to", again.toString()).exit());
        assertEquals(records(file), records(again), "every row of every table, as it was");
        try (TestDaemon daemon = SampleJournal.daemonOn(work, copy, Map.of())) {
            SampleJournal.awaitObjects(daemon, objects);
        }
    }

    @Test
    void nothingMovesWhileAKukeondRunsOnTheJournal() throws Exception {
        Path data = copyOfSample();
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
        copyRuntime();
        Path data = work.resolve("used");
        try (TestDaemon own = TestDaemon.start(data)) {   // a journal of its own, with its own key and an acknowledged realm
            own.client().create(io.kukeon.wire.v1.CreateRequest.newBuilder().setObject(io.kukeon.api.Docs.realm("elsewhere")).build());
        }
        Path before = work.resolve("before.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", before.toString()).exit());

        Run wrongKey = kukeond("journal", "import", "--data-dir", data.toString(), "--from", file.toString(), "--force");
        assertEquals(1, wrongKey.exit());
        assertTrue(wrongKey.err().matches("kukeond: the key file " + data.resolve("keys/journal.key") + " holds key \\w+, but the "
                + "file's secrets are sealed with key \\w+: use the key file of the journal's host\n"), wrongKey.err());
        assertUnchanged(data, before);

        Files.copy(sample.resolve("data/keys/journal.key"), data.resolve("keys/journal.key"), StandardCopyOption.REPLACE_EXISTING);
        Run refused = kukeond("journal", "import", "--data-dir", data.toString(), "--from", file.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().matches("kukeond: the H2 journal holds [1-9]\\d* events and \\d+ snapshots: import into an empty "
                + "journal, or give --force to replace them\n"), refused.err());
        assertUnchanged(data, before);

        Run forced = kukeond("journal", "import", "--data-dir", data.toString(), "--from", file.toString(), "--force");
        assertEquals(0, forced.exit(), forced.err());
        Path after = work.resolve("after.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", after.toString()).exit());
        assertEquals(records(file), records(after), "the sample's rows alone");
        try (TestDaemon daemon = SampleJournal.daemonOn(work, data, Map.of())) {
            SampleJournal.awaitObjects(daemon, objects);
        }
    }

    @Test
    void aTruncatedFileImportsNothing() throws Exception {
        byte[] whole = Files.readAllBytes(file);
        Path cut = Files.write(work.resolve("cut.kjx"), Arrays.copyOf(whole, whole.length - 200));
        Path copy = work.resolve("copy");
        SampleJournal.copyKey(sample.resolve("data"), copy);

        Run imported = kukeond("journal", "import", "--data-dir", copy.toString(), "--from", cut.toString());
        assertEquals(1, imported.exit());
        assertTrue(imported.err().startsWith("kukeond: " + cut + " is truncated: "), imported.err());
        assertFalse(Files.exists(copy.resolve("journal/kukeon.mv.db")), "no journal where there was none");
        assertFalse(Files.exists(copy.resolve("journal/kukeon-import.mv.db")));

        Run exists = kukeond("journal", "export", "--data-dir", copy.toString(), "--to", file.toString());
        assertEquals(2, exists.exit());
        assertTrue(exists.err().contains(file + " exists: export to a new file"), exists.err());
    }

    /** The comparison an import ends with: a replay that misses one event differs, and names that object and field. */
    @Test
    void aReplayThatDiffersNamesTheFirstObjectAndField() throws Exception {
        DaemonConfig config = DaemonConfig.load(Map.of("data-dir", sample.resolve("data").toString()), null, Map.of());
        ActorSystem system = ActorSystem.create("replay-test", config.pekko());
        try {
            JournalReplay whole = new JournalReplay(SerializationExtension.get(system));
            JournalReplay lacking = new JournalReplay(SerializationExtension.get(system));
            List<Object> rows = new java.util.ArrayList<>();
            JournalFile.read(file, new JournalFile.Visitor() {
                public void header(JournalFile.Header header) {}

                public void snapshot(SnapshotRow row) {
                    rows.add(row);
                }

                public void event(EventRow row) {
                    rows.add(row);
                }
            });
            EventRow lastOfCellTwo = rows.stream().filter(r -> r instanceof EventRow e && e.persistenceId().equals("Cell|main/apps/web/two"))
                    .map(EventRow.class::cast).reduce((a, b) -> b).orElseThrow();
            for (Object row : rows) {
                if (row instanceof SnapshotRow s) {
                    whole.snapshot(s);
                    lacking.snapshot(s);
                } else {
                    whole.event((EventRow) row);
                    if (row != lastOfCellTwo) {
                        lacking.event((EventRow) row);
                    }
                }
            }
            assertNull(JournalReplay.firstDifference(whole, whole));
            assertEquals(16, whole.states().size());
            String difference = JournalReplay.firstDifference(whole, lacking);
            assertTrue(difference != null && difference.startsWith("Cell|main/apps/web/two differs in field "), difference);
        } finally {
            system.terminate();
        }
    }

    private static void assertUnchanged(Path data, Path before) throws Exception {
        Path now = before.resolveSibling("now-" + System.nanoTime() + ".kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", data.toString(), "--to", now.toString()).exit());
        assertEquals(records(before), records(now), "the journal is as it was");
    }
}
