package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What every scope holds of one sort (its Secrets, its Volumes, its CellBlueprints…), by name: the
 * shape the indexes of held things share. A scope's actor replaces its entry after it persists a
 * change and after its recovery, and removes it when the scope is deleted.
 *
 * @param <T> what is held
 */
final class ScopeHoldings<T> {
    /** One held thing as the index answers: where it is held, its name, and itself. */
    record Held<T>(ObjectPath scope, String name, T value) {}

    private record OfScope<T>(ObjectPath scope, Map<String, T> byName) {}

    private final ConcurrentSkipListMap<String, OfScope<T>> byScope = new ConcurrentSkipListMap<>();

    /** What {@code scope} holds now (an empty map forgets the scope). */
    void replace(ObjectPath scope, Map<String, T> held) {
        if (held.isEmpty()) {
            byScope.remove(scope.toString());
        } else {
            byScope.put(scope.toString(), new OfScope<>(scope, Map.copyOf(held)));
        }
    }

    void removeScope(ObjectPath scope) {
        byScope.remove(scope.toString());
    }

    Optional<T> get(ObjectPath scope, String name) {
        OfScope<T> of = byScope.get(scope.toString());
        return of == null ? Optional.empty() : Optional.ofNullable(of.byName().get(name));
    }

    Optional<Held<T>> at(ObjectPath scope, String name) {
        return get(scope, name).map(v -> new Held<>(scope, name, v));
    }

    /** The nearest scope at or above {@code from} holding that name (cell, stack, space, realm). */
    Optional<Held<T>> nearest(ObjectPath from, String name) {
        for (ObjectPath scope = from; scope != null; scope = scope.parent()) {
            Optional<Held<T>> found = at(scope, name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** What {@code scope} and the scopes under it hold (null: every scope), by scope then name. */
    List<Held<T>> list(ObjectPath scope) {
        Map<String, OfScope<T>> range = scope == null ? byScope
                : byScope.subMap(scope.toString(), true, scope + "/\uffff", true);
        List<Held<T>> out = new ArrayList<>();
        for (OfScope<T> of : range.values()) {
            if (scope == null || of.scope().equals(scope) || of.scope().toString().startsWith(scope + "/")) {
                of.byName().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.add(new Held<>(of.scope(), e.getKey(), e.getValue())));
            }
        }
        return out;
    }
}
