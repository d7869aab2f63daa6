package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A CNI network configuration list (a "conflist"): the network's {@code name}, the
 * {@code cniVersion} its plugins speak, and the plugins in the order ADD runs them.
 *
 * @param disableCheck the spec's switch that makes CHECK succeed without running the plugins
 */
public record NetworkConfigList(String name, String cniVersion, boolean disableCheck, List<PluginConfig> plugins) {
    /** A conflist is a few hundred bytes; a file larger than this is not one. */
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_PLUGINS = 16;
    /** The versions of the CNI spec whose configs we run. */
    public static final Set<String> VERSIONS = Set.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    /** The spec's rule for network names and container IDs. */
    static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.\\-]*";
    private static final String TYPE_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.\\-]*";

    public NetworkConfigList {
        plugins = List.copyOf(plugins);
    }

    /**
     * Reads and checks a user's conflist file.
     *
     * @param field the manifest field that named the file, e.g. {@code spec.cniConfigPath}
     * @throws InvalidArgumentException naming {@code field}, the file and the rule it breaks
     */
    public static NetworkConfigList read(Path file, String field) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidArgumentException(field, file + " is not a readable file");
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new InvalidArgumentException(field, file + " cannot be read: " + e.getMessage());
        }
        if (content.length > MAX_BYTES) {
            throw new InvalidArgumentException(field, file + " is larger than " + MAX_BYTES + " bytes; a CNI conflist is far smaller");
        }
        return parse(new String(content, StandardCharsets.UTF_8), field, file + ": ");
    }

    /**
     * Parses and checks conflist JSON: a name, a cniVersion we run, 1 to {@value #MAX_PLUGINS}
     * plugins each with a type.
     *
     * @param field names the source in the error
     */
    public static NetworkConfigList parse(String json, String field) {
        return parse(json, field, "");
    }

    /** @param where what the rule is prefixed with in an error: the file */
    private static NetworkConfigList parse(String json, String field, String where) {
        ObjectNode root = CniJson.objectOrNull(json);
        if (root == null) {
            throw new InvalidArgumentException(field, where + "is not a JSON object (a CNI network configuration list)");
        }
        String name = root.path("name").asText("");
        if (!root.path("name").isTextual() || !name.matches(NAME_PATTERN) || name.length() > 128) {
            throw new InvalidArgumentException(field, where + "\"name\" must be 1-128 letters, digits, '_', '.', '-', starting with a letter or digit");
        }
        String version = root.path("cniVersion").asText("");
        if (!VERSIONS.contains(version)) {
            throw new InvalidArgumentException(field, where + "\"cniVersion\" \"" + version + "\" is not one of " + String.join(", ", VERSIONS.stream().sorted().toList()));
        }
        JsonNode plugins = root.path("plugins");
        if (!(plugins instanceof ArrayNode) || plugins.isEmpty() || plugins.size() > MAX_PLUGINS) {
            throw new InvalidArgumentException(field, where + "\"plugins\" must be a list of 1-" + MAX_PLUGINS + " plugin configs");
        }
        List<PluginConfig> configs = new ArrayList<>();
        for (int i = 0; i < plugins.size(); i++) {
            JsonNode plugin = plugins.get(i);
            if (!(plugin instanceof ObjectNode) || !plugin.path("type").isTextual() || !plugin.path("type").asText().matches(TYPE_PATTERN)) {
                throw new InvalidArgumentException(field, where + "plugins[" + i + "] must be an object with a \"type\" naming the plugin's executable");
            }
            configs.add(PluginConfig.of((ObjectNode) plugin));
        }
        return new NetworkConfigList(name, version, root.path("disableCheck").asBoolean(false), configs);
    }

    /** The conflist as a file holds it. */
    public String toJson() {
        ObjectNode root = CniJson.MAPPER.createObjectNode();
        root.put("cniVersion", cniVersion);
        root.put("name", name);
        if (disableCheck) {
            root.put("disableCheck", true);
        }
        ArrayNode list = root.putArray("plugins");
        plugins.forEach(p -> list.add(p.tree()));
        return CniJson.pretty(root);
    }

    /**
     * What plugin {@code index} reads on stdin: its own config with the list's {@code name} and
     * {@code cniVersion}, the runtime config of the capabilities it declares, and {@code prevResult}
     * when there is one.
     */
    ObjectNode pluginInput(int index, ObjectNode runtimeConfig, JsonNode prevResult) {
        PluginConfig plugin = plugins.get(index);
        ObjectNode input = plugin.tree();
        input.put("name", name);
        input.put("cniVersion", cniVersion);
        input.remove("runtimeConfig");
        ObjectNode declared = CniJson.MAPPER.createObjectNode();
        runtimeConfig.fields().forEachRemaining(e -> {
            if (plugin.declares(e.getKey())) {
                declared.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        if (!declared.isEmpty()) {
            input.set("runtimeConfig", declared);
        }
        if (prevResult != null) {
            input.set("prevResult", prevResult.deepCopy());
        }
        return input;
    }

    /** The bridge a {@code bridge} plugin of this list makes ({@code cni0} when it names none), or null. */
    public String bridgeName() {
        for (PluginConfig plugin : plugins) {
            if (plugin.type().equals("bridge")) {
                return plugin.tree().path("bridge").asText("cni0");
            }
        }
        return null;
    }
}
