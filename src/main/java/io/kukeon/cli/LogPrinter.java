package io.kukeon.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Log chunks to lines. Chunks may end mid-line (or mid-character), so bytes are kept per container
 * until a newline; with several containers each line is prefixed {@code [name] }.
 */
final class LogPrinter {
    private final PrintWriter out;
    private final boolean prefixed;
    private final Map<String, ByteArrayOutputStream> partial = new LinkedHashMap<>();

    LogPrinter(PrintWriter out, boolean prefixed) {
        this.out = out;
        this.prefixed = prefixed;
    }

    void accept(String container, byte[] data) {
        ByteArrayOutputStream buffer = partial.computeIfAbsent(container, c -> new ByteArrayOutputStream());
        for (byte b : data) {
            if (b == '\n') {
                line(container, buffer);
            } else {
                buffer.write(b);
            }
        }
        out.flush();
    }

    /** Prints what is left without a newline of its own. */
    void finish() {
        partial.forEach((c, buffer) -> {
            if (buffer.size() > 0) {
                line(c, buffer);
            }
        });
        out.flush();
    }

    private void line(String container, ByteArrayOutputStream buffer) {
        out.print((prefixed ? "[" + container + "] " : "") + buffer.toString(StandardCharsets.UTF_8) + "\n");
        buffer.reset();
    }
}
