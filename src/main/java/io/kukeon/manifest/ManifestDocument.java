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
 * @param object   the object the document describes (status null, generation 0), or null
 * @param warnings notes on the document for its author, one human line each
 * @param error    why the document was refused, or null
 * @param secret   the Secret a {@code kind: Secret} document describes, or null
 * @param volume   the Volume a {@code kind: Volume} document describes, or null
 * @param template the CellBlueprint or CellConfig the document describes, or null (exactly one of object,
 *                 secret, volume, template and error is set)
 */
public record ManifestDocument(int index, int line, String kind, String name, TreeObject object,
                               List<String> warnings, ManifestError error, SecretDocument secret, VolumeDocument volume,
                               TemplateDocument template) {
    public ManifestDocument {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if ((object != null ? 1 : 0) + (error != null ? 1 : 0) + (secret != null ? 1 : 0) + (volume != null ? 1 : 0)
                + (template != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("a document has either an object, a secret, a volume, a template or an error");
        }
    }

    /** A document of the tree (object set) or a refused one (error set). */
    public ManifestDocument(int index, int line, String kind, String name, TreeObject object, List<String> warnings,
                            ManifestError error) {
        this(index, line, kind, name, object, warnings, error, null, null, null);
    }

    static ManifestDocument secret(int index, int line, String name, SecretDocument secret, List<String> warnings) {
        return new ManifestDocument(index, line, SecretDocument.KIND, name, null, warnings, null, secret, null, null);
    }

    static ManifestDocument volume(int index, int line, String name, VolumeDocument volume, List<String> warnings) {
        return new ManifestDocument(index, line, VolumeDocument.KIND, name, null, warnings, null, null, volume, null);
    }

    static ManifestDocument template(int index, int line, String name, TemplateDocument template, List<String> warnings) {
        return new ManifestDocument(index, line, template.kind().kindName(), name, null, warnings, null, null, null,
                template);
    }

    public boolean isSecret() {
        return secret != null;
    }

    public boolean isVolume() {
        return volume != null;
    }

    public boolean isTemplate() {
        return template != null;
    }

    public boolean failed() {
        return error != null;
    }
}
