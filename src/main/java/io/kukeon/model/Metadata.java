package io.kukeon.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * @param labels      free key/value pairs, used by selectors
 * @param annotations free key/value notes for people and tools: stored and shown, selecting nothing
 * @param generation  bumped by every change of the spec, labels or annotations
 */
public record Metadata(String name, Map<String, String> labels, Map<String, String> annotations, long generation) {
    public static final int MAX_LABELS = 64;
    public static final int MAX_ANNOTATIONS = 64;
    /** All of an object's annotations together, keys and values, in characters (Kubernetes allows 256 KiB). */
    public static final int MAX_ANNOTATION_CHARS = 65_536;

    public Metadata {
        labels = sorted(labels);
        annotations = sorted(annotations);
    }

    /** An object without annotations. */
    public Metadata(String name, Map<String, String> labels, long generation) {
        this(name, labels, Map.of(), generation);
    }

    /** The same metadata with these annotations. */
    public Metadata withAnnotations(Map<String, String> notes) {
        return new Metadata(name, labels, notes, generation);
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(map));
    }

    public static void validateLabels(Map<String, String> labels) {
        validateLabels("metadata.labels", labels);
    }

    /** Labels, or what must match labels, given in {@code field}. */
    public static void validateLabels(String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidArgumentException(field, "at most " + MAX_LABELS + " labels");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String k = e.getKey();
            requireKey(field, k);
            String v = e.getValue();
            if (v == null || v.length() > 63 || !v.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
                throw new InvalidArgumentException(field + "." + k,
                        "value \"" + Names.printable(String.valueOf(v)) + "\" must be at most 63 letters, digits, '-', '_', '.'");
            }
        }
    }

    /** Keys as label keys; values any text without NUL, all of them together within {@link #MAX_ANNOTATION_CHARS}. */
    public static void validateAnnotations(Map<String, String> annotations) {
        if (annotations == null) {
            return;
        }
        if (annotations.size() > MAX_ANNOTATIONS) {
            throw new InvalidArgumentException("metadata.annotations", "at most " + MAX_ANNOTATIONS + " annotations");
        }
        long chars = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            requireKey("metadata.annotations", e.getKey());
            String v = e.getValue();
            if (v == null || v.indexOf('\0') >= 0) {
                throw new InvalidArgumentException("metadata.annotations." + e.getKey(), "must be text without NUL");
            }
            chars += e.getKey().length() + v.length();
        }
        if (chars > MAX_ANNOTATION_CHARS) {
            throw new InvalidArgumentException("metadata.annotations",
                    "keys and values together must be at most " + MAX_ANNOTATION_CHARS + " characters (got " + chars + ")");
        }
    }

    private static void requireKey(String field, String k) {
        if (k == null || k.length() > 253 || !k.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw new InvalidArgumentException(field,
                    "key \"" + Names.printable(String.valueOf(k)) + "\" must be [prefix/]name of letters, digits, '-', '_', '.'");
        }
    }
}
