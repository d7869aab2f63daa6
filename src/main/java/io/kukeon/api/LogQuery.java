package io.kukeon.api;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.wire.v1.LogsRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What a logs request asks for.
 *
 * @param follow     keep reading what is written later, across rotations
 * @param tailLines  only the last N lines of each container (0 = all)
 * @param since      only records written at or after it (null = all); lines without a time (a log of the
 *                   previous release, plain text) are shown whatever it says
 * @param timestamps each line begins with its record's time
 * @param previous   the run before the last start of the container's task, instead of the last one
 * @param stream     {@code stdout} or {@code stderr} only (null = both)
 * @param nextRun    the run a start makes next, from its beginning to its end (what the log holds now is
 *                   passed over); followed
 */
record LogQuery(boolean follow, int tailLines, Instant since, boolean timestamps, boolean previous, String stream,
                boolean nextRun) {

    LogQuery(boolean follow, int tailLines, Instant since, boolean timestamps, boolean previous, String stream) {
        this(follow, tailLines, since, timestamps, previous, stream, false);
    }

    static LogQuery of(LogsRequest in) {
        if (in.getTailLines() < 0) {
            throw new InvalidArgumentException("tail_lines", "must not be negative");
        }
        Instant since = null;
        if (!in.getSince().isEmpty()) {
            try {
                since = Instant.parse(in.getSince());
            } catch (DateTimeParseException e) {
                throw new InvalidArgumentException("since", "\"" + in.getSince() + "\" must be an RFC 3339 time in UTC, e.g. 2026-01-02T15:04:05Z");
            }
        }
        String stream = in.getStream().isEmpty() ? null : in.getStream();
        if (stream != null && !stream.equals("stdout") && !stream.equals("stderr")) {
            throw new InvalidArgumentException("stream", "must be stdout or stderr (or empty for both)");
        }
        if (in.getPrevious() && in.getFollow()) {
            throw new InvalidArgumentException("previous", "the previous run is over: it cannot be followed");
        }
        if (in.getNextRun()) {
            String other = in.getPrevious() ? "previous" : in.getTailLines() > 0 ? "tail_lines" : since != null ? "since" : null;
            if (other != null) {
                throw new InvalidArgumentException(other, "does not go with next_run: the next run is read whole, from its beginning");
            }
            return new LogQuery(true, 0, null, in.getTimestamps(), false, stream, true);
        }
        return new LogQuery(in.getFollow(), in.getTailLines(), since, in.getTimestamps(), in.getPrevious(), stream);
    }

    /** Whether the request shows the record's stream. */
    boolean showsStream(LogRecord r) {
        return stream == null || stream.equals(r.stream());
    }

    /** Whether a line beginning with this record is recent enough (a line without a time always is). */
    boolean isRecent(LogRecord r) {
        return since == null || r.time() == null || !r.instant().isBefore(since);
    }
}
