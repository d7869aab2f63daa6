package io.kukeon.supervisor.tree;

import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Routed;

import java.util.Set;

/** Where a parent sends a message for something below it. */
enum Routing {
    /** To the existing child. */
    FORWARD,
    /** The child is being deleted: wait until it is gone (or stays). */
    WAIT,
    /** Record a new child first (an upsert of it, or of something below it that creates parents). */
    ADD_CHILD,
    /** Nothing there. */
    NOT_FOUND;

    static Routing decide(ObjectPath owner, Set<String> children, Children<?> registry, Routed routed) {
        String child = routed.childNameBelow(owner);
        if (registry.isDeleting(child)) {
            return WAIT;
        }
        if (children.contains(child)) {
            return FORWARD;
        }
        if (routed.message() instanceof ObjectCommand.Upsert upsert) {
            int childDepth = owner == null ? 1 : owner.segments().size() + 1;
            if (routed.target().segments().size() == childDepth || upsert.mode().createsParents()) {
                return ADD_CHILD;
            }
        }
        return NOT_FOUND;
    }
}
