package io.kukeon.daemon.journalport;

import io.kukeon.daemon.journalport.JournalFile.EventRow;
import io.kukeon.daemon.journalport.JournalFile.SnapshotRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export file's format: every column back as written, and a file that is not whole refused by name. */
class JournalFileTest {
    @TempDir
    Path dir;

    private static final JournalFile.Header HEADER = new JournalFile.Header(JournalFile.FORMAT, JournalFile.VERSION,
            "2026-12-06T00:00:00Z", "test", "H2 journal", "key-1");
    private static final SnapshotRow SNAPSHOT = new SnapshotRow("Cell|a/b/c/d", 3, 1_700_000_000_000L, 7420,
            "cell.Record#2", new byte[] {1, 2, 3, 0, (byte) 255}, null, null, null);
    private static final EventRow FIRST = new EventRow(1, "Host|local", 1, false, "w-1", 1_700_000_000_001L, "", 7420,
            "host.DaemonStarted", new byte[] {10, 20}, 5, "meta", new byte[] {9}, List.of("kukeon"));
    private static final EventRow SECOND = new EventRow(7, "Cell|a/b/c/d", 4, true, "w-2", null, null, 33,
            "io.kukeon.supervisor.CellActor$CellCreated", new byte[0], null, null, null, List.of());

    private Path write() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JournalFile.Writer w = new JournalFile.Writer(bytes, HEADER)) {
            w.snapshot(SNAPSHOT);
            w.event(FIRST);
            w.event(SECOND);
            JournalFile.End end = w.finish();
            assertEquals(new JournalFile.End(1, 2, 1, 7, end.sha256()), end);
        }
        return Files.write(dir.resolve("journal.kjx"), bytes.toByteArray());
    }

    @Test
    void everyColumnReadsBackAsWritten() throws Exception {
        Path file = write();
        List<Object> records = new ArrayList<>();
        JournalFile.Header[] header = new JournalFile.Header[1];
        JournalFile.End end = JournalFile.read(file, new JournalFile.Visitor() {
            public void header(JournalFile.Header h) {
                header[0] = h;
            }

            public void snapshot(SnapshotRow row) {
                records.add(row);
            }

            public void event(EventRow row) {
                records.add(row);
            }
        });
        assertEquals(HEADER, header[0]);
        assertEquals(3, records.size());
        SnapshotRow s = (SnapshotRow) records.get(0);
        assertEquals(List.of(SNAPSHOT.persistenceId(), SNAPSHOT.sequenceNumber(), SNAPSHOT.created(), SNAPSHOT.snapshotSerId(),
                SNAPSHOT.snapshotSerManifest()), List.of(s.persistenceId(), s.sequenceNumber(), s.created(), s.snapshotSerId(),
                s.snapshotSerManifest()));
        assertArrayEquals(SNAPSHOT.snapshotPayload(), s.snapshotPayload());
        assertNull(s.metaSerId());
        assertNull(s.metaPayload());
        assertEvent(FIRST, (EventRow) records.get(1));
        assertEvent(SECOND, (EventRow) records.get(2));
        assertEquals(7, end.lastOrdering());
    }

    private static void assertEvent(EventRow want, EventRow got) {
        assertEquals(Arrays.asList(want.ordering(), want.persistenceId(), want.sequenceNumber(), want.deleted(), want.writer(),
                want.writeTimestamp(), want.adapterManifest(), want.eventSerId(), want.eventSerManifest(), want.metaSerId(),
                want.metaSerManifest(), want.tags()), Arrays.asList(got.ordering(), got.persistenceId(), got.sequenceNumber(),
                got.deleted(), got.writer(), got.writeTimestamp(), got.adapterManifest(), got.eventSerId(), got.eventSerManifest(),
                got.metaSerId(), got.metaSerManifest(), got.tags()));
        assertArrayEquals(want.eventPayload(), got.eventPayload());
        assertArrayEquals(want.metaPayload(), got.metaPayload());
    }

    @Test
    void aFileCutAnywhereIsRefusedAsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(write());
        // every cut: within a line, at a line's end, just before the end line's newline
        for (int length = 1; length < whole.length; length++) {
            Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(whole, length));
            JournalFile.BadFile e = assertThrows(JournalFile.BadFile.class, () -> readAll(cut), "cut at " + length);
            assertTrue(e.getMessage().startsWith(cut + " is truncated") || e.getMessage().contains("damaged record"),
                    "cut at " + length + ": " + e.getMessage());
        }
    }

    @Test
    void aChangedByteFailsTheChecksum() throws Exception {
        String text = Files.readString(write());
        String changed = text.replace("\"writer\":\"w-2\"", "\"writer\":\"w-3\"");
        Path file = Files.writeString(dir.resolve("changed"), changed);
        JournalFile.BadFile e = assertThrows(JournalFile.BadFile.class, () -> readAll(file));
        assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
    }

    @Test
    void aMissingLineIsRefusedByItsCounts() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(write()));
        lines.remove(2);   // the first event
        Path file = Files.write(dir.resolve("short"), lines);
        JournalFile.BadFile e = assertThrows(JournalFile.BadFile.class, () -> readAll(file));
        assertTrue(e.getMessage().contains("holds 1 snapshots, 1 events and 0 tags, but its end line counts 1, 2 and 1"),
                e.getMessage());
    }

    @Test
    void aNewerVersionIsRefusedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("v2"), Files.readString(write()).replace("\"version\":1", "\"version\":2"));
        JournalFile.BadFile e = assertThrows(JournalFile.BadFile.class, () -> readAll(file));
        assertTrue(e.getMessage().contains("is version 2 of the journal export, written by a newer kukeond"), e.getMessage());
    }

    @Test
    void otherFilesAreNoExport() throws Exception {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertTrue(assertThrows(JournalFile.BadFile.class, () -> readAll(empty)).getMessage().contains("is empty"));
        Path other = Files.writeString(dir.resolve("other"), "{\"hello\":1}\n");
        assertTrue(assertThrows(JournalFile.BadFile.class, () -> readAll(other)).getMessage()
                .contains("is not a kukeon journal export"));
        Path after = Files.writeString(dir.resolve("after"), Files.readString(write()) + "{}\n");
        assertTrue(assertThrows(JournalFile.BadFile.class, () -> readAll(after)).getMessage().contains("goes on after its end line"));
    }

    @Test
    void snapshotsAfterEventsAreRefused() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(write()));
        lines.add(3, lines.remove(1));   // the snapshot after both events
        Path file = Files.write(dir.resolve("order"), lines);
        JournalFile.BadFile e = assertThrows(JournalFile.BadFile.class, () -> readAll(file));
        assertTrue(e.getMessage().contains("has a snapshot after its events at line 4"), e.getMessage());
    }

    @Test
    void theWriterKeepsSnapshotsBeforeEvents() throws Exception {
        try (JournalFile.Writer w = new JournalFile.Writer(new ByteArrayOutputStream(), HEADER)) {
            w.event(FIRST);
            assertThrows(IllegalStateException.class, () -> w.snapshot(SNAPSHOT));
        }
    }

    private static void readAll(Path file) throws Exception {
        try (JournalFile.Reader reader = new JournalFile.Reader(file, Files.newInputStream(file))) {
            while (reader.next() != null) {
                // each record, read and counted
            }
        }
    }
}
