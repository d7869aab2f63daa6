package io.kukeon.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a cell made from a template came from ({@code spec.provenance}): the template it was bound
 * to, the parameter values it was made with, and the environment overrides it was given.
 *
 * @param bindingKind  {@code config} or {@code blueprint}
 * @param bindingRef   that template, with the coordinates of the scope holding it
 * @param params       every parameter's value as substituted (defaults included)
 * @param envOverrides {@code KEY=VALUE} added to every container
 */
public record Provenance(String bindingKind, TemplateRef bindingRef, Map<String, String> params,
                         List<String> envOverrides) {

    public Provenance {
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(params));
        envOverrides = envOverrides == null ? List.of() : List.copyOf(envOverrides);
    }

    public void validate(String field) {
        if (bindingKind == null || !(bindingKind.equals(TemplateKind.CONFIG.bindingKind())
                || bindingKind.equals(TemplateKind.BLUEPRINT.bindingKind()))) {
            throw new InvalidArgumentException(field + ".bindingKind", "must be config or blueprint (got \""
                    + Names.printable(String.valueOf(bindingKind)) + "\")");
        }
        if (bindingRef == null) {
            throw new InvalidArgumentException(field + ".bindingRef", "is required");
        }
        bindingRef.validate(field + ".bindingRef");
        if (!bindingRef.hasScope()) {
            throw new InvalidArgumentException(field + ".bindingRef.realm", "is required");
        }
        if (params.size() > CellBlueprint.MAX_PARAMETERS) {
            throw new InvalidArgumentException(field + ".params", "at most " + CellBlueprint.MAX_PARAMETERS + " values");
        }
        params.forEach((k, v) -> {
            CellBlueprint.requireParameterName(field + ".params." + k, k);
            CellBlueprint.requireValue(field + ".params." + k, v);
        });
        CellConfig.requireEnv(field + ".envOverrides", envOverrides);
    }
}
