package io.kukeon.cli;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.Metadata;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.Map;

/** Objects to send to kukeond: kind, path, name and labels, and the spec of their kind (no status). */
final class ObjectDocs {
    private ObjectDocs() {}

    static ObjectDoc of(ObjectPath path, Map<String, String> labels, Object spec) {
        ObjectDoc.Builder b = ObjectDoc.newBuilder().setKind(path.kind().displayName()).setPath(path.toString())
                .setMetadata(Metadata.newBuilder().setName(path.name()).putAllLabels(labels));
        if (spec instanceof RealmSpec s) {
            b.setRealm(SpecMapping.toProto(s));
        } else if (spec instanceof SpaceSpec s) {
            b.setSpace(SpecMapping.toProto(s));
        } else if (spec instanceof StackSpec s) {
            b.setStack(SpecMapping.toProto(s));
        } else if (spec instanceof CellSpec s) {
            b.setCell(SpecMapping.toProto(s));
        } else {
            throw new IllegalArgumentException("no spec of a creatable kind: " + spec);
        }
        return b.build();
    }
}
