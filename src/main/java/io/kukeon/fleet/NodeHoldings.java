package io.kukeon.fleet;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.VolumeMount;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Volumes and Secrets a node holds, by name only ({@code scope/name}, never a secret's value):
 * they are per node, not routed, so placement sends a cell only to a node that holds what it names.
 * Replicated in the node's {@link NodeLoad}.
 */
public record NodeHoldings(Set<String> volumes, Set<String> secrets) {

    public NodeHoldings {
        volumes = volumes == null ? Set.of() : Set.copyOf(volumes);
        secrets = secrets == null ? Set.of() : Set.copyOf(secrets);
    }

    public static NodeHoldings of(VolumeIndex volumes, SecretIndex secrets) {
        return new NodeHoldings(
                volumes.list(null).stream().map(e -> key(e.scope(), e.name())).collect(Collectors.toSet()),
                secrets.list(null).stream().map(e -> key(e.scope(), e.name())).collect(Collectors.toSet()));
    }

    /**
     * Why this node cannot run {@code cell}: the first volume or secret it names, in the scope where
     * the cell would look it up, that this node does not hold; null when it holds them all.
     */
    String lacking(ObjectPath cell, CellSpec spec) {
        for (ContainerSpec c : spec.containers()) {
            for (VolumeMount v : c.volumes()) {
                if (v.kind() == VolumeMount.Kind.VOLUME && v.volumeRef() != null) {
                    // without coordinates, the nearest scope from the cell's stack up (VolumeIndex.resolve)
                    String why = lacking("volume", volumes, v.volumeRef().name(), v.volumeRef().scope(), cell.parent());
                    if (why != null) {
                        return why;
                    }
                }
            }
            for (ContainerSecret s : c.secrets()) {
                if (s.secretRef() != null) {
                    // without coordinates, the nearest scope from the cell up (SecretIndex.resolve)
                    String why = lacking("secret", secrets, s.secretRef().name(), s.secretRef().scope(), cell);
                    if (why != null) {
                        return why;
                    }
                }
            }
        }
        return null;
    }

    private static String lacking(String sort, Set<String> held, String name, ObjectPath scope, ObjectPath nearestFrom) {
        if (scope != null) {
            return held.contains(key(scope, name)) ? null
                    : "it holds no " + sort + " \"" + name + "\" in " + scope.kind().label() + " " + scope;
        }
        for (ObjectPath s = nearestFrom; s != null; s = s.parent()) {
            if (held.contains(key(s, name))) {
                return null;
            }
        }
        return "it holds no " + sort + " \"" + name + "\" in " + nearestFrom.kind().label() + " " + nearestFrom + " or above";
    }

    /** Names carry no "/", so the last segment is the name and the rest the scope. */
    static String key(ObjectPath scope, String name) {
        return scope + "/" + name;
    }
}
