package io.kukeon.api;

import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.wire.v1.LogChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a container's log files as the logger leaves them: rotated, partial lines, previous runs, the old plain file. */
class LogCursorTest {
    @TempDir
    Path root;

    private ContainerLogDir dir() throws IOException {
        return new ContainerLogDir(Files.createDirectories(root.resolve("app")));
    }

    private static String at(int second) {
        return Instant.parse("2026-12-06T10:00:00Z").plusSeconds(second) + "";
    }

    /** Records {@code second stream tag text} each, as "10 stdout F hello". */
    private static void write(Path file, String... records) throws IOException {
        StringBuilder s = new StringBuilder();
        for (String r : records) {
            String[] p = r.split(" ", 4);
            s.append(at(Integer.parseInt(p[0])).replace("Z", ".000000000Z")).append(' ').append(p[1]).append(' ')
                    .append(p[2]).append(' ').append(p.length > 3 ? p[3] : "").append('\n');
        }
        Files.writeString(file, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static LogQuery query(int tail) {
        return new LogQuery(false, tail, null, false, false, null);
    }

    private static String read(ContainerLogDir dir, LogQuery q) throws IOException {
        StringBuilder s = new StringBuilder();
        try (LogCursor c = new LogCursor("app", dir, q)) {
            for (LogChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                assertTrue(chunk.getData().size() <= LogCursor.CHUNK);
                s.append(chunk.getData().toStringUtf8());
            }
        }
        return s.toString();
    }

    private void rotatedRun(ContainerLogDir d) throws IOException {
        write(d.directory().resolve("current.log.2"), "1 stdout F one", "2 stderr F two");
        write(d.directory().resolve("current.log.1"), "3 stdout P thr", "4 stdout P e", "5 stdout F e", "6 stdout F four");
        write(d.current(), "7 stderr F five");
    }

    @Test
    void readsRotatedFilesOldestFirstJoiningPartialRecords() throws IOException {
        ContainerLogDir d = dir();
        rotatedRun(d);
        assertEquals("one\ntwo\nthree\nfour\nfive\n", read(d, query(0)));
        assertEquals(at(3).replace("Z", ".000000000Z") + " three\n",
                read(d, new LogQuery(false, 0, null, true, false, null)).lines().skip(2).findFirst().orElseThrow() + "\n",
                "a joined line shows the time of its first record");
    }

    @Test
    void tailCountsLinesAcrossFilesAndAJoinedLineOnce() throws IOException {
        ContainerLogDir d = dir();
        rotatedRun(d);
        assertEquals("five\n", read(d, query(1)));
        assertEquals("four\nfive\n", read(d, query(2)));
        assertEquals("three\nfour\nfive\n", read(d, query(3)));
        assertEquals("two\nthree\nfour\nfive\n", read(d, query(4)));
        assertEquals("one\ntwo\nthree\nfour\nfive\n", read(d, query(50)));
        assertEquals("one\nthree\nfour\n", read(d, new LogQuery(false, 3, null, false, false, "stdout")));
    }

    @Test
    void tailOfALongFileReadsBackwardsAcrossBlocks() throws IOException {
        ContainerLogDir d = dir();
        String[] records = new String[20_000];
        for (int i = 0; i < records.length; i++) {
            records[i] = "1 stdout F line " + i;
        }
        write(d.current(), records);
        assertEquals("line 19997\nline 19998\nline 19999\n", read(d, query(3)));
        assertEquals(5000, read(d, query(5000)).lines().count());
        assertTrue(read(d, query(5000)).startsWith("line 15000\n"));
    }

    @Test
    void sinceAndStreamFilter() throws IOException {
        ContainerLogDir d = dir();
        rotatedRun(d);
        Instant since = Instant.parse(at(4));
        assertEquals("four\nfive\n", read(d, new LogQuery(false, 0, since, false, false, null)),
                "a line whose first record is older is not shown");
        assertEquals("two\nfive\n", read(d, new LogQuery(false, 0, null, false, false, "stderr")));
        assertEquals("five\n", read(d, new LogQuery(false, 5, since, false, false, "stderr")));
    }

    @Test
    void previousRunIsItsOwnFiles() throws IOException {
        ContainerLogDir d = dir();
        write(d.directory().resolve("previous.log.1"), "1 stdout F old one");
        write(d.directory().resolve("previous.log"), "2 stdout F old two");
        write(d.current(), "3 stdout F new");
        assertEquals("old one\nold two\n", read(d, new LogQuery(false, 0, null, false, true, null)));
        assertEquals("new\n", read(d, query(0)));
    }

    @Test
    void aLegacyPlainFileReadsAsPlainLinesAndBecomesThePreviousRun() throws IOException {
        ContainerLogDir d = dir();
        Files.writeString(d.legacy(), "plain one\nplain two\nno newline");
        assertEquals("plain one\nplain two\nno newline\n", read(d, new LogQuery(false, 0, null, true, false, null)));
        assertEquals("no newline\n", read(d, query(1)));
        d.keepLastRunAsPrevious();
        assertTrue(Files.notExists(d.legacy()));
        assertEquals("plain one\nplain two\nno newline\n", read(d, new LogQuery(false, 0, null, false, true, null)));
        assertEquals("", read(d, query(0)));
    }

    @Test
    void keepingTheLastRunReplacesTheOlderPrevious() throws IOException {
        ContainerLogDir d = dir();
        write(d.directory().resolve("previous.log.3"), "1 stdout F oldest");
        write(d.directory().resolve("previous.log"), "2 stdout F older");
        rotatedRun(d);
        d.keepLastRunAsPrevious();
        assertEquals("one\ntwo\nthree\nfour\nfive\n", read(d, new LogQuery(false, 0, null, false, true, null)));
        try (var files = Files.list(d.directory())) {
            assertEquals("[previous.log, previous.log.1, previous.log.2]",
                    files.map(p -> p.getFileName().toString()).sorted().toList().toString());
        }
        d.delete(root);
        assertTrue(Files.notExists(d.directory()));
    }

    @Test
    void followingFinishesARenamedFileThenReadsTheNewOne() throws IOException {
        ContainerLogDir d = dir();
        write(d.current(), "1 stdout F first");
        try (LogCursor c = new LogCursor("app", d, new LogQuery(true, 0, null, false, false, null))) {
            assertEquals("first\n", c.next().getData().toStringUtf8());
            assertNull(c.next(), "nothing more yet");
            write(d.current(), "2 stdout F second");
            // the logger rotates: the old file is renamed, its successors are made (two rotations at once)
            Files.move(d.current(), d.directory().resolve("current.log.2"));
            write(d.directory().resolve("current.log.1"), "3 stdout F third");
            write(d.current(), "4 stdout F fourth");
            StringBuilder s = new StringBuilder();
            for (LogChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                s.append(chunk.getData().toStringUtf8());
            }
            assertEquals("second\nthird\nfourth\n", s.toString());
            write(d.current(), "5 stdout F fifth");
            assertEquals("fifth\n", c.next().getData().toStringUtf8());
            // the container restarts: its run becomes the previous one, a new current begins
            d.keepLastRunAsPrevious();
            write(d.current(), "6 stdout F after the restart");
            assertEquals("after the restart\n", c.next().getData().toStringUtf8());
        }
    }

    @Test
    void followingWaitsForAFileThatIsNotThereYet() throws IOException {
        ContainerLogDir d = dir();
        try (LogCursor c = new LogCursor("app", d, new LogQuery(true, 0, null, false, false, null))) {
            assertNull(c.next());
            write(d.current(), "1 stdout F hello");
            assertEquals("hello\n", c.next().getData().toStringUtf8());
        }
    }

    private static String drain(LogCursor c) {
        StringBuilder s = new StringBuilder();
        for (LogChunk chunk = c.next(); chunk != null; chunk = c.next()) {
            s.append(chunk.getData().toStringUtf8());
        }
        return s.toString();
    }

    /**
     * The next run: the last run's lines and its end mark are passed over; the new run is read
     * across a rotation, and the read ends once its mark is there and all of it was read.
     */
    @Test
    void theNextRunIsReadFromItsBeginningToItsMark() throws IOException {
        ContainerLogDir d = dir();
        write(d.current(), "1 stdout F last run");
        Files.createFile(d.directory().resolve(ContainerLogDir.ENDED));
        try (LogCursor c = new LogCursor("app", d, new LogQuery(true, 0, null, false, false, null, true))) {
            assertEquals("", drain(c), "the last run, ended, is not this one");
            assertTrue(!c.ended());
            d.keepLastRunAsPrevious();   // a start
            write(d.current(), "2 stdout F one", "3 stdout P tw");
            assertEquals("one\n", drain(c));
            Files.move(d.current(), d.directory().resolve("current.log.1"));
            write(d.current(), "4 stdout F o", "5 stderr F three");
            Files.createFile(d.directory().resolve(ContainerLogDir.ENDED));
            assertEquals("two\nthree\n", drain(c));
            assertTrue(c.ended());
        }
    }

    /** A delete while a reader holds the directory waits for it; the reader's end finishes it, empty levels too. */
    @Test
    void aDeleteWaitsForTheReaderOfTheRun() throws IOException {
        ContainerLogDir d = new ContainerLogDir(root.resolve("r/s/t/c/app"));
        ContainerLogDir.Reader reader = d.read(root);
        write(d.current(), "1 stdout F kept for the reader");
        d.delete(root);
        assertTrue(Files.exists(d.current()), "held");
        reader.close();
        assertTrue(Files.notExists(root.resolve("r")), "deleted up to the log root");

        ContainerLogDir e = new ContainerLogDir(root.resolve("r/s/t/c/app"));
        e.read(root);   // a reader that kukeond's end cut short
        write(e.current(), "1 stdout F left");
        e.delete(root);
        ContainerLogDir.sweep(root);
        assertTrue(Files.notExists(root.resolve("r")), "the next start finishes the delete");
    }
}
