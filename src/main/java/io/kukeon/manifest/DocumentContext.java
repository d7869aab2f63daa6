package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;
import org.yaml.snakeyaml.error.Mark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What reading one document collects besides the object: warnings, and where each field sits,
 * so that an error raised later by the model's own validation still points at a line.
 */
final class DocumentContext {
    private final int lineOffset;
    private final int documentLine;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, int[]> positions = new HashMap<>();

    /**
     * @param lineOffset   0-based line of the piece of text the marks are relative to
     * @param documentLine 1-based line where the document starts
     */
    DocumentContext(int lineOffset, int documentLine) {
        this.lineOffset = lineOffset;
        this.documentLine = documentLine;
    }

    int documentLine() {
        return documentLine;
    }

    List<String> warnings() {
        return warnings;
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    void remember(String field, Mark mark) {
        positions.putIfAbsent(field, position(mark));
    }

    int[] position(Mark mark) {
        return new int[] {lineOffset + mark.getLine() + 1, mark.getColumn() + 1};
    }

    FieldProblem problem(String field, Mark mark, String message) {
        int[] at = position(mark);
        return new FieldProblem(new ManifestError(at[0], at[1], field, message));
    }

    /** A problem with a field that may be absent: placed at the nearest enclosing field that is present. */
    FieldProblem problem(String field, String message) {
        int[] at = nearest(field);
        return new FieldProblem(new ManifestError(at[0], at[1], field, message));
    }

    /** The model's verdict, placed at its field (or the nearest enclosing one). */
    ManifestError locate(InvalidArgumentException e) {
        String field = e.field();
        String rule = e.getMessage().startsWith(field + ": ") ? e.getMessage().substring(field.length() + 2) : e.getMessage();
        int[] at = nearest(field);
        return new ManifestError(at[0], at[1], field, rule);
    }

    private int[] nearest(String field) {
        String f = field;
        while (f != null && !f.isEmpty()) {
            int[] at = positions.get(f);
            if (at != null) {
                return at;
            }
            f = enclosing(f);
        }
        return new int[] {documentLine, 1};
    }

    /** {@code spec.containers[0].image} → {@code spec.containers[0]} → {@code spec.containers} → {@code spec}. */
    static String enclosing(String field) {
        int cut = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
        return cut <= 0 ? null : field.substring(0, cut);
    }
}
