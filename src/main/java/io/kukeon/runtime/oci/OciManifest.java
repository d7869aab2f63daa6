package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An image manifest (OCI or Docker schema 2): the config blob and the layers, bottom first. */
public record OciManifest(OciDescriptor config, List<OciDescriptor> layers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public OciManifest {
        layers = List.copyOf(layers);
    }

    public static OciManifest parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new RuntimeFailure("InvalidImage", where + " is not valid JSON: " + e.getMessage());
        }
        if (!root.path("config").isObject()) {
            throw new RuntimeFailure("InvalidImage", where + " is not an image manifest (no config)");
        }
        List<OciDescriptor> layers = new ArrayList<>();
        for (JsonNode l : root.path("layers")) {
            layers.add(OciDescriptor.fromJson(l, where));
        }
        return new OciManifest(OciDescriptor.fromJson(root.path("config"), where), layers);
    }

    /** Bytes of the config and every layer (the manifest itself not included). */
    public long contentSize() {
        return config.size() + layers.stream().mapToLong(OciDescriptor::size).sum();
    }
}
