package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A kubectl-style label selector: {@code env=prod}, {@code env==prod}, {@code tier!=db},
 * {@code team} (has the label), {@code !legacy} (lacks it); a comma means AND. The empty selector
 * matches everything.
 */
public final class LabelSelector {
    private static final Pattern KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    public enum Operator { EQUALS, NOT_EQUALS, EXISTS, NOT_EXISTS }

    /** One comma-separated term. {@code value} is null for EXISTS and NOT_EXISTS. */
    public record Requirement(String key, Operator operator, String value) {
        boolean matches(Map<String, String> labels) {
            return switch (operator) {
                case EQUALS -> value.equals(labels.get(key));
                case NOT_EQUALS -> !value.equals(labels.get(key));
                case EXISTS -> labels.containsKey(key);
                case NOT_EXISTS -> !labels.containsKey(key);
            };
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + value;
                case NOT_EQUALS -> key + "!=" + value;
                case EXISTS -> key;
                case NOT_EXISTS -> "!" + key;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    /** @throws InvalidArgumentException on field {@code selector}, quoting the bad term */
    public static LabelSelector parse(String text) {
        List<Requirement> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new LabelSelector(out);
        }
        for (String raw : text.split(",", -1)) {
            out.add(term(raw.trim(), text));
        }
        return new LabelSelector(out);
    }

    private static Requirement term(String t, String whole) {
        if (t.isEmpty()) {
            throw bad("\"" + Names.printable(whole) + "\" has an empty term");
        }
        Requirement r;
        if (t.startsWith("!")) {
            r = new Requirement(t.substring(1).trim(), Operator.NOT_EXISTS, null);
        } else if (t.contains("!=")) {
            int at = t.indexOf("!=");
            r = new Requirement(t.substring(0, at).trim(), Operator.NOT_EQUALS, t.substring(at + 2).trim());
        } else if (t.contains("==")) {
            int at = t.indexOf("==");
            r = new Requirement(t.substring(0, at).trim(), Operator.EQUALS, t.substring(at + 2).trim());
        } else if (t.contains("=")) {
            int at = t.indexOf('=');
            r = new Requirement(t.substring(0, at).trim(), Operator.EQUALS, t.substring(at + 1).trim());
        } else {
            r = new Requirement(t, Operator.EXISTS, null);
        }
        if (!KEY.matcher(r.key()).matches() || r.key().length() > 253
                || (r.value() != null && (!VALUE.matcher(r.value()).matches() || r.value().length() > 63))) {
            throw bad("\"" + Names.printable(t) + "\" is not a requirement; use key=value, key==value, key!=value,"
                    + " key or !key, joined by commas");
        }
        return r;
    }

    private static InvalidArgumentException bad(String rule) {
        return new InvalidArgumentException("selector", rule);
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.matches(l));
    }

    /** The canonical text, e.g. {@code env=prod,!legacy}. */
    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(Requirement::toString).toList());
    }
}
