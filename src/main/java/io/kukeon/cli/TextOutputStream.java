package io.kukeon.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes into a writer as UTF-8 text, a character split between two writes kept until its end comes:
 * where kuke runs with writers only (in a test), its byte output still arrives whole.
 */
final class TextOutputStream extends OutputStream {
    private final PrintWriter writer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);

    TextOutputStream(PrintWriter writer) {
        this.writer = writer;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + len);
        in.put(pending).put(b, off, len).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        pending = in.slice();
        writer.write(out.flip().toString());
    }

    @Override
    public void flush() {
        writer.flush();
    }
}
