package io.kukeon.api;

import io.kukeon.model.CellSpec;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ObjectDoc;

/** Checks a whole object before anything is routed, so that bad input changes nothing anywhere. */
final class Validation {
    private Validation() {}

    static void validate(TreeObject o, HostIds ids, ObjectIndex index) {
        checkSize(o);
        if (o instanceof TreeObject.Realm r) {
            r.spec().validate();
            String namespace = r.spec().namespaceOn(ids, r.path().name());
            ids.checkNamespace(namespace, r.spec().namespace() != null ? "spec.namespace" : "metadata.name");
            // early, and for dry runs; the host checks again, durably, when it adds the realm
            index.realmOfNamespace(namespace).filter(holder -> !holder.equals(r.path().name())).ifPresent(holder -> {
                throw RealmSpec.namespaceInUse(namespace, holder);
            });
        } else if (o instanceof TreeObject.Space s) {
            s.spec().validate();
        } else if (o instanceof TreeObject.Stack s) {
            s.spec().validate();
        } else if (o instanceof TreeObject.Cell c) {
            c.spec().validate();
            CellSpec spec = c.spec().normalized();
            for (int i = 0; i < spec.containers().size(); i++) {
                String id = spec.containers().get(i).id();
                ids.checkContainerdId(c.path().child(id), i < c.spec().containers().size()
                        ? "spec.containers[" + i + "].id" : "metadata.name");
            }
        } else if (o instanceof TreeObject.Container c) {
            c.spec().validate("spec");
            ids.checkContainerdId(c.path(), "metadata.name");
            if (!c.path().name().equals(c.spec().id())) {
                throw new InvalidArgumentException("spec.id", "\"" + c.spec().id() + "\" must equal the container's name \""
                        + c.path().name() + "\"");
            }
        }
    }

    /** An object's spec and labels as stored must fit {@link Sizes#MAX_SPEC_BYTES}: no object outgrows a response. */
    private static void checkSize(TreeObject o) {
        ObjectDoc doc = ObjectMapping.toProto(o).toBuilder().clearStatus().build();
        Sizes.requireAtMost(o.kind().label() + " \"" + o.path() + "\" (spec and labels)", doc.getSerializedSize(), Sizes.MAX_SPEC_BYTES);
    }

    /** Parses kind and path of a request and checks they agree. */
    static ObjectPath path(String kind, String path) {
        Kind k = Kind.parse("kind", kind);
        ObjectPath p = ObjectPath.parse("path", path);
        if (p.kind() != k) {
            throw new InvalidArgumentException("path", "\"" + path + "\" is not the path of a " + k.label()
                    + " (" + String.join("/", java.util.Arrays.copyOf(new String[] {"realm", "space", "stack", "cell",
                    "container"}, k.depth() + 1)) + ")");
        }
        return p;
    }

    /** The path of a cell or a container, for start/stop/kill/restart. */
    static ObjectPath lifecyclePath(String kind, String path) {
        ObjectPath p = path(kind, path);
        if (p.kind() != Kind.CELL && p.kind() != Kind.CONTAINER) {
            throw new InvalidArgumentException("kind", "only cells and containers can be started, stopped, killed or"
                    + " restarted, not a " + p.kind().label());
        }
        return p;
    }
}
