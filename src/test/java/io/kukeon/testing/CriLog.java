package io.kukeon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A container's log as the task logger writes it (CRI records), for tests that read or fake one. */
public final class CriLog {
    private CriLog() {}

    /** The text of each record (full lines only: the tests' lines are short). */
    public static List<String> texts(Path log) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String record : Files.readAllLines(log)) {
            String[] parts = record.split(" ", 4);
            texts.add(parts.length == 4 ? parts[3] : "");
        }
        return texts;
    }

    /** {@code lines} as records of {@code stream}, as the logger would write them now. */
    public static String records(String stream, String... lines) {
        StringBuilder s = new StringBuilder();
        for (String line : lines) {
            s.append(Instant.now()).append(' ').append(stream).append(" F ").append(line).append('\n');
        }
        return s.toString();
    }
}
