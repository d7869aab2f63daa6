package io.kukeon.manifest;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CellBlueprint's {@code spec.cell}: held as canonical JSON text (numbers and booleans as a plain
 * YAML scalar reads them, every other scalar a string), with {@code ${KEY}} of a parameter in any
 * string value. Made into a cell by substituting the values and reading the result as a Cell
 * document with the manifest's own readers, so a template is checked by exactly the rules a Cell is.
 */
public final class CellTemplate {
    /** {@code ${KEY}}; a key that is not a parameter name is reported as undeclared. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    /** Fields of a Cell's spec a template leaves out: where the cell goes, and what kukeond writes. */
    private static final List<String> NOT_IN_TEMPLATE = List.of("realmId", "spaceId", "stackId", "id", "provenance");

    /**
     * What a parameter without a value, or a missing scope level, stands for while a template is
     * checked: valid as a name, an image reference and a path part.
     */
    public static final String PLACEHOLDER = "placeholder";

    private CellTemplate() {}

    /** A cell path that stands for the cells {@code blueprint} makes from {@code scope} while it is checked. */
    public static ObjectPath sampleCell(ObjectPath scope, CellBlueprint blueprint) {
        String space = scope.nameAt(Kind.SPACE);
        String stack = scope.nameAt(Kind.STACK);
        return ObjectPath.of(scope.nameAt(Kind.REALM), space == null ? PLACEHOLDER : space,
                stack == null ? PLACEHOLDER : stack, blueprint.prefix() + "-000000");
    }

    /** The template under {@code field} (e.g. {@code spec.cell}) as canonical JSON text; it must be a mapping. */
    static String canonical(FieldReader parent, String key) {
        FieldReader cell = parent.mapping(key);
        if (cell == null) {
            throw parent.context().problem(parent.field(key), parent.markOf(key), "is required: the spec of the cells it makes");
        }
        for (String field : NOT_IN_TEMPLATE) {
            if (cell.value(field) != null) {
                throw cell.context().problem(cell.field(field), cell.markOf(field), field.equals("provenance")
                        ? "is written by kukeond on the cells it makes; leave it out"
                        : "is not part of a template: a cell's stack and name come from kuke create cell; leave it out");
            }
        }
        return JsonText.of(plain(cell.node(), cell.path(), cell.context())).strip();
    }

    /**
     * A YAML node as a plain tree: whole numbers and true/false as a plain scalar reads them, null,
     * else text. Where each field is, is remembered, so an error found later points at its line.
     */
    private static Object plain(Node node, String field, DocumentContext context) {
        context.remember(field, node.getStartMark());
        if (node instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode key)) {
                    throw context.problem(field, t.getKeyNode().getStartMark(), "field names must be plain words");
                }
                out.put(key.getValue(), plain(t.getValueNode(), field + "." + key.getValue(), context));
            }
            return out;
        }
        if (node instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            s.getValue().forEach(item -> out.add(plain(item, field + "[" + out.size() + "]", context)));
            return out;
        }
        ScalarNode s = (ScalarNode) node;
        if (FieldReader.isNull(s)) {
            return null;
        }
        String v = s.getValue();
        if (s.isPlain() && INTEGER.matcher(v).matches()) {
            try {
                return Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                return v;   // read as a string, which the field reading it refuses as a number would be
            }
        }
        if (s.isPlain() && List.of("true", "True", "TRUE", "false", "False", "FALSE").contains(v)) {
            return v.equalsIgnoreCase("true");
        }
        return v;
    }

    /** The template as a plain tree (maps, lists, strings, numbers, booleans), for writing it back in a document. */
    public static Object tree(String cellJson) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(cellJson);
    }

    /** Every {@code ${KEY}} whose key is not in {@code declared}: refused naming the field it is in. */
    static void requireDeclared(String cellJson, Set<String> declared, String field) {
        walkStrings(tree(cellJson), field, (where, text) -> {
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                if (!declared.contains(m.group(1))) {
                    throw new InvalidArgumentException(where, "${" + m.group(1) + "} is not a declared parameter"
                            + " (spec.parameters)");
                }
            }
        });
    }

    private static void walkStrings(Object node, String field, BiConsumer<String, String> visit) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walkStrings(v, field + "." + k, visit));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walkStrings(l.get(i), field + "[" + i + "]", visit);
            }
        } else if (node instanceof String s) {
            visit.accept(field, s);
        }
    }

    /**
     * The cell {@code blueprint} makes at {@code cell} with every {@code ${KEY}} replaced by
     * {@code values} (which hold every parameter), read as a Cell document would be.
     *
     * @throws InvalidArgumentException naming the template's field ({@code spec.cell.containers[0].image})
     */
    public static TreeObject.Cell materialize(CellBlueprint blueprint, Map<String, String> values, ObjectPath cell,
                                              Map<String, String> labels) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("realmId", cell.nameAt(Kind.REALM));
        spec.put("spaceId", cell.nameAt(Kind.SPACE));
        spec.put("stackId", cell.nameAt(Kind.STACK));
        @SuppressWarnings("unchecked")
        Map<String, Object> template = (Map<String, Object>) substituted(tree(blueprint.cell()), values);
        spec.putAll(template);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", cell.name());
        SpecDocument.put(metadata, "labels", new LinkedHashMap<>(labels));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", DocumentReader.API_VERSION);
        doc.put("kind", Kind.CELL.displayName());
        doc.put("metadata", metadata);
        doc.put("spec", spec);
        ManifestDocument read = ManifestReader.read(JsonText.of(doc).getBytes(StandardCharsets.UTF_8)).get(0);
        if (read.failed()) {
            String field = read.error().field() == null ? "spec.cell" : read.error().field();
            throw new InvalidArgumentException(field.startsWith("spec.") ? "spec.cell." + field.substring(5) : field,
                    read.error().message());
        }
        return (TreeObject.Cell) read.object();
    }

    private static Object substituted(Object node, Map<String, String> values) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), substituted(v, values)));
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(item -> substituted(item, values)).toList();
        }
        if (node instanceof String s) {
            Matcher m = REFERENCE.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
            }
            return m.appendTail(out).toString();
        }
        return node;
    }
}
