package io.kukeon.runtime.oci;

import java.util.Set;

/** The OCI and Docker media types of image content we read. */
public final class MediaTypes {
    private MediaTypes() {}

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
    static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

    /** What a registry is told we accept for a manifest request. */
    public static final String ACCEPT_MANIFESTS = String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST);

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }
}
