package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image's config says about how to run it, and its layers' uncompressed digests.
 *
 * @param entrypoint empty when unset
 * @param cmd        empty when unset
 * @param user       null when unset
 * @param workingDir null when unset
 * @param diffIds    digests of the uncompressed layers, bottom first
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                   List<String> diffIds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        diffIds = List.copyOf(diffIds);
        workingDir = workingDir == null || workingDir.isEmpty() ? null : workingDir;
        user = user == null || user.isEmpty() ? null : user;
    }

    static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), null, null, List.of());

    public static ImageConfig parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new RuntimeFailure("InvalidImage", where + " is not valid JSON: " + e.getMessage());
        }
        JsonNode c = root.path("config");
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(null), c.path("User").asText(null), strings(root.path("rootfs").path("diff_ids")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }
}
