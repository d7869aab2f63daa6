package io.kukeon.manifest;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;

/**
 * A {@code kind: Volume} document: a directory held by a scope (realm, space or stack), not a node
 * of the tree.
 *
 * @param scope         where the volume is held ({@code metadata.realm}, {@code space}, {@code stack})
 * @param reclaimPolicy {@code spec.reclaimPolicy}: Delete (the default) or Retain
 */
public record VolumeDocument(ObjectPath scope, String name, ReclaimPolicy reclaimPolicy) {
    public static final String KIND = "Volume";

    /** What an apply reports as the document's path. */
    public String path() {
        return scope + "/volume/" + name;
    }
}
