package io.kukeon.runtime;

import java.util.List;

/**
 * One mount of a container's OCI spec ({@code mounts[]}), besides the standard ones.
 *
 * @param destination the path in the container
 * @param source      the path on the host
 */
public record OciMount(String destination, String type, String source, List<String> options) {
    public OciMount {
        options = List.copyOf(options);
    }

    /** A file or directory of the host, bound read-only. */
    public static OciMount readOnlyBind(String destination, String source) {
        return new OciMount(destination, "bind", source, List.of("rbind", "ro"));
    }
}
