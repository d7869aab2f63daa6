package io.kukeon.manifest;

/**
 * Why one document of a manifest was refused.
 *
 * @param line    1-based line of the offending field, or of the document when the field is absent
 * @param column  1-based column on that line
 * @param field   the field, e.g. {@code spec.containers[0].image}; null for a YAML syntax error
 * @param message the rule that was broken, e.g. {@code is required}
 */
public record ManifestError(int line, int column, String field, String message) {

    /** {@code spec.containers[0].image: is required}, without the line. */
    public String text() {
        return field == null ? message : field + ": " + message;
    }

    /**
     * {@code line 7: spec.containers[0].image: is required}; a YAML syntax error (no field) also gives
     * the column: {@code line 4, column 15: not valid YAML: ...}.
     */
    @Override
    public String toString() {
        return "line " + line + (field == null ? ", column " + column : "") + ": " + text();
    }
}
