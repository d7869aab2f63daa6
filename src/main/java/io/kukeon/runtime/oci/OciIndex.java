package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An OCI image index or a Docker manifest list: manifests, one per platform. */
public record OciIndex(List<OciDescriptor> manifests) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public OciIndex {
        manifests = List.copyOf(manifests);
    }

    public static OciIndex parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new RuntimeFailure("InvalidImage", where + " is not valid JSON: " + e.getMessage());
        }
        List<OciDescriptor> list = new ArrayList<>();
        for (JsonNode m : root.path("manifests")) {
            list.add(OciDescriptor.fromJson(m, where));
        }
        return new OciIndex(list);
    }

    /** The manifest for this host's platform (linux and our architecture); the only one when none says its platform. */
    public OciDescriptor forPlatform(String os, String architecture, String where) {
        for (OciDescriptor d : manifests) {
            if (os.equals(d.os()) && architecture.equals(d.architecture())) {
                return d;
            }
        }
        if (manifests.size() == 1 && manifests.get(0).os() == null) {
            return manifests.get(0);
        }
        throw new RuntimeFailure(RuntimeFailure.IMAGE_NOT_FOUND, where + " has no image for " + os + "/" + architecture);
    }

    /** The architecture name of this JVM's host, as OCI spells it. */
    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
    }
}
