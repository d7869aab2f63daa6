package io.kukeon.manifest;

import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.VolumeScope;

/** Reads a {@code kind: Volume} document: {@code metadata {name, realm, space?, stack?}} and {@code spec.reclaimPolicy}. */
final class VolumeReader {
    private VolumeReader() {}

    static VolumeDocument read(FieldReader doc) {
        FieldReader meta = doc.mapping("metadata");
        if (meta == null) {
            throw doc.context().problem("metadata.name", doc.node().getStartMark(), "is required");
        }
        String name = VolumeScope.requireName("metadata.name", meta.string("name"));
        String cell = meta.string("cell");
        if (cell != null && !cell.isEmpty()) {
            throw doc.context().problem("metadata.cell", meta.markOf("cell"),
                    "a volume is held by a realm, space or stack, never a cell (it outlives the cells that mount it)");
        }
        var scope = VolumeScope.of("metadata.", meta.string("realm"), meta.string("space"), meta.string("stack"));
        meta.rejectUnknown();
        FieldReader spec = doc.mapping("spec");
        ReclaimPolicy policy = ReclaimPolicy.parse("spec.reclaimPolicy", spec == null ? null : spec.string("reclaimPolicy"));
        if (spec != null) {
            spec.rejectUnknown();
        }
        doc.acceptOutput("status");
        doc.rejectUnknown();
        return new VolumeDocument(scope, name, policy);
    }
}
