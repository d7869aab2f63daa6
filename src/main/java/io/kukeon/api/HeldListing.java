package io.kukeon.api;

import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How what scopes hold (Secrets, Volumes, templates) is listed: everything under a scope, or the one
 * of a name (in that very scope when one is given), at most {@link #MAX_LISTED} in one answer; a
 * named one that the given scope does not hold is NOT_FOUND.
 */
final class HeldListing {
    /** What one list answers at most (64 per scope of each sort; a narrower scope lists fewer). */
    static final int MAX_LISTED = 10_000;

    private HeldListing() {}

    /**
     * @param held    what the index lists under {@code scope} (null: everywhere)
     * @param plural  what they are, for the error ("secrets")
     * @param missing the error for a named one the scope does not hold
     */
    static <E> List<E> matching(List<E> held, Function<E, ObjectPath> scopeOf, Function<E, String> nameOf,
                                ObjectPath scope, String name, String plural, Supplier<NotFoundException> missing) {
        List<E> found = held.stream()
                .filter(e -> name == null || nameOf.apply(e).equals(name) && (scope == null || scopeOf.apply(e).equals(scope)))
                .toList();
        if (found.size() > MAX_LISTED) {
            throw new ResourceExhaustedException(found.size() + " " + plural + " match; a list holds at most " + MAX_LISTED
                    + ": narrow it with a scope");
        }
        if (name != null && scope != null && found.isEmpty()) {
            throw missing.get();
        }
        return found;
    }
}
