package io.kukeon.fleet;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A routed answer's messages cut into pieces that fit Artery's frames, and joined whole again. */
class PieceTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void messagesLargerThanAPieceArriveWholeAndInOrder() throws Exception {
        byte[] big = new byte[Piece.MAX_BYTES * 2 + 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        byte[] empty = new byte[0];
        List<Piece> pieces = Piece.cut(Source.from(List.of(big, empty))).runWith(Sink.seq(), KIT.system())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(4, pieces.size(), "three pieces of the big message, one of the empty one");
        assertTrue(pieces.stream().allMatch(p -> p.data().length <= Piece.MAX_BYTES));
        List<byte[]> whole = Source.from(pieces).via(Piece.joined()).runWith(Sink.seq(), KIT.system())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(2, whole.size());
        assertArrayEquals(big, whole.get(0));
        assertArrayEquals(empty, whole.get(1));
    }

    @Test
    void aFailureEndsTheAnswerWithItsStatus() {
        Source<byte[], org.apache.pekko.NotUsed> failing = Source.single(new byte[] {1, 2})
                .concat(Source.failed(new CallFailed(5, "NotFound", "cell \"r/s/t/x\" not found")));
        CompletionException e = assertThrows(CompletionException.class, () -> Piece.cut(failing).via(Piece.joined())
                .runWith(Sink.seq(), KIT.system()).toCompletableFuture().join());
        CallFailed f = assertInstanceOf(CallFailed.class, e.getCause());
        assertEquals(5, f.code());
        assertEquals("NotFound", f.kind());
        assertEquals("cell \"r/s/t/x\" not found", f.getMessage());
        // a failure that is not a call's status is an internal error, said in one line
        CompletionException internal = assertThrows(CompletionException.class, () -> Piece.cut(
                Source.<byte[]>failed(new IllegalStateException("boom"))).via(Piece.joined())
                .runWith(Sink.seq(), KIT.system()).toCompletableFuture().join());
        assertEquals(13, ((CallFailed) internal.getCause()).code());
    }

    @Test
    void anAnswerPastItsBoundFails() {
        byte[] part = new byte[Piece.MAX_BYTES];
        int pieces = Piece.MAX_MESSAGE_BYTES / Piece.MAX_BYTES + 1;
        Source<Piece, org.apache.pekko.NotUsed> endless = Source.repeat(new Piece(part, true, null)).take(pieces);
        CompletionException e = assertThrows(CompletionException.class, () -> endless.via(Piece.joined())
                .runWith(Sink.seq(), KIT.system()).toCompletableFuture().join());
        assertEquals(8, ((CallFailed) e.getCause()).code());
    }
}
