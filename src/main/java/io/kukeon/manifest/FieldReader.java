package io.kukeon.manifest;

import io.kukeon.model.Names;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Typed, strict access to the fields of one YAML mapping. Every field asked for is remembered,
 * so that {@link #rejectUnknown()} can refuse the rest; every error names the field and its line.
 */
final class FieldReader {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");

    private final Node node;
    private final String path;
    private final DocumentContext context;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> asked = new HashSet<>();

    /** @param path the mapping's own field, e.g. {@code spec.containers[0]}; empty for a document */
    FieldReader(Node node, String path, DocumentContext context) {
        this.node = node;
        this.path = path;
        this.context = context;
        if (!(node instanceof MappingNode mapping)) {
            throw context.problem(path.isEmpty() ? "document" : path, node.getStartMark(),
                    "expected a mapping of fields (got " + describe(node) + ")");
        }
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw context.problem(path.isEmpty() ? "document" : path, t.getKeyNode().getStartMark(),
                        "field names must be plain words");
            }
            String field = field(key.getValue());
            if (entries.put(key.getValue(), t) != null) {
                throw context.problem(field, key.getStartMark(), "is given twice");
            }
            context.remember(field, key.getStartMark());
        }
    }

    String path() {
        return path;
    }

    Node node() {
        return node;
    }

    DocumentContext context() {
        return context;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return value(key) != null;
    }

    /** The value of {@code key}, or null when absent or YAML null. Marks the key as known. */
    Node value(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return null;
        }
        return t.getValueNode();
    }

    /** Where {@code key} is, for errors about its value; the mapping's own start when absent. */
    org.yaml.snakeyaml.error.Mark markOf(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? node.getStartMark() : t.getKeyNode().getStartMark();
    }

    String string(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof ScalarNode s)) {
            throw context.problem(field(key), markOf(key), "expected a string (got " + describe(v) + ")");
        }
        return s.getValue();
    }

    Boolean bool(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (v instanceof ScalarNode s && s.isPlain()) {
            switch (s.getValue()) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw context.problem(field(key), markOf(key), "expected true or false (got " + describe(v) + ")");
    }

    Long integer(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (v instanceof ScalarNode s && s.isPlain() && INTEGER.matcher(s.getValue()).matches()) {
            try {
                return Long.parseLong(s.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                throw context.problem(field(key), markOf(key), "is out of range (got " + s.getValue() + ")");
            }
        }
        throw context.problem(field(key), markOf(key), "expected a whole number (got " + describe(v) + ")");
    }

    Integer smallInteger(String key) {
        Long v = integer(key);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw context.problem(field(key), markOf(key), "is out of range (got " + v + ")");
        }
        return v.intValue();
    }

    List<String> strings(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw context.problem(field(key), markOf(key), "expected a list of strings (got " + describe(v) + ")");
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s) || isNull(item)) {
                throw context.problem(field(key), item.getStartMark(),
                        "expected a list of strings (item " + (out.size() + 1) + " is " + describe(item) + ")");
            }
            out.add(s.getValue());
        }
        return out;
    }

    /** A list of whole numbers (each as {@link #integer} reads one), or null when absent. */
    List<Long> integers(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw context.problem(field(key), markOf(key), "expected a list of whole numbers (got " + describe(v) + ")");
        }
        List<Long> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String f = field(key) + "[" + out.size() + "]";
            if (!(item instanceof ScalarNode s && s.isPlain() && INTEGER.matcher(s.getValue()).matches())) {
                throw context.problem(f, item.getStartMark(), "expected a whole number (got " + describe(item) + ")");
            }
            try {
                out.add(Long.parseLong(s.getValue().replace("_", "")));
            } catch (NumberFormatException e) {
                throw context.problem(f, item.getStartMark(), "is out of range (got " + s.getValue() + ")");
            }
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof MappingNode m)) {
            throw context.problem(field(key), markOf(key), "expected a map of strings (got " + describe(v) + ")");
        }
        Map<String, String> out = new TreeMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw context.problem(field(key), t.getKeyNode().getStartMark(), "keys must be strings");
            }
            String f = field(key) + "." + k.getValue();
            context.remember(f, k.getStartMark());
            Node val = t.getValueNode();
            if (!(val instanceof ScalarNode s)) {
                throw context.problem(f, k.getStartMark(), "expected a string (got " + describe(val) + ")");
            }
            if (out.put(k.getValue(), isNull(val) ? "" : s.getValue()) != null) {
                throw context.problem(f, k.getStartMark(), "is given twice");
            }
        }
        return out;
    }

    /** A nested mapping, or null when absent. */
    FieldReader mapping(String key) {
        Node v = value(key);
        return v == null ? null : new FieldReader(v, field(key), context);
    }

    /** A list of mappings, each read by its own reader ({@code spec.containers[0]}, ...); null when absent. */
    List<FieldReader> mappings(String key) {
        Node v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw context.problem(field(key), markOf(key), "expected a list (got " + describe(v) + ")");
        }
        List<FieldReader> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String f = field(key) + "[" + out.size() + "]";
            context.remember(f, item.getStartMark());
            out.add(new FieldReader(item, f, context));
        }
        return out;
    }

    /**
     * What refuses a field the reference has and kukeond does not act on yet (saying why when there
     * is more to say than "not yet"): a manifest that asks for it would run without it, so it is
     * refused by name.
     */
    private static String unsupported(String why) {
        return "is not supported yet" + (why == null ? "" : " (" + why + ")")
                + "; kukeond would run without it, so the document is refused (remove the field, or leave it empty or false)";
    }

    /** Fields the reference has and kukeond does not act on yet: refused when set (empty, false and 0 ask for nothing). */
    void refuseUnsupported(String... keys) {
        for (String key : keys) {
            refuseUnsupportedBecause(key, null);
        }
    }

    /** As {@link #refuseUnsupported(String...)}, saying {@code why} (null: nothing more to say). */
    void refuseUnsupportedBecause(String key, String why) {
        Node v = value(key);
        if (v != null && isSet(v)) {
            throw context.problem(field(key), markOf(key), unsupported(why));
        }
    }

    /** Output fields (what {@code kuke get -o yaml} prints, such as status): they ask for nothing and are read as output. */
    void acceptOutput(String... keys) {
        for (String key : keys) {
            asked.add(key);
        }
    }

    /** Refuses every field that was never asked for. */
    void rejectUnknown() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!asked.contains(e.getKey())) {
                String hint = Spelling.closest(e.getKey(), asked);
                throw context.problem(field(e.getKey()), e.getValue().getKeyNode().getStartMark(),
                        "unknown field" + (hint == null ? "" : "; did you mean " + hint + "?"));
            }
        }
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** Non-empty: a mapping or list with entries, or a scalar other than "", false and 0. */
    private static boolean isSet(Node n) {
        if (n instanceof MappingNode m) {
            return !m.getValue().isEmpty();
        }
        if (n instanceof SequenceNode s) {
            return !s.getValue().isEmpty();
        }
        String v = ((ScalarNode) n).getValue();
        return !(v.isEmpty() || v.equals("false") || v.equals("0"));
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(n)) {
            return "null";
        }
        String v = ((ScalarNode) n).getValue();
        return "\"" + Names.printable(v) + "\"";
    }
}
