package io.kukeon.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a manifest into its documents at {@code ---} lines. YAML forbids a document marker at
 * the start of a line inside any scalar, so the split is exact; parsing each piece on its own
 * lets a syntax error cost one document instead of the whole manifest.
 */
final class DocumentChunks {
    private DocumentChunks() {}

    /**
     * @param text      the piece, starting with its {@code ---} line when it has one
     * @param firstLine 0-based line of the piece in the manifest
     */
    record Chunk(String text, int firstLine) {
        /** 1-based line of the first line with content (not blank, comment or marker), for errors. */
        int contentLine() {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (isContent(lines[i]) && !isMarker(lines[i])) {
                    return firstLine + i + 1;
                }
            }
            return firstLine + 1;
        }
    }

    static List<Chunk> split(String text) {
        List<Chunk> chunks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = new StringBuilder();
        int start = 0;
        boolean hasContent = false;
        boolean hasMarker = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            // a marker after nothing but comments and directives belongs to the same document;
            // after another marker, it ends an empty document
            if (isMarker(line) && (hasContent || hasMarker)) {
                chunks.add(new Chunk(current.toString(), start));
                current.setLength(0);
                start = i;
                hasContent = false;
            }
            if (isMarker(line)) {
                hasMarker = true;
                String rest = line.substring(3).trim();
                hasContent |= !rest.isEmpty() && !rest.startsWith("#");
            } else {
                hasContent |= isContent(line) && !line.startsWith("%");
            }
            current.append(line);
            if (i < lines.length - 1) {
                current.append('\n');
            }
        }
        chunks.add(new Chunk(current.toString(), start));
        return chunks;
    }

    static boolean isMarker(String line) {
        return line.startsWith("---") && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '\t'
                || line.charAt(3) == '\r');
    }

    private static boolean isContent(String line) {
        String t = line.trim();
        return !t.isEmpty() && !t.startsWith("#");
    }
}
