package io.kukeon.supervisor;

import io.kukeon.model.CellTemplates;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.StoredTemplate;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateRef;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CellBlueprints and CellConfigs every realm, space and stack holds, kept current by the scope's
 * actor after it persists a change, after its recovery, and when it is deleted (like {@link SecretIndex}).
 * The API lists from it and materializes cells from it.
 */
public final class TemplateIndex {
    private final Map<TemplateKind, ScopeHoldings<StoredTemplate>> held = new EnumMap<>(Map.of(
            TemplateKind.BLUEPRINT, new ScopeHoldings<>(), TemplateKind.CONFIG, new ScopeHoldings<>()));

    /** One template as the index answers: where it is held, its name, and the stored template. */
    public record Entry(ObjectPath scope, String name, StoredTemplate template) {
        public TemplateRef ref() {
            return TemplateRef.at(scope, name);
        }

        static Entry of(ScopeHoldings.Held<StoredTemplate> h) {
            return new Entry(h.scope(), h.name(), h.value());
        }
    }

    /** The templates {@code scope} holds now (none forgets the scope). */
    public void replace(ObjectPath scope, CellTemplates templates) {
        held.forEach((kind, holdings) -> holdings.replace(scope, templates.of(kind)));
    }

    public void removeScope(ObjectPath scope) {
        held.values().forEach(holdings -> holdings.removeScope(scope));
    }

    public Optional<StoredTemplate> get(TemplateKind kind, ObjectPath scope, String name) {
        return held.get(kind).get(scope, name);
    }

    /**
     * The template {@code ref} names: with coordinates, that scope's; without, the nearest scope
     * holding the name from {@code from} up (stack, space, realm).
     */
    public Optional<Entry> resolve(TemplateKind kind, TemplateRef ref, ObjectPath from) {
        ScopeHoldings<StoredTemplate> ofKind = held.get(kind);
        return (ref.hasScope() ? ofKind.at(ref.scope(), ref.name()) : ofKind.nearest(from, ref.name())).map(Entry::of);
    }

    /** Templates of {@code kind} held by {@code scope} and the scopes under it (null: every scope), by scope then name. */
    public List<Entry> list(TemplateKind kind, ObjectPath scope) {
        return held.get(kind).list(scope).stream().map(Entry::of).toList();
    }
}
