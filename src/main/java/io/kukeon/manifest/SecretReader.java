package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretScope;

/** Reads a {@code kind: Secret} document: {@code metadata {name, realm, space?, stack?, cell?}} and {@code spec.data}. */
final class SecretReader {
    private SecretReader() {}

    static SecretDocument read(FieldReader doc) {
        FieldReader meta = doc.mapping("metadata");
        if (meta == null) {
            throw doc.context().problem("metadata.name", doc.node().getStartMark(), "is required");
        }
        String name = SecretScope.requireName("metadata.name", meta.string("name"));
        var scope = SecretScope.of("metadata.", meta.string("realm"), meta.string("space"), meta.string("stack"),
                meta.string("cell"));
        meta.rejectUnknown();
        FieldReader spec = doc.mapping("spec");
        String data = spec == null ? null : spec.string("data");
        if (spec != null) {
            spec.rejectUnknown();
        }
        doc.rejectUnknown();
        if (data == null) {
            throw new InvalidArgumentException("spec.data", "is required (a string; binary values are not supported)");
        }
        return new SecretDocument(scope, name, data.equals(SecretData.REDACTED) ? null : SecretData.of("spec.data", data));
    }
}
