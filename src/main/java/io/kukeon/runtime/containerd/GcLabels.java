package io.kukeon.runtime.containerd;

import io.kukeon.runtime.oci.OciIndex;
import io.kukeon.runtime.oci.OciManifest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels that tell containerd's garbage collector which blobs a blob refers to. An image
 * record only names its root descriptor; without these, its manifest's config and layers
 * would be collected as soon as the lease that wrote them is gone.
 */
final class GcLabels {
    private GcLabels() {}

    static Map<String, String> ofIndex(OciIndex index) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < index.manifests().size(); i++) {
            labels.put("containerd.io/gc.ref.content.m." + i, index.manifests().get(i).digest());
        }
        return labels;
    }

    static Map<String, String> ofManifest(OciManifest manifest) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("containerd.io/gc.ref.content.config", manifest.config().digest());
        for (int i = 0; i < manifest.layers().size(); i++) {
            labels.put("containerd.io/gc.ref.content.l." + i, manifest.layers().get(i).digest());
        }
        return labels;
    }
}
