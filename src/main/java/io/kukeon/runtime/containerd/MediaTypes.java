package io.kukeon.runtime.containerd;

import java.util.Set;

/** The OCI and Docker media types of image content we read. */
final class MediaTypes {
    private MediaTypes() {}

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
    static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

    /** What a registry is told we accept for a manifest request. */
    static final String ACCEPT_MANIFESTS = String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST);

    static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }
}
