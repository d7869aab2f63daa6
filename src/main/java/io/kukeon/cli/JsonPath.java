package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code -o jsonpath=EXPR}: a small subset of kubectl's JSONPath templates, applied to what
 * {@code -o json} prints (a list as {@code {"items": [...]}}). Supported: text outside braces as is;
 * {@code {.a.b}}, {@code {.items[*].a}}, {@code {.items[0]}}, {@code {.}} (also starting with {@code @} or
 * {@code $}); {@code {range .items[*]}...{end}}, whose paths start from each element; string literals
 * {@code {"\n"}} with the escapes {@code \n \t \" \\}. Several results print separated by a space,
 * maps and lists as JSON; a key that is absent prints nothing. Anything else is refused by
 * {@link #parse} with an {@link IllegalArgumentException} naming the expression.
 */
final class JsonPath {
    static final String SUPPORTED = "{.a.b}, {.items[*].a}, {.items[0]}, {range .items[*]}...{end}, {\"\\n\"} and text";

    private final List<Node> nodes;

    private JsonPath(List<Node> nodes) {
        this.nodes = nodes;
    }

    private interface Node {}

    private record Text(String text) implements Node {}

    private record Select(List<Step> steps) implements Node {}

    private record Range(List<Step> steps, List<Node> body) implements Node {}

    /** A map key, every element ({@code [*]}), or one element by index. */
    private record Step(String key, boolean all, int index) {}

    static JsonPath parse(String expression) {
        Parser p = new Parser(expression);
        List<Node> nodes = p.nodes(false);
        return new JsonPath(nodes);
    }

    /** The template applied to {@code root} (maps, lists, strings, numbers, booleans). */
    String apply(Object root) {
        StringBuilder out = new StringBuilder();
        write(out, nodes, root);
        return out.toString();
    }

    private static void write(StringBuilder out, List<Node> nodes, Object current) {
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text());
            } else if (n instanceof Select s) {
                List<String> shown = new ArrayList<>();
                for (Object v : select(current, s.steps())) {
                    shown.add(v instanceof Map || v instanceof List ? ManifestWriter.jsonValue(v).strip() : String.valueOf(v));
                }
                out.append(String.join(" ", shown));
            } else {
                Range r = (Range) n;
                for (Object element : select(current, r.steps())) {
                    write(out, r.body(), element);
                }
            }
        }
    }

    private static List<Object> select(Object root, List<Step> steps) {
        List<Object> current = new ArrayList<>();
        current.add(root);
        for (Step step : steps) {
            List<Object> next = new ArrayList<>();
            for (Object v : current) {
                if (step.key() != null) {
                    if (v instanceof Map<?, ?> m && m.containsKey(step.key())) {
                        next.add(m.get(step.key()));
                    }
                } else if (step.all()) {
                    if (v instanceof List<?> l) {
                        next.addAll(l);
                    } else if (v instanceof Map<?, ?> m) {
                        next.addAll(m.values());
                    }
                } else if (v instanceof List<?> l && step.index() < l.size()) {
                    next.add(l.get(step.index()));
                }
            }
            current = next;
        }
        current.removeIf(v -> v == null);
        return current;
    }

    private static final class Parser {
        private final String expression;
        private int at;

        Parser(String expression) {
            this.expression = expression;
        }

        /** Nodes up to the end, or (inside a range) up to its {@code {end}}, which it consumes. */
        List<Node> nodes(boolean inRange) {
            List<Node> nodes = new ArrayList<>();
            while (at < expression.length()) {
                int open = expression.indexOf('{', at);
                if (open < 0) {
                    nodes.add(new Text(expression.substring(at)));
                    at = expression.length();
                    break;
                }
                if (open > at) {
                    nodes.add(new Text(expression.substring(at, open)));
                }
                at = open + 1;
                if (at < expression.length() && expression.charAt(at) == '"') {
                    nodes.add(new Text(literal()));
                    continue;
                }
                int close = expression.indexOf('}', at);
                if (close < 0) {
                    throw refused("'{' at " + open + " is not closed");
                }
                String inside = expression.substring(at, close).trim();
                at = close + 1;
                if (inside.equals("end")) {
                    if (!inRange) {
                        throw refused("{end} without {range}");
                    }
                    return nodes;
                }
                if (inside.startsWith("range ")) {
                    List<Step> steps = path(inside.substring("range ".length()).trim());
                    nodes.add(new Range(steps, nodes(true)));
                } else {
                    nodes.add(new Select(path(inside)));
                }
            }
            if (inRange) {
                throw refused("{range} without {end}");
            }
            return nodes;
        }

        /** A quoted string right after '{', up to its closing quote and the '}'. */
        private String literal() {
            StringBuilder text = new StringBuilder();
            int i = at + 1;
            while (i < expression.length() && expression.charAt(i) != '"') {
                char c = expression.charAt(i);
                if (c == '\\' && i + 1 < expression.length()) {
                    char e = expression.charAt(++i);
                    switch (e) {
                        case 'n' -> text.append('\n');
                        case 't' -> text.append('\t');
                        case '"', '\\' -> text.append(e);
                        default -> throw refused("unknown escape \\" + e);
                    }
                } else {
                    text.append(c);
                }
                i++;
            }
            if (i + 1 >= expression.length() || expression.charAt(i) != '"' || expression.charAt(i + 1) != '}') {
                throw refused("a string literal must be {\"...\"}");
            }
            at = i + 2;
            return text.toString();
        }

        private List<Step> path(String path) {
            String rest = path.startsWith("@") || path.startsWith("$") ? path.substring(1) : path;
            if (rest.equals(".") || rest.isEmpty() && !path.isEmpty()) {
                return List.of();
            }
            if (!rest.startsWith(".") && !rest.startsWith("[")) {
                throw refused("'" + path + "' is not a path such as .metadata.name");
            }
            List<Step> steps = new ArrayList<>();
            int i = 0;
            while (i < rest.length()) {
                char c = rest.charAt(i);
                if (c == '.') {
                    int end = i + 1;
                    while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_'
                            || rest.charAt(end) == '-')) {
                        end++;
                    }
                    if (end == i + 1) {
                        throw refused("'" + path + "': a '.' must be followed by a key");
                    }
                    steps.add(new Step(rest.substring(i + 1, end), false, 0));
                    i = end;
                } else if (c == '[') {
                    int close = rest.indexOf(']', i);
                    String inside = close < 0 ? "" : rest.substring(i + 1, close);
                    if (inside.equals("*")) {
                        steps.add(new Step(null, true, 0));
                    } else if (!inside.isEmpty() && inside.chars().allMatch(Character::isDigit) && inside.length() < 9) {
                        steps.add(new Step(null, false, Integer.parseInt(inside)));
                    } else {
                        throw refused("'" + path + "': only [*] and [N] select elements");
                    }
                    i = close + 1;
                } else {
                    throw refused("'" + path + "': unexpected '" + c + "'");
                }
            }
            return steps;
        }

        private IllegalArgumentException refused(String why) {
            return new IllegalArgumentException("jsonpath '" + expression + "' is not supported: " + why
                    + " (supported: " + SUPPORTED + ")");
        }
    }
}
