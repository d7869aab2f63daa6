package io.kukeon.network;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One plugin's entry in a network config list: its {@code type} (also the name of its executable)
 * and its whole config object, kept as JSON text so that the record stays immutable.
 */
public record PluginConfig(String type, String json) {

    public static PluginConfig of(ObjectNode config) {
        return new PluginConfig(config.path("type").asText(), CniJson.text(config));
    }

    /** A fresh, modifiable copy of the config object. */
    public ObjectNode tree() {
        return CniJson.object(json);
    }

    /** Whether the plugin declares {@code capability} ({@code "capabilities": {"portMappings": true}}). */
    public boolean declares(String capability) {
        return tree().path("capabilities").path(capability).asBoolean(false);
    }
}
