package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.SecretRef;
import io.kukeon.model.StoredSecret;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The Secrets every scope holds, kept current by the scope's actor after it persists a change, after
 * its recovery, and when it is deleted (like {@link ObjectIndex}). The API lists from it, and a
 * container's {@code secretRef} is looked up in it; values are only read when a container starts.
 */
public final class SecretIndex {
    private final ConcurrentSkipListMap<String, Held> byScope = new ConcurrentSkipListMap<>();

    /** One secret as the index answers: where it is held, its name, and the stored secret. */
    public record Entry(ObjectPath scope, String name, StoredSecret secret) {}

    private record Held(ObjectPath scope, Map<String, StoredSecret> secrets) {}

    /** The secrets {@code scope} holds now (an empty map forgets the scope). */
    public void replace(ObjectPath scope, Map<String, StoredSecret> secrets) {
        if (secrets.isEmpty()) {
            byScope.remove(scope.toString());
        } else {
            byScope.put(scope.toString(), new Held(scope, Map.copyOf(secrets)));
        }
    }

    public void removeScope(ObjectPath scope) {
        byScope.remove(scope.toString());
    }

    public Optional<StoredSecret> get(ObjectPath scope, String name) {
        Held held = byScope.get(scope.toString());
        return held == null ? Optional.empty() : Optional.ofNullable(held.secrets().get(name));
    }

    /** The nearest scope at or above {@code from} holding a secret of that name: cell, then stack, space, realm. */
    public Optional<Entry> nearest(ObjectPath from, String name) {
        for (ObjectPath scope = from; scope != null; scope = scope.parent()) {
            Optional<StoredSecret> found = get(scope, name);
            if (found.isPresent()) {
                return Optional.of(new Entry(scope, name, found.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * The secret a container's {@code secretRef} names: with coordinates, that scope's; without, the
     * nearest scope holding the name from the container's cell up.
     */
    public Optional<StoredSecret> resolve(SecretRef ref, ObjectPath container) {
        return ref.hasScope() ? get(ref.scope(), ref.name())
                : nearest(container.parent(), ref.name()).map(Entry::secret);
    }

    /** Secrets held by {@code scope} and the scopes under it (null: every scope), by scope then name. */
    public List<Entry> list(ObjectPath scope) {
        Map<String, Held> range = scope == null ? byScope
                : byScope.subMap(scope.toString(), true, scope + "/\uffff", true);
        List<Entry> out = new ArrayList<>();
        for (Held held : range.values()) {
            if (scope == null || held.scope().equals(scope) || held.scope().toString().startsWith(scope + "/")) {
                held.secrets().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.add(new Entry(held.scope(), e.getKey(), e.getValue())));
            }
        }
        return out;
    }
}
