package io.kukeon.runtime.containerd;

import io.kukeon.runtime.containerd.api.types.Descriptor;
import io.kukeon.runtime.oci.OciDescriptor;

/** OCI descriptors in containerd's protobuf form. */
final class Descriptors {
    private Descriptors() {}

    /** The same descriptor in containerd's protobuf form. */
    static Descriptor toProto(OciDescriptor d) {
        return Descriptor.newBuilder().setMediaType(d.mediaType()).setDigest(d.digest()).setSize(d.size())
                .putAllAnnotations(d.annotations()).build();
    }
}
