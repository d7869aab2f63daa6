package io.kukeon.api;

import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.wire.v1.LogChunk;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Streams containers' logs ({@code kukeon-logger} writes them, {@link LogCursor} reads them):
 * each container's lines in turn, then, when following, whatever is written later, looked for
 * every 200 ms. Chunks are made as the client takes them, so a slow client holds one chunk.
 */
final class LogStream {
    private static final Duration FOLLOW_EVERY = Duration.ofMillis(200);

    private LogStream() {}

    /** @param dirs container name → its log directory, in the order to print them */
    static Source<LogChunk, NotUsed> of(Map<String, ContainerLogDir> dirs, LogQuery query) {
        Source<Integer, NotUsed> ticks = query.follow()
                ? Source.tick(Duration.ZERO, FOLLOW_EVERY, 0).mapMaterializedValue(c -> NotUsed.getInstance())
                : Source.single(0);
        List<LogCursor> cursors = new ArrayList<>();   // of the one materialization (a call's response)
        return ticks.<LogChunk>statefulMapConcat(() -> {
            try {
                for (Map.Entry<String, ContainerLogDir> d : dirs.entrySet()) {
                    cursors.add(new LogCursor(d.getKey(), d.getValue(), query));
                }
            } catch (IOException e) {
                cursors.forEach(LogCursor::close);
                throw new UncheckedIOException("cannot open a log: " + e.getMessage(), e);
            }
            return tick -> () -> available(cursors);
        }).watchTermination((mat, done) -> {
            done.whenComplete((d, e) -> cursors.forEach(LogCursor::close));
            return NotUsed.getInstance();
        });
    }

    /**
     * Cursors of runs read to their end ({@link LogQuery#nextRun}): what they have, looked for every
     * 200 ms, until every one has ended. The caller closes them.
     */
    static Source<LogChunk, NotUsed> toTheirEnd(List<LogCursor> cursors) {
        LogChunk end = LogChunk.newBuilder().setRunEnded(true).build();   // this stream's own: never sent
        return Source.tick(Duration.ZERO, FOLLOW_EVERY, 0)
                .<LogChunk>mapConcat(tick -> () -> {
                    Iterator<LogChunk> now = available(cursors);
                    return now.hasNext() || !cursors.stream().allMatch(LogCursor::ended) ? now : List.of(end).iterator();
                })
                .takeWhile(chunk -> chunk != end)
                .mapMaterializedValue(c -> NotUsed.getInstance());
    }

    /** What the cursors have now, one chunk at a time as it is asked for. */
    private static Iterator<LogChunk> available(List<LogCursor> cursors) {
        return new Iterator<>() {
            private int at;
            private LogChunk next;

            @Override
            public boolean hasNext() {
                while (next == null && at < cursors.size()) {
                    next = cursors.get(at).next();
                    if (next == null) {
                        at++;
                    }
                }
                return next != null;
            }

            @Override
            public LogChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                LogChunk c = next;
                next = null;
                return c;
            }
        };
    }
}
