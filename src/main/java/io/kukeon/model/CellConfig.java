package io.kukeon.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A blueprint filled in: what {@code kuke create cell --from-config} makes a cell from.
 *
 * @param blueprintRef the blueprint; without coordinates, the nearest holding the name from the config's scope up
 * @param values       the blueprint's parameters this config sets (a key it does not declare is refused)
 * @param env          {@code KEY=VALUE} added to every container of the cell, winning over the blueprint's
 */
public record CellConfig(TemplateRef blueprintRef, Map<String, String> values, List<String> env) {

    public CellConfig {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(values));
        env = env == null ? List.of() : List.copyOf(env);
    }

    public void validate(String field) {
        if (blueprintRef == null) {
            throw new InvalidArgumentException(field + ".blueprintRef", "is required: the CellBlueprint it fills in");
        }
        blueprintRef.validate(field + ".blueprintRef");
        if (values.size() > CellBlueprint.MAX_PARAMETERS) {
            throw new InvalidArgumentException(field + ".values", "at most " + CellBlueprint.MAX_PARAMETERS + " values");
        }
        values.forEach((k, v) -> {
            CellBlueprint.requireParameterName(field + ".values." + k, k);
            CellBlueprint.requireValue(field + ".values." + k, v);
        });
        requireEnv(field + ".env", env);
    }

    /** Environment overrides: {@code KEY=VALUE} each, bounded as a container's. */
    public static void requireEnv(String field, List<String> env) {
        if (env.size() > ContainerSpec.MAX_ARGS) {
            throw new InvalidArgumentException(field, "at most " + ContainerSpec.MAX_ARGS + " entries");
        }
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            if (e == null || e.indexOf('=') <= 0 || e.indexOf('\0') >= 0 || e.length() > ContainerSpec.MAX_ARG_LENGTH) {
                throw new InvalidArgumentException(field + "[" + i + "]", "must be KEY=VALUE (got \""
                        + Names.printable(String.valueOf(e)) + "\")");
            }
        }
    }
}
