package io.kukeon.runtime.containerd;

import io.kukeon.runtime.oci.MediaTypes;
import io.kukeon.runtime.oci.OciDescriptor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OciArchiveLoaderTest {
    private static OciDescriptor manifest(Map<String, String> annotations) {
        return new OciDescriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 10, annotations, "linux", "amd64");
    }

    @Test
    void theImageIsNamedByContainerdsAnnotationFirst() {
        assertEquals("docker.io/library/busybox:latest", OciArchiveLoader.imageName(manifest(Map.of(
                OciArchiveLoader.CONTAINERD_NAME, "docker.io/library/busybox:latest", OciArchiveLoader.OCI_REF_NAME, "latest"))));
    }

    @Test
    void elseByTheOciRefNameWhenItIsAWholeReference() {
        assertEquals("docker.io/library/app:1", OciArchiveLoader.imageName(manifest(Map.of(OciArchiveLoader.OCI_REF_NAME, "app:1"))));
        assertEquals("127.0.0.1:5000/team/app:2",
                OciArchiveLoader.imageName(manifest(Map.of(OciArchiveLoader.OCI_REF_NAME, "127.0.0.1:5000/team/app:2"))));
    }

    @Test
    void aBareTagNamesNothing() {
        assertNull(OciArchiveLoader.imageName(manifest(Map.of(OciArchiveLoader.OCI_REF_NAME, "latest"))));
        assertNull(OciArchiveLoader.imageName(manifest(Map.of())));
    }
}
