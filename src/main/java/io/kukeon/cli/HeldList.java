package io.kukeon.cli;

import io.kukeon.model.ObjectPath;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How what scopes hold (secrets, volumes, templates) is listed: the one of a name in its scope (the
 * flags of one object, {@code --realm} defaulting to {@code default}), or everything the scope flags
 * given match (none given: everywhere).
 *
 * @param named  the scope of the one asked for by name; null for a list
 * @param filter the flags given, for a list
 */
record HeldList(ObjectPath named, ScopeFilter filter) {

    /** @param scope the scope of one object, from the flags (their defaults included) */
    static HeldList of(String name, ScopeFilter filter, Supplier<ObjectPath> scope) {
        return new HeldList(name != null ? scope.get() : null, filter);
    }

    /** The scope the daemon is asked for: the named one's, or the leading levels given. */
    String requestScope() {
        return named != null ? named.toString() : filter.prefix(ScopeFilter.FLAGS.size());
    }

    /** What the daemon answered, narrowed by the levels given that it could not narrow itself. */
    <E> List<E> narrow(List<E> found, Function<E, String> scopeOf) {
        return named != null ? found : found.stream().filter(e -> filter.matches(scopeOf.apply(e))).toList();
    }

    /** {@code No secrets found in realm "demo".} */
    String noneFound(String plural) {
        return "No " + plural + " found" + (named != null ? " in " + SecretCommands.where(named) : filter.where()) + ".\n";
    }
}
