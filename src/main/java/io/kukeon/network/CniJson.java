package io.kukeon.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * A file of kukeond's own (a cache entry, a record) tagged {@code "kind": kind}: empty when there
     * is none, an empty object when it is larger than {@code maxBytes}, no JSON object or of another kind.
     *
     * @throws CniFailure when it cannot be read
     */
    static Optional<ObjectNode> readOwnFile(Path file, int maxBytes, String kind) {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(maxBytes + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CniFailure(null, null, file + " cannot be read: " + e.getMessage(), e);
        }
        ObjectNode root = content.length > maxBytes ? null : objectOrNull(new String(content, StandardCharsets.UTF_8));
        return Optional.of(root != null && kind.equals(root.path("kind").asText()) ? root : MAPPER.createObjectNode());
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
