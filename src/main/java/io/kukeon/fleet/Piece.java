package io.kukeon.fleet;

import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One part of a routed call's answer as it crosses the cluster: a message's bytes cut to at most
 * {@link #MAX_BYTES} (Artery's frames hold 256 KiB; a list page may be 3 MiB, a log line 1 MiB), or
 * the failure that ends the answer.
 *
 * @param data    part of a message (null in a failure)
 * @param more    another piece of the same message follows
 * @param failure the status the call ended with, or null
 */
public record Piece(byte[] data, boolean more, Failure failure) implements FleetMessage {
    static final int MAX_BYTES = 128 * 1024;
    /** No answer's message is larger (a list page is at most 3 MiB): past it the answer fails. */
    static final int MAX_MESSAGE_BYTES = 8 << 20;

    /** @see CallFailed */
    public record Failure(int code, String kind, String message) {}

    /** Each message as its pieces, and a failure as the last piece. */
    static Source<Piece, NotUsed> cut(Source<byte[], NotUsed> messages) {
        return messages.mapConcat(Piece::of).recover(new PFBuilder<Throwable, Piece>().matchAny(e -> {
            CallFailed f = e instanceof CallFailed c ? c : new CallFailed(13, "Internal", "internal error in kukeond: " + e);
            return new Piece(null, false, new Failure(f.code(), f.kind(), f.getMessage()));
        }).build());
    }

    static List<Piece> of(byte[] message) {
        List<Piece> pieces = new ArrayList<>();
        int at = 0;
        do {
            int end = Math.min(message.length, at + MAX_BYTES);
            byte[] part = java.util.Arrays.copyOfRange(message, at, end);
            pieces.add(new Piece(part, end < message.length, null));
            at = end;
        } while (at < message.length);
        return pieces;
    }

    /** The messages again, whole; a failure piece fails the stream with its {@link CallFailed}. */
    static Flow<Piece, byte[], NotUsed> joined() {
        return Flow.<Piece>create().statefulMapConcat(() -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            return piece -> {
                if (piece.failure() != null) {
                    throw new CallFailed(piece.failure().code(), piece.failure().kind(), piece.failure().message());
                }
                buffer.write(piece.data());
                if (buffer.size() > MAX_MESSAGE_BYTES) {
                    throw new CallFailed(8, "ResourceExhausted", "a routed answer's message is larger than "
                            + (MAX_MESSAGE_BYTES >> 20) + " MiB");
                }
                if (piece.more()) {
                    return List.of();
                }
                byte[] whole = buffer.toByteArray();
                buffer.reset();
                return List.of(whole);
            };
        });
    }
}
