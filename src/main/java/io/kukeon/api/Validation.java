package io.kukeon.api;

import io.kukeon.model.CellSpec;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.KukeonException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.network.CellNetworking;
import io.kukeon.network.EgressPolicyCheck;
import io.kukeon.network.PortClaim;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
            EgressPolicyCheck.check(s.spec().egress(), "spec.network.egress");
        } else if (o instanceof TreeObject.Stack s) {
            s.spec().validate();
        } else if (o instanceof TreeObject.Cell c) {
            c.spec().validate();
            CellNetworking.check(c.path().toString(), c.spec(), CellNetworking.CELL_FIELDS, publishedByOthers(index, c.path()));
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
            checkInItsCell(c, index);
        }
    }

    /**
     * A container's network fields are its cell's: checked on the cell as it would be with this
     * container, errors naming this document's fields (a missing cell is the tree's NotFound).
     */
    private static void checkInItsCell(TreeObject.Container c, ObjectIndex index) {
        if (!(index.get(c.path().parent()).orElse(null) instanceof TreeObject.Cell cell)) {
            return;
        }
        CellSpec merged = cell.spec().withContainer(c.spec());
        int own = merged.containers().indexOf(merged.container(c.spec().id()));
        IntFunction<String> fields = i -> i == own ? "spec" : "the cell's spec.containers[" + i + "]";
        try {
            CellNetworking.onHostNetwork(merged);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("spec.hostNetwork", "cell \"" + cell.path().name() + "\": " + e.getMessage());
        }
        CellNetworking.check(cell.path().toString(), merged, fields, publishedByOthers(index, cell.path()));
    }

    /**
     * The ports every other cell the daemon knows publishes. Read from the index, so two applies
     * that run at once may both pass; the portmap plugin then fails the second cell's start.
     */
    private static List<PortClaim> publishedByOthers(ObjectIndex index, ObjectPath cell) {
        List<PortClaim> claims = new ArrayList<>();
        for (TreeObject o : index.list(Kind.CELL, null, labels -> true)) {
            if (o instanceof TreeObject.Cell other && !other.path().equals(cell)) {
                try {
                    claims.addAll(CellNetworking.claims(other.path().toString(), other.spec(), CellNetworking.CELL_FIELDS));
                } catch (KukeonException stale) {
                    // a cell kept from before a rule existed publishes nothing it could clash with
                }
            }
        }
        return claims;
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
