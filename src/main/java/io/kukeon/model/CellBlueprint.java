package io.kukeon.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cell template: what {@code kuke create cell --from-blueprint} (or a {@link CellConfig}) makes a
 * cell from, with {@code ${KEY}} of its parameters substituted in the string values of {@code cell}.
 *
 * @param prefix     the name prefix of the cells it makes when they are not named ({@code <prefix>-<6 hex>})
 * @param parameters what may be substituted; one without a default is required
 * @param cell       the cell's {@code spec} as a Cell document writes it (without realmId, spaceId,
 *                   stackId), as canonical JSON text; its strings may hold {@code ${KEY}}
 */
public record CellBlueprint(String prefix, List<Parameter> parameters, String cell) {
    public static final int MAX_PARAMETERS = 64;
    /** A generated name is the prefix, '-' and 6 hex digits: within a name's 63 characters. */
    public static final int MAX_PREFIX_LENGTH = Names.MAX_LENGTH - 7;
    public static final int MAX_VALUE_LENGTH = 4096;
    public static final Pattern PARAMETER_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    /** @param defaultValue null: the parameter is required */
    public record Parameter(String name, String defaultValue, String description) {
        public boolean required() {
            return defaultValue == null;
        }
    }

    public CellBlueprint {
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
    }

    public Parameter parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Every parameter's value: {@code given} (whose keys must be parameters), else the default; a
     * required parameter not given is refused. Errors name {@code field} and the key.
     *
     * @param describe what holds the values, for errors ({@code CellBlueprint "web"})
     */
    public Map<String, String> values(Map<String, String> given, String field, String describe) {
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (parameter(e.getKey()) == null) {
                throw new InvalidArgumentException(field + "." + e.getKey(), "is not a parameter of " + describe + " ("
                        + (parameters.isEmpty() ? "it has none" : "it has "
                        + String.join(", ", parameters.stream().map(Parameter::name).toList())) + ")");
            }
            requireValue(field + "." + e.getKey(), e.getValue());
        }
        Map<String, String> out = new TreeMap<>();
        for (Parameter p : parameters) {
            String value = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue();
            if (value == null) {
                throw new InvalidArgumentException(field + "." + p.name(), "is required by " + describe
                        + " (a parameter without a default)");
            }
            out.put(p.name(), value);
        }
        return out;
    }

    /** Checks every field but the cell (which the manifest reader reads as a cell's spec). */
    public void validate(String field) {
        requirePrefix(field + ".prefix", prefix);
        if (parameters.size() > MAX_PARAMETERS) {
            throw new InvalidArgumentException(field + ".parameters", "at most " + MAX_PARAMETERS + " parameters");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            String f = field + ".parameters[" + i + "]";
            requireParameterName(f + ".name", p.name());
            if (!names.add(p.name())) {
                throw new InvalidArgumentException(f + ".name", "\"" + p.name() + "\" is declared twice");
            }
            if (p.defaultValue() != null) {
                requireValue(f + ".default", p.defaultValue());
            }
            if (p.description() != null) {
                requireValue(f + ".description", p.description());
            }
        }
        if (cell == null || cell.isEmpty()) {
            throw new InvalidArgumentException(field + ".cell", "is required: the spec of the cells it makes");
        }
        if (cell.length() > Sizes.MAX_SPEC_BYTES) {
            throw new InvalidArgumentException(field + ".cell", "is over " + Sizes.MAX_SPEC_BYTES + " characters");
        }
    }

    /** A prefix of generated names: a name of its own, short enough for the 7 characters added. */
    public static String requirePrefix(String field, String prefix) {
        Names.require(field, prefix);
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new InvalidArgumentException(field, "\"" + prefix + "\" is over " + MAX_PREFIX_LENGTH
                    + " characters; a generated name adds '-' and 6 hex digits");
        }
        return prefix;
    }

    public static String requireParameterName(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (name.length() > 128 || !PARAMETER_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(name)
                    + "\" must be upper-case letters, digits and '_', not starting with a digit (at most 128)");
        }
        return name;
    }

    /** A parameter's value (a default, a config's value, a --param): text without NUL, bounded. */
    public static String requireValue(String field, String value) {
        if (value.length() > MAX_VALUE_LENGTH || value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(field, "must be at most " + MAX_VALUE_LENGTH + " characters, without NUL");
        }
        return value;
    }
}
