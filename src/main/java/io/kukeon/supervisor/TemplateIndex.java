package io.kukeon.supervisor;

import io.kukeon.model.CellTemplates;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.StoredTemplate;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The CellBlueprints and CellConfigs every realm, space and stack holds, kept current by the scope's
 * actor after it persists a change, after its recovery, and when it is deleted (like {@link SecretIndex}).
 * The API lists from it and materializes cells from it.
 */
public final class TemplateIndex {
    private final ConcurrentSkipListMap<String, Held> byScope = new ConcurrentSkipListMap<>();

    /** One template as the index answers: where it is held, its name, and the stored template. */
    public record Entry(ObjectPath scope, String name, StoredTemplate template) {
        public TemplateRef ref() {
            return TemplateRef.at(scope, name);
        }
    }

    private record Held(ObjectPath scope, CellTemplates templates) {}

    /** The templates {@code scope} holds now (none forgets the scope). */
    public void replace(ObjectPath scope, CellTemplates templates) {
        if (templates.isEmpty()) {
            byScope.remove(scope.toString());
        } else {
            byScope.put(scope.toString(), new Held(scope, templates));
        }
    }

    public void removeScope(ObjectPath scope) {
        byScope.remove(scope.toString());
    }

    public Optional<StoredTemplate> get(TemplateKind kind, ObjectPath scope, String name) {
        Held held = byScope.get(scope.toString());
        return held == null ? Optional.empty() : Optional.ofNullable(held.templates().get(kind, name));
    }

    /**
     * The template {@code ref} names: with coordinates, that scope's; without, the nearest scope
     * holding the name from {@code from} up (stack, space, realm).
     */
    public Optional<Entry> resolve(TemplateKind kind, TemplateRef ref, ObjectPath from) {
        if (ref.hasScope()) {
            return get(kind, ref.scope(), ref.name()).map(t -> new Entry(ref.scope(), ref.name(), t));
        }
        for (ObjectPath scope = from; scope != null; scope = scope.parent()) {
            Optional<StoredTemplate> found = get(kind, scope, ref.name());
            if (found.isPresent()) {
                return Optional.of(new Entry(scope, ref.name(), found.get()));
            }
        }
        return Optional.empty();
    }

    /** Templates of {@code kind} held by {@code scope} and the scopes under it (null: every scope), by scope then name. */
    public List<Entry> list(TemplateKind kind, ObjectPath scope) {
        Map<String, Held> range = scope == null ? byScope
                : byScope.subMap(scope.toString(), true, scope + "/\uffff", true);
        List<Entry> out = new ArrayList<>();
        for (Held held : range.values()) {
            if (scope == null || held.scope().equals(scope) || held.scope().toString().startsWith(scope + "/")) {
                held.templates().of(kind).entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.add(new Entry(held.scope(), e.getKey(), e.getValue())));
            }
        }
        return out;
    }
}
