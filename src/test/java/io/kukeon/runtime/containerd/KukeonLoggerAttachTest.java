package io.kukeon.runtime.containerd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logger's attach side run directly: a unix socket where clients get the task's output raw and
 * send its stdin, through a FIFO the logger holds read-write. Logging never waits for a client.
 */
class KukeonLoggerAttachTest {
    @TempDir
    Path dir;

    private Process logger;
    private OutputStream stdout;
    private OutputStream stderr;
    private InputStream taskStdin;

    private Path socket() {
        return dir.resolve("attach.sock");
    }

    private void start() throws Exception {
        Path out = dir.resolve("out.fifo");
        Path err = dir.resolve("err.fifo");
        Path in = dir.resolve("in.fifo");
        for (Path fifo : List.of(out, err, in)) {
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        }
        // fd 5 is the readiness pipe: its end shows the socket is listening
        Path ready = dir.resolve("ready.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", ready.toString()).start().waitFor());
        logger = new ProcessBuilder("sh", "-c", "exec \"$0\" \"$@\" 3<" + out + " 4<" + err + " 5>" + ready,
                KukeonLoggerTest.binary().toString(), "stdin", in.toString(), "file", dir.resolve("current.log").toString(),
                "attach-socket", socket().toString(), "max-size", "10485760", "max-files", "2")
                .redirectError(dir.resolve("logger.err").toFile()).start();
        stdout = Files.newOutputStream(out);
        stderr = Files.newOutputStream(err);
        try (InputStream readiness = Files.newInputStream(ready)) {
            assertEquals(-1, readiness.read(), "fd 5 closed once the logger is ready");
        }
        taskStdin = Files.newInputStream(in);   // the task's end; the logger holds a writer
    }

    private int finish() throws Exception {
        stdout.close();
        stderr.close();
        assertTrue(logger.waitFor(10, TimeUnit.SECONDS));
        taskStdin.close();
        return logger.exitValue();
    }

    private SocketChannel attach() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket()));
    }

    private static String read(SocketChannel c, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining() && c.read(b) >= 0) {
            // until the bytes expected are there
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void clientsGetTheOutputRawAndTheirInputReachesStdin() throws Exception {
        start();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
        try (SocketChannel one = attach(); SocketChannel two = attach()) {
            Thread.sleep(200);   // both accepted before the output comes
            stdout.write("hello\n".getBytes(StandardCharsets.UTF_8));
            stdout.flush();
            stderr.write("partial, no newline".getBytes(StandardCharsets.UTF_8));
            stderr.flush();
            assertEquals("hello\npartial, no newline", read(one, 25));
            assertEquals("hello\npartial, no newline", read(two, 25));
            one.write(ByteBuffer.wrap("ls /\n".getBytes(StandardCharsets.UTF_8)));
            byte[] got = new byte[5];
            assertEquals(5, taskStdin.readNBytes(got, 0, 5));
            assertArrayEquals("ls /\n".getBytes(StandardCharsets.UTF_8), got);
        }
        // every client detached: the task's stdin sees no end while the logger lives
        CompletableFuture<Integer> eof = CompletableFuture.supplyAsync(() -> {
            try {
                return taskStdin.read();
            } catch (IOException e) {
                return -2;
            }
        });
        assertThrows(TimeoutException.class, () -> eof.get(500, TimeUnit.MILLISECONDS));
        assertEquals(0, finish());
        assertTrue(Files.readString(dir.resolve("current.log")).contains(" stdout F hello\n"));
        assertTrue(Files.notExists(socket()), "the socket goes with the logger");
    }

    @Test
    void aClientThatFallsBehindIsLetGoWhileLoggingGoesOn() throws Exception {
        start();
        try (SocketChannel slow = attach(); SocketChannel reader = attach()) {
            Thread.sleep(200);
            int expected = 40_000 * 100 + 5;
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    int n;
                    while (received.get() < expected && (n = reader.read(b)) >= 0) {
                        received.addAndGet(n);
                        b.clear();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] hundredLines = ("x".repeat(99) + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            long written = 0;
            for (int i = 0; i < 40; i++) {   // 4 MB, far more than one may be behind, at the reading client's pace
                stdout.write(hundredLines);
                stdout.flush();
                written += hundredLines.length;
                long due = written - 2L * hundredLines.length;   // on a loaded machine its thread may get no core for a while
                for (int waited = 0; received.get() < due && waited < 10_000; waited += 10) {
                    Thread.sleep(10);
                }
            }
            stdout.write("last\n".getBytes(StandardCharsets.UTF_8));
            stdout.flush();
            reading.get(30, TimeUnit.SECONDS);
            assertEquals(expected, received.get(), "the client that keeps up gets every byte");
            // the one that read nothing was let go: what it gets ends, well short of everything
            ByteBuffer all = ByteBuffer.allocate(8 * 1024 * 1024);
            int n;
            long total = 0;
            while ((n = slow.read(all)) > 0) {
                total += n;
                all.clear();
            }
            assertEquals(-1, n);
            assertTrue(total < 2L * 1024 * 1024, total + " bytes reached the slow client");
        }
        assertEquals(0, finish());
        long records = Files.readAllLines(dir.resolve("current.log")).size();
        assertEquals(40_001, records, "logging did not wait for the slow client");
    }

    @Test
    void atMostSixteenClients() throws Exception {
        start();
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 17; i++) {
                clients.add(attach());
            }
            Thread.sleep(300);
            stdout.write("to all\n".getBytes(StandardCharsets.UTF_8));
            stdout.flush();
            for (int i = 0; i < 16; i++) {
                assertEquals("to all\n", read(clients.get(i), 7));
            }
            assertEquals(-1, clients.get(16).read(ByteBuffer.allocate(16)), "the 17th is closed at once");
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        assertEquals(0, finish());
    }
}
