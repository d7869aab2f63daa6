package io.kukeon.wire;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.Map;

/** {@link TreeObject} ⇄ {@link ObjectDoc}, the one envelope every RPC uses for an object. */
public final class ObjectMapping {
    private ObjectMapping() {}

    public static ObjectDoc toProto(TreeObject o) {
        ObjectDoc.Builder b = ObjectDoc.newBuilder().setKind(o.kind().displayName()).setPath(o.path().toString())
                .setMetadata(io.kukeon.wire.v1.Metadata.newBuilder().setName(o.path().name())
                        .putAllLabels(o.metadata().labels()).putAllAnnotations(o.metadata().annotations())
                        .setGeneration(o.metadata().generation()));
        if (o instanceof TreeObject.Realm r) {
            b.setRealm(SpecMapping.toProto(r.spec()));
            if (r.status() != null) b.setStatus(StatusMapping.toProto(r.status()));
        } else if (o instanceof TreeObject.Space s) {
            b.setSpace(SpecMapping.toProto(s.spec()));
            if (s.status() != null) b.setStatus(StatusMapping.toProto(s.status()));
        } else if (o instanceof TreeObject.Stack s) {
            b.setStack(SpecMapping.toProto(s.spec()));
            if (s.status() != null) b.setStatus(StatusMapping.toProto(s.status()));
        } else if (o instanceof TreeObject.Cell c) {
            b.setCell(SpecMapping.toProto(c.spec()));
            if (c.status() != null) b.setStatus(StatusMapping.toProto(c.status()));
        } else if (o instanceof TreeObject.Container c) {
            b.setContainer(SpecMapping.toProto(c.spec()));
            if (c.status() != null) b.setStatus(StatusMapping.toProto(c.status()));
        }
        return b.build();
    }

    /** The object as a client sent it: kind, path, labels and spec; the status is ignored. */
    public static TreeObject fromProto(ObjectDoc d) {
        Kind kind = Kind.parse("kind", d.getKind());
        ObjectPath path = ObjectPath.parse(d.getPath());
        if (path.kind() != kind) {
            throw new InvalidArgumentException("path", "\"" + d.getPath() + "\" is not the path of a " + kind.label()
                    + " (realm/space/stack/cell/container, as deep as the kind)");
        }
        Map<String, String> labels = d.getMetadata().getLabelsMap();
        Metadata.validateLabels(labels);
        Map<String, String> annotations = d.getMetadata().getAnnotationsMap();
        Metadata.validateAnnotations(annotations);
        Metadata metadata = new Metadata(path.name(), labels, annotations, d.getMetadata().getGeneration());
        boolean hasStatus = d.hasStatus() && !d.getStatus().getState().isEmpty();
        return switch (kind) {
            case REALM -> new TreeObject.Realm(path, metadata, SpecMapping.fromProto(d.getRealm()),
                    hasStatus ? StatusMapping.levelFromProto(d.getStatus()) : null);
            case SPACE -> new TreeObject.Space(path, metadata, SpecMapping.fromProto(d.getSpace()),
                    hasStatus ? StatusMapping.levelFromProto(d.getStatus()) : null);
            case STACK -> new TreeObject.Stack(path, metadata, SpecMapping.fromProto(d.getStack()),
                    hasStatus ? StatusMapping.levelFromProto(d.getStatus()) : null);
            case CELL -> new TreeObject.Cell(path, metadata, SpecMapping.fromProto(d.getCell()),
                    hasStatus ? StatusMapping.cellFromProto(d.getStatus()) : null);
            case CONTAINER -> new TreeObject.Container(path, metadata, SpecMapping.fromProto(d.getContainer()),
                    hasStatus && d.getStatus().hasContainer() ? StatusMapping.fromProto(d.getStatus().getContainer()) : null);
        };
    }
}
