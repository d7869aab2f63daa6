package io.kukeon.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** The JSON of CNI configs, results and our result cache: one mapper for the package. */
final class CniJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CniJson() {}

    /** The object {@code text} holds, or null when it is not a JSON object. */
    static ObjectNode objectOrNull(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node instanceof ObjectNode ? (ObjectNode) node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static ObjectNode object(String text) {
        ObjectNode node = objectOrNull(text);
        if (node == null) {
            throw new IllegalStateException("not a JSON object: " + text);
        }
        return node;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    static String text(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
