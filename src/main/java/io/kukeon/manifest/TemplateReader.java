package io.kukeon.manifest;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateScope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code kind: CellBlueprint} and {@code kind: CellConfig} documents: {@code metadata {name,
 * realm, space?, stack?}} and their spec. A blueprint's cell is checked as far as it can be without
 * values: every {@code ${KEY}} declared, and the cell read as a Cell with each parameter's default
 * (or, for a required one, a placeholder) substituted.
 */
final class TemplateReader {
    private TemplateReader() {}

    static TemplateDocument read(TemplateKind kind, FieldReader doc) {
        FieldReader meta = doc.mapping("metadata");
        if (meta == null) {
            throw doc.context().problem("metadata.name", doc.node().getStartMark(), "is required");
        }
        String name = io.kukeon.model.Names.require("metadata.name", meta.string("name"));
        ObjectPath scope = TemplateScope.of("metadata.", meta.string("realm"), meta.string("space"), meta.string("stack"));
        meta.rejectUnknown();
        FieldReader spec = doc.mapping("spec");
        if (spec == null) {
            throw doc.context().problem("spec", doc.node().getStartMark(), "is required");
        }
        doc.rejectUnknown();
        // the reference's repository and secret slots: not done here, so refused by name
        spec.refuseUnsupported("repos", "secrets");
        TemplateDocument out = kind == TemplateKind.BLUEPRINT
                ? new TemplateDocument(kind, scope, name, blueprint(spec, scope, name), null)
                : new TemplateDocument(kind, scope, name, null, config(spec));
        spec.rejectUnknown();
        return out;
    }

    private static CellBlueprint blueprint(FieldReader spec, ObjectPath scope, String name) {
        String prefix = spec.string("prefix");
        List<CellBlueprint.Parameter> parameters = new ArrayList<>();
        List<FieldReader> entries = spec.mappings("parameters");
        if (entries != null) {
            for (FieldReader p : entries) {
                parameters.add(new CellBlueprint.Parameter(p.string("name"), p.string("default"), p.string("description")));
                p.rejectUnknown();
            }
        }
        CellBlueprint blueprint = new CellBlueprint(prefix == null || prefix.isEmpty() ? name : prefix, parameters,
                CellTemplate.canonical(spec, "cell"));
        blueprint.validate("spec");
        CellTemplate.requireDeclared(blueprint.cell(), parameters.stream().map(CellBlueprint.Parameter::name)
                .collect(Collectors.toSet()), "spec.cell");
        Map<String, String> values = new HashMap<>();
        parameters.forEach(p -> values.put(p.name(), p.required() ? CellTemplate.PLACEHOLDER : p.defaultValue()));
        CellTemplate.materialize(blueprint, values, CellTemplate.sampleCell(scope, blueprint), Map.of());
        return blueprint;
    }

    private static CellConfig config(FieldReader spec) {
        var ref = SpecReader.templateRef(spec, "blueprintRef");
        if (ref == null) {
            throw spec.context().problem(spec.field("blueprintRef"), "is required: the CellBlueprint it fills in");
        }
        Map<String, String> values = spec.stringMap("values");
        List<String> env = spec.strings("env");
        CellConfig config = new CellConfig(ref, values == null ? null : new LinkedHashMap<>(values), env);
        config.validate("spec");
        return config;
    }
}
