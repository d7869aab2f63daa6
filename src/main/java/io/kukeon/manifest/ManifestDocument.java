package io.kukeon.manifest;

import io.kukeon.model.TreeObject;

import java.util.List;

/**
 * One document of a manifest, read.
 *
 * @param index    0-based position of the document in the manifest
 * @param line     1-based line where the document starts
 * @param kind     {@code kind} as written, null when missing
 * @param name     {@code metadata.name} as written, null when missing
 * @param object   the object the document describes (status null, generation 0); null iff {@code error} is set
 * @param warnings notes on the document for its author, one human line each
 * @param error    why the document was refused, or null
 */
public record ManifestDocument(int index, int line, String kind, String name, TreeObject object,
                               List<String> warnings, ManifestError error) {
    public ManifestDocument {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if ((object == null) == (error == null)) {
            throw new IllegalArgumentException("a document has either an object or an error");
        }
    }

    public boolean failed() {
        return error != null;
    }
}
