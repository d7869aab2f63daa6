package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.SecretRef;
import io.kukeon.model.StoredSecret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Secrets every scope holds, kept current by the scope's actor after it persists a change, after
 * its recovery, and when it is deleted (like {@link ObjectIndex}). The API lists from it, and a
 * container's {@code secretRef} is looked up in it; values are only read when a container starts.
 */
public final class SecretIndex {
    private final ScopeHoldings<StoredSecret> held = new ScopeHoldings<>();

    /** One secret as the index answers: where it is held, its name, and the stored secret. */
    public record Entry(ObjectPath scope, String name, StoredSecret secret) {
        static Entry of(ScopeHoldings.Held<StoredSecret> h) {
            return new Entry(h.scope(), h.name(), h.value());
        }
    }

    /** The secrets {@code scope} holds now (an empty map forgets the scope). */
    public void replace(ObjectPath scope, Map<String, StoredSecret> secrets) {
        held.replace(scope, secrets);
    }

    public void removeScope(ObjectPath scope) {
        held.removeScope(scope);
    }

    public Optional<StoredSecret> get(ObjectPath scope, String name) {
        return held.get(scope, name);
    }

    /** The nearest scope at or above {@code from} holding a secret of that name: cell, then stack, space, realm. */
    public Optional<Entry> nearest(ObjectPath from, String name) {
        return held.nearest(from, name).map(Entry::of);
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
        return held.list(scope).stream().map(Entry::of).toList();
    }
}
