package io.kukeon.daemon.journalport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A journal as one file (docs/postgres-journal.md, "Moving a journal"): JSON Lines, UTF-8, one
 * record a line. First a header, then every snapshot (by persistence id and sequence number), then
 * every event with its tags (by ordering), then an end line with the counts and the SHA-256 of every
 * byte before it. Columns keep the journal tables' names and values as stored; payloads are base64.
 * Read and written one line at a time, never whole: a truncated, altered or newer file is refused
 * by name before its end is trusted.
 */
public final class JournalFile {
    private JournalFile() {}

    public static final String FORMAT = "kukeon-journal";
    /** The version this kukeond writes and the highest it reads. */
    public static final int VERSION = 1;
    /** One record at most: a payload far above any event or snapshot kukeond writes, and a bound on what a line may hold. */
    static final int MAX_LINE_BYTES = 64 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);   // later versions of a record may add fields

    /** The first line: what the file is and where it came from. {@code sealingKeyId}: the key the journal's secrets are sealed with, null when none. */
    public record Header(String format, int version, String exportedAt, String kukeond, String source, String sealingKeyId) {}

    /** A row of {@code snapshot}, as stored. */
    public record SnapshotRow(String persistenceId, long sequenceNumber, long created, int snapshotSerId,
                              String snapshotSerManifest, byte[] snapshotPayload, Integer metaSerId, String metaSerManifest,
                              byte[] metaPayload) {}

    /** A row of {@code event_journal} with its rows of {@code event_tag}, as stored. */
    public record EventRow(long ordering, String persistenceId, long sequenceNumber, boolean deleted, String writer,
                           Long writeTimestamp, String adapterManifest, int eventSerId, String eventSerManifest,
                           byte[] eventPayload, Integer metaSerId, String metaSerManifest, byte[] metaPayload, List<String> tags) {
        public EventRow {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /** The last line: what came before it, counted and hashed. */
    public record End(long snapshots, long events, long tags, long lastOrdering, String sha256) {}

    /** One line: exactly one of its parts is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(Header header, SnapshotRow snapshot, EventRow event, End end) {}

    /** A file's records as they are read, in the file's order; the end is checked after the last. */
    public interface Visitor {
        void header(Header header) throws Exception;

        void snapshot(SnapshotRow row) throws Exception;

        void event(EventRow row) throws Exception;
    }

    /** A file that is not a complete journal of a version this kukeond reads; the message names the file and what is wrong. */
    public static final class BadFile extends RuntimeException {
        BadFile(Path file, String why) {
            super(file + " " + why);
        }
    }

    // ---- writing ----

    /** Writes a file record by record; {@link #finish()} adds the end line. Snapshots come before events. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final MessageDigest digest = sha256();
        private long snapshots;
        private long events;
        private long tags;
        private long lastOrdering;
        private boolean eventsBegun;

        public Writer(OutputStream out, Header header) throws IOException {
            this.out = new BufferedOutputStream(out, 1 << 16);
            write(new Line(header, null, null, null));
        }

        public void snapshot(SnapshotRow row) throws IOException {
            if (eventsBegun) {
                throw new IllegalStateException("snapshots come before events");
            }
            write(new Line(null, row, null, null));
            snapshots++;
        }

        public void event(EventRow row) throws IOException {
            eventsBegun = true;
            write(new Line(null, null, row, null));
            events++;
            tags += row.tags().size();
            lastOrdering = Math.max(lastOrdering, row.ordering());
        }

        /** Writes the end line and flushes; the counts it wrote. */
        public End finish() throws IOException {
            End end = new End(snapshots, events, tags, lastOrdering, HexFormat.of().formatHex(digest.digest()));
            out.write(JSON.writeValueAsBytes(new Line(null, null, null, end)));
            out.write('\n');
            out.flush();
            return end;
        }

        private void write(Line line) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(line);
            if (bytes.length >= MAX_LINE_BYTES) {
                throw new IOException("a record of " + bytes.length + " bytes is over the file's limit of " + MAX_LINE_BYTES);
            }
            out.write(bytes);
            out.write('\n');
            digest.update(bytes);
            digest.update((byte) '\n');
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    // ---- reading ----

    /** Reads {@code file} through {@code visitor}, and checks its end: the counts and the checksum. */
    public static End read(Path file, Visitor visitor) throws Exception {
        try (Reader reader = new Reader(file, Files.newInputStream(file))) {
            visitor.header(reader.header());
            Object record;
            while ((record = reader.next()) != null) {
                if (record instanceof SnapshotRow snapshot) {
                    visitor.snapshot(snapshot);
                } else {
                    visitor.event((EventRow) record);
                }
            }
            return reader.end();
        }
    }

    /**
     * Reads a file a record at a time: {@link #next()} gives each snapshot and event in turn, and
     * null once the end line is read and checked (the counts, the checksum, nothing after it).
     */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final MessageDigest digest = sha256();
        private final Header header;
        private long lineNumber;
        private long snapshots;
        private long events;
        private long tags;
        private long lastOrdering;
        private boolean eventsBegun;
        private End end;

        public Reader(Path file, InputStream raw) throws IOException {
            this.file = file;
            this.in = new BufferedInputStream(raw, 1 << 16);
            byte[] first = readLine(file, in, 1);
            if (first == null) {
                throw new BadFile(file, "is empty: not a journal export");
            }
            lineNumber = 1;
            this.header = checkHeader(file, parse(file, first, 1));
            hash(first);
        }

        public Header header() {
            return header;
        }

        /** The next snapshot or event; null after the end line, once it checked out. */
        public Object next() throws IOException {
            if (end != null) {
                return null;
            }
            byte[] bytes = readLine(file, in, lineNumber + 1);
            if (bytes == null) {
                throw new BadFile(file, "is truncated: it ends after line " + lineNumber + " (" + snapshots + " snapshots, "
                        + events + " events) without its end line");
            }
            lineNumber++;
            Line line = parse(file, bytes, lineNumber);
            if (line.snapshot() != null) {
                if (eventsBegun) {
                    throw new BadFile(file, "has a snapshot after its events at line " + lineNumber);
                }
                snapshots++;
                hash(bytes);
                return line.snapshot();
            }
            if (line.event() != null) {
                eventsBegun = true;
                events++;
                tags += line.event().tags().size();
                lastOrdering = Math.max(lastOrdering, line.event().ordering());
                hash(bytes);
                return line.event();
            }
            if (line.end() != null) {
                end = checkEnd(line.end());
                return null;
            }
            throw new BadFile(file, "has " + (line.header() != null ? "a second header" : "an empty record") + " at line " + lineNumber);
        }

        /** The end line, once {@link #next()} returned null. */
        public End end() {
            if (end == null) {
                throw new IllegalStateException("the end line is not read yet");
            }
            return end;
        }

        private End checkEnd(End written) throws IOException {
            String sha = HexFormat.of().formatHex(digest.digest());
            if (readLine(file, in, lineNumber + 1) != null) {
                throw new BadFile(file, "goes on after its end line (line " + lineNumber + ")");
            }
            if (written.snapshots() != snapshots || written.events() != events || written.tags() != tags) {
                throw new BadFile(file, "holds " + snapshots + " snapshots, " + events + " events and " + tags
                        + " tags, but its end line counts " + written.snapshots() + ", " + written.events() + " and " + written.tags());
            }
            if (!sha.equals(written.sha256())) {
                throw new BadFile(file, "fails its checksum: its lines hash to SHA-256 " + sha + ", its end line says "
                        + written.sha256() + " (the file was changed or damaged)");
            }
            return new End(snapshots, events, tags, lastOrdering, sha);
        }

        private void hash(byte[] line) {
            digest.update(line);
            digest.update((byte) '\n');
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static Header checkHeader(Path file, Line line) {
        Header h = line.header();
        if (h == null || !FORMAT.equals(h.format())) {
            throw new BadFile(file, "is not a kukeon journal export: its first line is no \"" + FORMAT + "\" header");
        }
        if (h.version() > VERSION || h.version() < 1) {
            throw new BadFile(file, "is version " + h.version() + " of the journal export, written by a newer kukeond; "
                    + "this one reads versions 1 to " + VERSION);
        }
        return h;
    }

    private static Line parse(Path file, byte[] bytes, long lineNumber) {
        try {
            return JSON.readValue(bytes, Line.class);
        } catch (JsonProcessingException e) {
            throw new BadFile(file, "has a damaged record at line " + lineNumber + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFile(file, "cannot be read at line " + lineNumber + ": " + e.getMessage());
        }
    }

    /** The next line without its '\n'; null at the end of the file. A last line without '\n' is a truncated one. */
    private static byte[] readLine(Path file, InputStream in, long lineNumber) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new BadFile(file, "has a line over " + MAX_LINE_BYTES + " bytes at line " + lineNumber);
            }
            line.write(b);
        }
        if (line.size() > 0) {
            throw new BadFile(file, "is truncated: line " + lineNumber + " breaks off after " + line.size() + " bytes");
        }
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
