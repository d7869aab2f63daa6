package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;

/**
 * The manifest as a whole cannot be read: it is not UTF-8, it holds no document, or YAML syntax
 * errors leave no document readable. Field {@code manifest}; the message gives line and column.
 */
public final class ManifestException extends InvalidArgumentException {
    private final int line;
    private final int column;

    public ManifestException(int line, int column, String problem) {
        super("manifest", "line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
