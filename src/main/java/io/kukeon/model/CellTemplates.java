package io.kukeon.model;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The CellBlueprints and CellConfigs one realm, space or stack holds, each by name. */
public record CellTemplates(Map<String, StoredTemplate> blueprints, Map<String, StoredTemplate> configs) {
    public static final CellTemplates NONE = new CellTemplates(null, null);

    public CellTemplates {
        blueprints = blueprints == null ? Map.of() : Map.copyOf(blueprints);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public Map<String, StoredTemplate> of(TemplateKind kind) {
        return kind == TemplateKind.BLUEPRINT ? blueprints : configs;
    }

    public StoredTemplate get(TemplateKind kind, String name) {
        return of(kind).get(name);
    }

    public boolean isEmpty() {
        return blueprints.isEmpty() && configs.isEmpty();
    }

    /** These templates after {@code name} was put at {@code at}: created, or replaced keeping its creation time. */
    public CellTemplates put(String name, CellBlueprint blueprint, CellConfig config, Instant at) {
        TemplateKind kind = blueprint != null ? TemplateKind.BLUEPRINT : TemplateKind.CONFIG;
        Map<String, StoredTemplate> m = new TreeMap<>(of(kind));
        StoredTemplate before = m.get(name);
        m.put(name, new StoredTemplate(blueprint, config, before == null ? at : before.createdAt(), at));
        return with(kind, m);
    }

    public CellTemplates remove(TemplateKind kind, String name) {
        Map<String, StoredTemplate> m = new TreeMap<>(of(kind));
        m.remove(name);
        return with(kind, m);
    }

    private CellTemplates with(TemplateKind kind, Map<String, StoredTemplate> m) {
        return kind == TemplateKind.BLUEPRINT ? new CellTemplates(m, configs) : new CellTemplates(blueprints, m);
    }
}
