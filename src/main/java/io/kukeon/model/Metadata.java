package io.kukeon.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * @param labels     free key/value pairs, used by selectors
 * @param generation bumped by every change of the spec or labels
 */
public record Metadata(String name, Map<String, String> labels, long generation) {
    public static final int MAX_LABELS = 64;

    public Metadata {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public static void validateLabels(Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidArgumentException("metadata.labels", "at most " + MAX_LABELS + " labels");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String k = e.getKey();
            if (k == null || k.length() > 253 || !k.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
                throw new InvalidArgumentException("metadata.labels",
                        "key \"" + Names.printable(String.valueOf(k)) + "\" must be [prefix/]name of letters, digits, '-', '_', '.'");
            }
            String v = e.getValue();
            if (v == null || v.length() > 63 || !v.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
                throw new InvalidArgumentException("metadata.labels." + k,
                        "value \"" + Names.printable(String.valueOf(v)) + "\" must be at most 63 letters, digits, '-', '_', '.'");
            }
        }
    }
}
