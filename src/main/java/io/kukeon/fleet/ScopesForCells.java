package io.kukeon.fleet;

import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The spaces and stacks a member holds only for the cells the fleet runs on it: made when a cell is
 * routed or moved here and this node lacked them (labelled {@link #LABEL}), and removed once no
 * cell is left in them, so that a node keeps the cgroups and networks of the cells it runs, not of
 * every cell it ever ran. A copy applied through this node by a user carries no label and stays; so
 * does every realm (its containerd namespace holds the images pulled or loaded on this node).
 */
public final class ScopesForCells {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScopesForCells.class);
    /** On a space or stack this node holds only for its cells; a user's apply of it here removes it (the copy is then theirs). */
    public static final String LABEL = "kukeon.io/for-cells";
    /** How often the empty ones are looked for; one is removed when it was empty at two looks in a row. */
    static final Duration EVERY = Duration.ofSeconds(5);

    private ScopesForCells() {}

    /** {@code scope} as this node makes it for its cells: a space or stack labelled, a realm as it is. */
    public static TreeObject forCells(TreeObject scope) {
        if (scope instanceof TreeObject.Space s) {
            return new TreeObject.Space(s.path(), labelled(s.metadata()), s.spec(), s.status());
        } else if (scope instanceof TreeObject.Stack s) {
            return new TreeObject.Stack(s.path(), labelled(s.metadata()), s.spec(), s.status());
        }
        return scope;
    }

    public static boolean isScope(TreeObject object) {
        return object instanceof TreeObject.Realm || object instanceof TreeObject.Space || object instanceof TreeObject.Stack;
    }

    private static Metadata labelled(Metadata metadata) {
        Map<String, String> labels = new HashMap<>(metadata.labels());
        labels.put(LABEL, "true");
        return new Metadata(metadata.name(), labels, metadata.annotations(), metadata.generation());
    }

    /** The labelled stacks, then spaces, with nothing under them in {@code index} (their secrets and volumes are the remover's to check). */
    static Set<ObjectPath> empty(ObjectIndex index) {
        Set<ObjectPath> out = new HashSet<>();
        for (Kind kind : new Kind[] {Kind.STACK, Kind.SPACE}) {
            for (TreeObject scope : index.list(kind, null, labels -> "true".equals(labels.get(LABEL)))) {
                if (!index.listAfter(kind.child(), scope.path(), null, labels -> true).iterator().hasNext()) {
                    out.add(scope.path());
                }
            }
        }
        return out;
    }

    private record Look() {}

    /**
     * Every {@link #EVERY}, removes through {@code moves} the labelled spaces and stacks found empty
     * at this look and the one before (a routed apply makes the stack a moment before its cell).
     * A stack removed lets its space be found empty at the following looks.
     */
    static Behavior<Object> sweeper(ObjectIndex index, CellMoves moves) {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Look(), EVERY);
            Set<ObjectPath> before = new HashSet<>();
            return Behaviors.receiveMessage(look -> {
                Set<ObjectPath> now = empty(index);
                for (ObjectPath scope : now) {
                    if (before.contains(scope)) {
                        moves.removeEmptyScopeHere(scope).whenComplete((removed, failed) -> {
                            if (failed != null) {
                                LOG.warn("{} {}, held here only for cells and empty, could not be removed: {}",
                                        scope.kind().label(), scope, failed.getMessage());
                            } else if (removed) {
                                LOG.info("{} {} is removed from this node: no cell of this node is left in it",
                                        scope.kind().label(), scope);
                            }
                        });
                    }
                }
                before.clear();
                before.addAll(now);
                return Behaviors.same();
            });
        });
    }
}
