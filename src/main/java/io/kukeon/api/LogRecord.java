package io.kukeon.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One line of a container's log file: a kubelet CRI record as {@code kukeon-logger} writes it,
 * {@code <RFC3339Nano time> <stdout|stderr> <F|P> <text>}, or a plain line (a log of the previous
 * release, or one the logger could not write whole) with no time, shown as stdout.
 *
 * @param time    the record's time as written (null for a plain line)
 * @param partial a P record: the line goes on in the next record of its stream
 */
record LogRecord(String time, String stream, boolean partial, byte[] text) {
    private static final int STREAM_LENGTH = 6;   // "stdout", "stderr"

    Instant instant() {
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** {@code len} bytes of {@code buf} from {@code off}, without the newline. */
    static LogRecord parse(byte[] buf, int off, int len) {
        int space = indexOf(buf, off, off + Math.min(len, 40), (byte) ' ');
        if (space > off + 19 && buf[space - 1] == 'Z' && space + STREAM_LENGTH + 3 < off + len + 1
                && buf[space + STREAM_LENGTH + 1] == ' ' && (buf[space + STREAM_LENGTH + 2] == 'F' || buf[space + STREAM_LENGTH + 2] == 'P')
                && (space + STREAM_LENGTH + 3 == off + len || buf[space + STREAM_LENGTH + 3] == ' ')) {
            String stream = new String(buf, space + 1, STREAM_LENGTH, StandardCharsets.US_ASCII);
            if (stream.equals("stdout") || stream.equals("stderr")) {
                int textStart = Math.min(space + STREAM_LENGTH + 4, off + len);
                byte[] text = java.util.Arrays.copyOfRange(buf, textStart, off + len);
                return new LogRecord(new String(buf, off, space - off, StandardCharsets.US_ASCII), stream,
                        buf[space + STREAM_LENGTH + 2] == 'P', text);
            }
        }
        return new LogRecord(null, "stdout", false, java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
