package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.wire.v1.LogChunk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Reads one container's log across its files in order ({@code .N} … {@code .1}, then the current
 * one) as lines: P records joined, filtered and formatted as the {@link LogQuery} says. Files are
 * opened as the read begins, so a rotation meanwhile changes nothing; when following, a file
 * renamed away is finished and the files that came after it are read next, found by inode.
 * For the next run, the files there at the start are passed over (by inode: a start renames them to
 * the previous run's) and the read ends once the logger has marked the run ended (or the task
 * exited a while ago) and all of it was read. Bounded: a read buffer of {@link #BUFFER} bytes, a joined line of at most {@link #MAX_LINE}
 * (longer ones are cut), chunks of at most {@link #CHUNK}.
 */
final class LogCursor implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    static final int BUFFER = 64 * 1024;
    static final int MAX_LINE = 1024 * 1024;

    private final String container;
    private final ContainerLogDir dir;
    private final LogQuery query;
    private final BooleanSupplier runOver;
    private final Deque<Opened> next = new ArrayDeque<>();
    private Opened reading;
    private final ByteBuffer in = ByteBuffer.allocate(BUFFER);
    private final Map<String, Joined> joining = new HashMap<>();
    private final Deque<LogChunk> ready = new ArrayDeque<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean ended;
    /** Next run: the files of the runs before it. */
    private final Set<Object> passedOver = new HashSet<>();
    /** Next run: the logger had marked the run ended before this read began (a file of the run being read). */
    private boolean endedBeforeRead;

    /** An open log file; its key (device and inode) tells it apart from a file that took its name. */
    private record Opened(Path path, Object key, FileChannel channel) {}

    private static final class Joined {
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        String time;
        /** The line began before {@code since}: its records are passed over up to its F. */
        boolean skipping;
    }

    LogCursor(String container, ContainerLogDir dir, LogQuery query) throws IOException {
        this(container, dir, query, () -> false);
    }

    /**
     * @param runOver next run: whether the run is over although the logger has not marked it (its
     *                task exited a while ago: the shim keeps an exited task's pipes, and so the
     *                logger's end, until the task is deleted)
     */
    LogCursor(String container, ContainerLogDir dir, LogQuery query, BooleanSupplier runOver) throws IOException {
        this.container = container;
        this.runOver = runOver;
        this.dir = dir;
        this.query = query;
        in.limit(0);   // read mode, empty
        if (query.nextRun()) {
            for (Path file : dir.run(false)) {
                passedOver.add(key(file));
            }
            return;
        }
        for (Path file : dir.run(query.previous())) {
            Opened o = open(file);
            if (o != null) {
                next.add(o);
            }
        }
        if (query.tailLines() > 0) {
            LogTail.Position start = LogTail.start(next.stream().map(Opened::channel).toList(), query);
            for (int i = 0; i < start.file(); i++) {
                next.removeFirst().channel().close();
            }
            if (!next.isEmpty()) {
                next.peekFirst().channel().position(start.offset());
            }
        }
        reading = next.pollFirst();
    }

    private static Opened open(Path file) throws IOException {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new Opened(file, Files.readAttributes(file, BasicFileAttributes.class).fileKey(), channel);
        } catch (NoSuchFileException e) {
            return null;   // rotated away meanwhile
        }
    }

    /** Whether everything there is was read and nothing more will come (never, when following). */
    boolean ended() {
        return ended && ready.isEmpty();
    }

    /** The next chunk available now, or null. */
    LogChunk next() {
        try {
            // looked at first: once the mark is there, everything the logger wrote is there to be read;
            // and only once a file of the run was found (the last run's mark goes before it is made)
            endedBeforeRead = query.nextRun() && reading != null && (dir.currentRunEnded() || runOver.getAsBoolean());
            while (ready.isEmpty() && !ended) {
                if (!readLines()) {
                    break;
                }
            }
            flushOut(true);
            return ready.pollFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of " + container + ": " + e.getMessage(), e);
        }
    }

    /** Reads and handles lines until a chunk is ready; false when nothing more is there now. */
    private boolean readLines() throws IOException {
        while (ready.isEmpty()) {
            byte[] line = nextLine();
            if (line == null) {
                return false;
            }
            handle(LogRecord.parse(line, 0, line.length));
        }
        return true;
    }

    /** The next whole line of the files, or null when there is none yet. */
    private byte[] nextLine() throws IOException {
        while (true) {
            byte[] line = lineInBuffer(false);
            if (line != null) {
                return line;
            }
            if (reading != null) {
                in.compact();
                int n = reading.channel().read(in);
                in.flip();
                if (n > 0) {
                    continue;
                }
            }
            // the end of this file for now
            if (!next.isEmpty() || !query.follow()) {
                byte[] rest = lineInBuffer(true);   // a file ends with its last line, newline or not
                if (reading != null) {
                    reading.channel().close();
                }
                reading = next.pollFirst();
                if (rest != null) {
                    return rest;
                }
                if (reading == null && !query.follow()) {
                    endOfRun();
                    return null;
                }
                continue;
            }
            if (!findNewerFiles()) {
                if (endedBeforeRead) {
                    reading.channel().close();
                    reading = null;
                    byte[] rest = lineInBuffer(true);
                    if (rest != null) {
                        return rest;
                    }
                    endOfRun();
                }
                return null;
            }
        }
    }

    /** When following: the files written after the one being read, if it was rotated away; false when there are none. */
    private boolean findNewerFiles() throws IOException {
        List<Path> run = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (Path p : dir.run(false)) {
            Object key = key(p);
            if (!passedOver.contains(key)) {
                run.add(p);
                keys.add(key);
            }
        }
        int at = reading == null ? -1 : keys.indexOf(reading.key());
        if (reading != null && at == run.size() - 1) {
            return false;   // still the newest
        }
        if (reading == null && run.isEmpty()) {
            return false;   // nothing written yet
        }
        for (int i = at + 1; i < run.size(); i++) {
            Opened o = open(run.get(i));
            if (o != null && Objects.equals(o.key(), keys.get(i))) {
                next.add(o);
            } else if (o != null) {
                o.channel().close();   // renamed again meanwhile: found at the next look
                break;
            }
        }
        if (next.isEmpty()) {
            return false;
        }
        if (reading == null) {
            reading = next.pollFirst();
        }
        // else the rest of the renamed file is read first (the logger wrote it whole before the rename)
        return true;
    }

    private static Object key(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** A line from the buffer; with {@code all}, what is left without a newline too. A line longer than the buffer is cut. */
    private byte[] lineInBuffer(boolean all) {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] line = new byte[i - start];
                in.get(line);
                in.get();   // the newline
                return line;
            }
        }
        if (in.remaining() > 0 && (all || in.remaining() == in.capacity())) {
            byte[] line = new byte[in.remaining()];
            in.get(line);
            return line;
        }
        return null;
    }

    private void handle(LogRecord r) {
        if (!query.showsStream(r)) {
            return;
        }
        Joined j = joining.computeIfAbsent(r.stream(), s -> new Joined());
        if (j.text.size() == 0 && !j.skipping) {   // a line begins
            j.skipping = !query.isRecent(r);
            j.time = r.time();
        }
        if (j.skipping) {
            j.skipping = r.partial();
            return;
        }
        j.text.writeBytes(r.text());
        if (!r.partial() || j.text.size() >= MAX_LINE) {
            emit(j);
        }
    }

    private void emit(Joined j) {
        if (query.timestamps() && j.time != null) {
            out.writeBytes(j.time.getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
        }
        out.writeBytes(j.text.toByteArray());
        out.write('\n');
        j.text.reset();
        j.time = null;
        flushOut(false);
    }

    /** Whole chunks of what was formatted; with {@code all}, the rest too. */
    private void flushOut(boolean all) {
        if (out.size() >= CHUNK || (all && out.size() > 0)) {
            byte[] bytes = out.toByteArray();
            out.reset();
            for (int i = 0; i < bytes.length; i += CHUNK) {
                ready.add(LogChunk.newBuilder().setContainer(container)
                        .setData(ByteString.copyFrom(bytes, i, Math.min(CHUNK, bytes.length - i))).build());
            }
        }
    }

    /** The end of a read that does not follow: lines cut short at the end are shown as they are. */
    private void endOfRun() {
        for (Joined j : joining.values()) {
            if (j.text.size() > 0) {
                emit(j);
            }
        }
        ended = true;
    }

    @Override
    public void close() {
        try {
            if (reading != null) {
                reading.channel().close();
            }
            for (Opened o : next) {
                o.channel().close();
            }
        } catch (IOException e) {
            // closing a read-only file loses nothing
        }
    }
}
