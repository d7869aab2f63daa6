package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.kukeon.wire.v1.LogChunk;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams container log files (the shim writes them): what is there, optionally only the last
 * lines, then, when following, whatever is appended, checked every 200 ms.
 */
final class LogStream {
    private static final int CHUNK = 64 * 1024;

    private LogStream() {}

    /** @param files container name → its log file, in the order to print them */
    static Source<LogChunk, NotUsed> of(Map<String, Path> files, boolean follow, int tailLines) {
        Map<String, Long> start = new LinkedHashMap<>();
        files.forEach((name, file) -> start.put(name, tailLines > 0 ? tailOffset(file, tailLines) : 0L));
        Source<Integer, ?> ticks = follow ? Source.tick(Duration.ZERO, Duration.ofMillis(200), 0).mapMaterializedValue(c -> NotUsed.getInstance())
                : Source.single(0);
        return ticks.statefulMapConcat(() -> {
            Map<String, Long> offsets = new LinkedHashMap<>(start);
            return tick -> read(files, offsets);
        }).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    private static List<LogChunk> read(Map<String, Path> files, Map<String, Long> offsets) throws IOException {
        List<LogChunk> out = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            if (!Files.exists(f.getValue())) {
                continue;
            }
            try (RandomAccessFile raf = new RandomAccessFile(f.getValue().toFile(), "r")) {
                long pos = offsets.get(f.getKey());
                if (raf.length() < pos) {
                    pos = 0;   // the file was truncated or replaced
                }
                raf.seek(pos);
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = raf.read(buf)) > 0) {
                    out.add(LogChunk.newBuilder().setContainer(f.getKey()).setData(ByteString.copyFrom(buf, 0, n)).build());
                    pos += n;
                }
                offsets.put(f.getKey(), pos);
            }
        }
        return out;
    }

    /** Where the last {@code lines} lines of the file begin. */
    static long tailOffset(Path file, int lines) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long pos = raf.length();
            int seen = 0;
            if (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n') {
                    pos--;
                }
            }
            while (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n' && ++seen == lines) {
                    return pos;
                }
                pos--;
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
