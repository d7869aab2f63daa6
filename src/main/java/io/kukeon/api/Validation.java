package io.kukeon.api;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Names;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.SecretRef;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;
import io.kukeon.network.CellNetworking;
import io.kukeon.network.EgressPolicyCheck;
import io.kukeon.network.NetworkClaim;
import io.kukeon.network.NetworkOverlaps;
import io.kukeon.network.PortClaim;
import io.kukeon.network.SubnetPool;
import io.kukeon.network.UserNetwork;
import io.kukeon.runtime.oci.OciSecurity;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ObjectDoc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/** Checks a whole object before anything is routed, so that bad input changes nothing anywhere. */
final class Validation {
    private Validation() {}

    /**
     * Checks an object before it goes to the tree, a cell's ports (or a container's, in its cell)
     * also against those that other cells publish or hold in flight (see {@link PublishedPortHolds}).
     *
     * @param heldByOthers the ports other cells' applies in flight hold
     * @return the ports the object's cell publishes with it (empty for other kinds)
     */
    static List<PortClaim> validate(TreeObject o, HostIds ids, ObjectIndex index, SecretIndex secrets, VolumeIndex volumes,
                                    List<PortClaim> heldByOthers) {
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
            checkNetworkFile(s, index);
            checkPodSubnetHasRoom(s, index);
        } else if (o instanceof TreeObject.Stack s) {
            s.spec().validate();
        } else if (o instanceof TreeObject.Cell c) {
            c.spec().validate();
            for (int i = 0; i < c.spec().containers().size(); i++) {
                ContainerSpec container = c.spec().containers().get(i);
                checkWhatItUses(container, c.path().child(container.id()), "spec.containers[" + i + "]", secrets, volumes);
            }
            List<PortClaim> claims = checkPorts(c.path(), c.spec(), CellNetworking.CELL_FIELDS, index, heldByOthers);
            CellSpec spec = c.spec().normalized();
            for (int i = 0; i < spec.containers().size(); i++) {
                String id = spec.containers().get(i).id();
                ids.checkContainerdId(c.path().child(id), i < c.spec().containers().size()
                        ? "spec.containers[" + i + "].id" : "metadata.name");
            }
            return claims;
        } else if (o instanceof TreeObject.Container c) {
            c.spec().validate("spec");
            refuseContainerMetadata(c);
            ids.checkContainerdId(c.path(), "metadata.name");
            if (!c.path().name().equals(c.spec().id())) {
                throw new InvalidArgumentException("spec.id", "\"" + c.spec().id() + "\" must equal the container's name \""
                        + c.path().name() + "\"");
            }
            checkWhatItUses(c.spec(), c.path(), "spec", secrets, volumes);
            return checkInItsCell(c, index, heldByOthers);
        }
        return List.of();
    }

    /**
     * What a container uses outside its spec, as it is now: its bind sources and devices on the
     * host, its seccomp profile files, and the Secrets and Volumes its {@code secretRef}s and {@code volumeRef}s name.
     */
    private static void checkWhatItUses(ContainerSpec spec, ObjectPath container, String field, SecretIndex secrets,
                                        VolumeIndex volumes) {
        checkBindSources(spec, field);
        OciSecurity.checkOnHost(spec.security(), field);
        checkSecretRefs(spec, container, field, secrets);
        checkVolumeRefs(spec, container, field, volumes);
    }

    /** Every {@code volumeRef} names a Volume that is held now (a later delete fails the next start instead). */
    private static void checkVolumeRefs(ContainerSpec spec, ObjectPath container, String field, VolumeIndex volumes) {
        for (int j = 0; j < spec.volumes().size(); j++) {
            VolumeRef ref = spec.volumes().get(j).volumeRef();
            if (ref != null && volumes.resolve(ref, container.parent()).isEmpty()) {
                throw new InvalidArgumentException(field + ".volumes[" + j + "].volumeRef", ref.describe() + " does not exist"
                        + (ref.hasScope() ? "" : " in the scopes above cell \"" + container.parent() + "\"") + "; create it first");
            }
        }
    }

    /** Every {@code secretRef} names a Secret that is held now (a later delete fails the next start instead). */
    private static void checkSecretRefs(ContainerSpec spec, ObjectPath container, String field, SecretIndex secrets) {
        for (int j = 0; j < spec.secrets().size(); j++) {
            SecretRef ref = spec.secrets().get(j).secretRef();
            if (ref != null && secrets.resolve(ref, container).isEmpty()) {
                throw new InvalidArgumentException(field + ".secrets[" + j + "].secretRef", ref.describe() + " does not exist"
                        + (ref.hasScope() ? "" : " in cell \"" + container.parent() + "\" nor above it") + "; create it first");
            }
        }
    }

    /** A container is a part of its cell, which holds the labels and annotations: on a container they would be lost. */
    private static void refuseContainerMetadata(TreeObject.Container c) {
        if (!c.metadata().labels().isEmpty()) {
            throw new InvalidArgumentException("metadata.labels", "a container has no labels of its own; label its cell \""
                    + c.path().parent().name() + "\" instead");
        }
        if (!c.metadata().annotations().isEmpty()) {
            throw new InvalidArgumentException("metadata.annotations", "a container has no annotations of its own; annotate its cell \""
                    + c.path().parent().name() + "\" instead");
        }
    }

    /**
     * {@link #validate} with the object's published ports held until the returned hold is released
     * (once the tree answered): a concurrent apply of another cell sees them.
     */
    static PublishedPortHolds.Hold validateAndHold(TreeObject o, HostIds ids, ObjectIndex index, SecretIndex secrets,
                                                   VolumeIndex volumes, PublishedPortHolds holds) {
        return holds.checkAndHold(publishingCell(o), heldByOthers -> validate(o, ids, index, secrets, volumes, heldByOthers));
    }

    /**
     * A bind's source must exist on this host (kukeond's) unless the bind asks kukeond to make it
     * ({@code ensure}); the start checks again for one gone since.
     */
    private static void checkBindSources(ContainerSpec container, String field) {
        for (int i = 0; i < container.volumes().size(); i++) {
            VolumeMount v = container.volumes().get(i);
            if (v.kind() == VolumeMount.Kind.BIND && !v.ensure() && !Files.exists(Path.of(v.source()))) {
                throw new InvalidArgumentException(field + ".volumes[" + i + "].source", "\"" + Names.printable(v.source())
                        + "\" does not exist on the host (create it, or set ensure: true to have kukeond make the directory)");
            }
        }
    }

    /** The cell whose published ports an object carries: a cell's own path, a container's cell; else null. */
    static ObjectPath publishingCell(TreeObject o) {
        return o instanceof TreeObject.Cell ? o.path() : o instanceof TreeObject.Container ? o.path().parent() : null;
    }

    private static List<PortClaim> checkPorts(ObjectPath cell, CellSpec spec, IntFunction<String> fields, ObjectIndex index,
                                              List<PortClaim> heldByOthers) {
        List<PortClaim> others = index.publishedByOthers(cell);
        others.addAll(heldByOthers);
        CellNetworking.check(cell.toString(), spec, fields, others);
        return CellNetworking.claims(cell.toString(), spec, fields);
    }

    /**
     * A space's {@code spec.cniConfigPath}: the file read and checked, and its network apart from
     * every other space's and the pod subnet, as the host's journal last told the index. Early, and
     * for dry runs; the host checks again, durably, when the space claims it.
     */
    private static void checkNetworkFile(TreeObject.Space s, ObjectIndex index) {
        if (s.spec().cniConfigPath() == null) {
            return;
        }
        if (index.get(s.path()).orElse(null) instanceof TreeObject.Space current
                && !s.spec().cniConfigPath().equals(current.spec().cniConfigPath())) {
            return;   // a change the space refuses, naming both
        }
        UserNetwork network = UserNetwork.read(s.spec().cniConfigPath());
        index.networkClaims().ifPresent(known -> NetworkOverlaps.check(s.path().toString(), network, known.claims(), known.podSubnet()));
    }

    /**
     * A new space on kukeond's own network needs a free {@code /24} of the pod subnet: with none
     * left it is refused (nothing made) rather than made Failed. The host decides again, in journal
     * order, when the space claims one (two applies at once may both pass here; the second fails
     * then, with the same words).
     */
    private static void checkPodSubnetHasRoom(TreeObject.Space s, ObjectIndex index) {
        if (s.spec().cniConfigPath() != null || index.get(s.path()).isPresent()) {
            return;
        }
        index.networkClaims().ifPresent(known -> {
            NetworkOverlaps.checkPooledName(s.path().realm(), s.path().name(), known.claims());
            SubnetPool.of(known.podSubnet().toString())
                    .firstFree(known.claims().stream().map(NetworkClaim::subnet).filter(Objects::nonNull).toList());
        });
    }

    /**
     * A container's network fields are its cell's: checked on the cell as it would be with this
     * container, errors naming this document's fields (a missing cell is the tree's NotFound).
     */
    private static List<PortClaim> checkInItsCell(TreeObject.Container c, ObjectIndex index, List<PortClaim> heldByOthers) {
        if (!(index.get(c.path().parent()).orElse(null) instanceof TreeObject.Cell cell)) {
            return List.of();
        }
        CellSpec merged = cell.spec().withContainer(c.spec());
        int own = merged.containers().indexOf(merged.container(c.spec().id()));
        IntFunction<String> fields = i -> i == own ? "spec" : "the cell's spec.containers[" + i + "]";
        try {
            CellNetworking.onHostNetwork(merged);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("spec.hostNetwork", "cell \"" + cell.path().name() + "\": " + e.getMessage());
        }
        return checkPorts(cell.path(), merged, fields, index, heldByOthers);
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
