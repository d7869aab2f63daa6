package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.runtime.RuntimeFailure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A content descriptor as it appears in OCI JSON (index, manifest).
 *
 * @param os           the platform's OS for index entries, else null
 * @param architecture the platform's architecture for index entries, else null
 */
public record OciDescriptor(String mediaType, String digest, long size, Map<String, String> annotations,
                     String os, String architecture) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

    public OciDescriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    static OciDescriptor fromJson(JsonNode node, String where) {
        String digest = node.path("digest").asText("");
        if (!DIGEST.matcher(digest).matches()) {
            throw new RuntimeFailure("InvalidImage", where + " has a descriptor with a malformed digest \"" + digest + "\"");
        }
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw new RuntimeFailure("InvalidImage", where + " has a descriptor of " + digest + " without a size");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        JsonNode platform = node.path("platform");
        return new OciDescriptor(node.path("mediaType").asText(""), digest, size, annotations,
                platform.isObject() ? platform.path("os").asText(null) : null,
                platform.isObject() ? platform.path("architecture").asText(null) : null);
    }

    /** The hex part, which is also the blob's file name in an OCI layout. */
    String encoded() {
        return digest.substring(digest.indexOf(':') + 1);
    }
}
