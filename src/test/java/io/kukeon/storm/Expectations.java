package io.kukeon.storm;

import io.kukeon.model.ObjectPath;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the clients know about the spaces, stacks and cells they touched: after an acknowledged
 * request exactly one {@link Possible} per object; after a request whose answer never came (the
 * kill, or an error that does not say whether it was carried out), also what it would have made.
 * Clients own disjoint subtrees, so no two threads change the same entry.
 */
final class Expectations {
    private final Map<ObjectPath, Set<Possible>> byPath = new TreeMap<>(Comparator.comparing(ObjectPath::toString));

    synchronized Set<Possible> of(ObjectPath path) {
        return Set.copyOf(byPath.getOrDefault(path, Set.of(Possible.ABSENT)));
    }

    /** Present in every possibility. */
    synchronized boolean surelyExists(ObjectPath path) {
        return of(path).stream().allMatch(Possible::exists);
    }

    synchronized boolean mayExist(ObjectPath path) {
        return of(path).stream().anyMatch(Possible::exists);
    }

    synchronized void acknowledged(ObjectPath path, Possible now) {
        byPath.put(path, Set.of(now));
    }

    /** An acknowledged delete of {@code path} and everything below it. */
    synchronized void deleted(ObjectPath path) {
        for (ObjectPath p : subtree(path)) {
            byPath.put(p, Set.of(Possible.ABSENT));
        }
    }

    /** A request that may or may not have been carried out: each possibility stays, and gains its changed self. */
    synchronized void inDoubt(ObjectPath path, UnaryOperator<Possible> change) {
        Set<Possible> both = new HashSet<>(of(path));
        for (Possible p : of(path)) {
            both.add(change.apply(p));
        }
        byPath.put(path, Set.copyOf(both));
    }

    /** A delete that may or may not have been carried out, of {@code path} and everything below it. */
    synchronized void deleteInDoubt(ObjectPath path) {
        for (ObjectPath p : subtree(path)) {
            inDoubt(p, x -> Possible.ABSENT);
        }
    }

    synchronized List<ObjectPath> paths() {
        return List.copyOf(byPath.keySet());
    }

    /** After a check: what was observed is what the next trial starts from. */
    synchronized void settle(ObjectPath path, Possible observed) {
        byPath.put(path, Set.of(observed));
    }

    private List<ObjectPath> subtree(ObjectPath root) {
        Set<ObjectPath> out = new HashSet<>();
        out.add(root);
        for (ObjectPath p : byPath.keySet()) {
            if (root.isAncestorOf(p)) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }
}
