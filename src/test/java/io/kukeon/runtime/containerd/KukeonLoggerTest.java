package io.kukeon.runtime.containerd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task logger binary (src/main/c/kukeon-logger.c, built by Maven) run directly, its streams
 * on fds 3 and 4 as the shim gives them (FIFOs here), fd 5 its readiness pipe.
 */
class KukeonLoggerTest {
    private static final Pattern RECORD =
            Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z) (stdout|stderr) ([FP]) (.*)");

    @TempDir
    Path dir;

    static Path binary() {
        return Path.of(System.getProperty("kukeon.projectDir", "."), "target", "kukeon-logger");
    }

    /** A logger started on two FIFOs; the test writes the task's output into them. */
    final class Running implements AutoCloseable {
        final Process process;
        final OutputStream stdout;
        final OutputStream stderr;

        Running(String... pairs) throws Exception {
            Path out = dir.resolve("out.fifo");
            Path err = dir.resolve("err.fifo");
            for (Path fifo : List.of(out, err)) {
                assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            }
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec \"$0\" \"$@\" 3<" + out + " 4<" + err + " 5>/dev/null",
                    binary().toString()));
            cmd.addAll(List.of(pairs));
            process = new ProcessBuilder(cmd).redirectError(dir.resolve("logger.err").toFile()).start();
            stdout = Files.newOutputStream(out);   // the shell opens the FIFOs in this order
            stderr = Files.newOutputStream(err);
        }

        int finish() throws Exception {
            stdout.close();
            stderr.close();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the logger ends when both streams are closed");
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private Path log() {
        return dir.resolve("current.log");
    }

    private static List<Matcher> records(Path file) throws IOException {
        List<Matcher> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = RECORD.matcher(line);
            assertTrue(m.matches(), "a CRI record: " + line);
            records.add(m);
        }
        return records;
    }

    private static String text(List<Matcher> records) {
        StringBuilder s = new StringBuilder();
        for (Matcher m : records) {
            s.append(m.group(2)).append(' ').append(m.group(3)).append(' ').append(m.group(4).length() > 20
                    ? m.group(4).length() + " bytes" : m.group(4)).append('\n');
        }
        return s.toString();
    }

    @Test
    void eachLineOfEitherStreamIsOneRecordAndTheUnterminatedEndIsOneToo() throws Exception {
        try (Running logger = new Running("max-files", "2", "file", log().toString(), "max-size", "65536")) {
            logger.stdout.write("first\nsecond\n".getBytes(StandardCharsets.UTF_8));
            logger.stdout.flush();
            logger.stderr.write("oops\n".getBytes(StandardCharsets.UTF_8));
            logger.stderr.flush();
            logger.stdout.write("no newline".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, logger.finish());
        }
        List<Matcher> records = records(log());
        List<String> sorted = records.stream().map(m -> m.group(2) + " " + m.group(3) + " " + m.group(4)).sorted().toList();
        assertEquals(List.of("stderr F oops", "stdout F first", "stdout F no newline", "stdout F second"), sorted);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log())));
        assertEquals("", Files.readString(dir.resolve("logger.err")));
    }

    @Test
    void aLineLongerThanTheBufferBecomesPartialRecordsEndingWithAFullOne() throws Exception {
        try (Running logger = new Running("file", log().toString(), "max-size", "1048576", "max-files", "2")) {
            logger.stdout.write(("x".repeat(40_000) + "\nshort\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(0, logger.finish());
        }
        assertEquals("stdout P 16384 bytes\nstdout P 16384 bytes\nstdout F 7232 bytes\nstdout F short\n", text(records(log())));
    }

    @Test
    void rotatesBySizeKeepingMaxFilesEachUnderMaxSize() throws Exception {
        int lines = 2000;
        try (Running logger = new Running("max-size", "8192", "max-files", "3", "file", log().toString())) {
            for (int i = 0; i < lines; i++) {
                logger.stdout.write(String.format("line %05d %s\n", i, "y".repeat(40)).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(0, logger.finish());
        }
        try (var files = Files.list(dir)) {
            // and, both pipes drained, the end of the run is marked
            assertEquals(List.of("current.log", "current.log.1", "current.log.2", "current.log.ended"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("current.log")).sorted().toList());
        }
        List<Integer> numbers = new ArrayList<>();
        for (String name : List.of("current.log.2", "current.log.1", "current.log")) {
            Path file = dir.resolve(name);
            assertTrue(Files.size(file) <= 8192, name + " is " + Files.size(file) + " bytes");
            for (Matcher m : records(file)) {
                numbers.add(Integer.parseInt(m.group(4).substring(5, 10)));
            }
        }
        assertEquals(lines - 1, numbers.get(numbers.size() - 1), "the newest line is in current.log");
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(numbers.get(i - 1) + 1, numbers.get(i), "the kept files hold consecutive lines, oldest first");
        }
        assertTrue(numbers.size() > 8192 * 2 / 90, "the rotated files are full: " + numbers.size() + " lines kept");
    }

    /** A new run took the name current.log (a start renamed this run's file): the last run's logger marks nothing. */
    @Test
    void aLoggerWhoseFileWasRenamedAwayDoesNotMarkTheNewRun() throws Exception {
        try (Running logger = new Running("file", log().toString(), "max-size", "65536", "max-files", "1")) {
            logger.stdout.write("last run\n".getBytes(StandardCharsets.UTF_8));
            io.kukeon.testing.Eventually.value("the line logged", java.time.Duration.ofSeconds(10),
                    () -> Files.exists(log()) && Files.readString(log()).contains("last run") ? true : null);
            Files.move(log(), dir.resolve("previous.log"));
            Files.writeString(log(), "");
            assertEquals(0, logger.finish());
        }
        assertTrue(Files.notExists(dir.resolve("current.log.ended")));
    }

    @Test
    void sigtermIsIgnoredSoBothPipesDrainToTheirEnd() throws Exception {
        try (Running logger = new Running("file", log().toString(), "max-size", "65536", "max-files", "1")) {
            logger.stdout.write("before\n".getBytes(StandardCharsets.UTF_8));
            logger.stdout.flush();
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(logger.process.pid())).start().waitFor());
            logger.stderr.write("after\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(logger.process.isAlive());
            assertEquals(0, logger.finish());
        }
        assertEquals("stdout F before\nstderr F after\n", text(records(log())));
    }

    @Test
    void badArgumentsAreOneLineAndExit2() throws Exception {
        Process p = new ProcessBuilder(binary().toString(), "file", log().toString(), "max-size", "100").redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals("kukeon-logger: max-size must be a whole number from 4096 to 1073741824, got \"100\"\n", said);
        p = new ProcessBuilder(binary().toString(), "file", log().toString(), "max-size").redirectErrorStream(true).start();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
    }
}
