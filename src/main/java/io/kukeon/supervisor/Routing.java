package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;

import java.util.Set;

/** Where a parent sends a request that targets something below it. */
enum Routing {
    /** To the existing child. */
    FORWARD,
    /** The child is being deleted: wait until it is gone (or stays). */
    WAIT,
    /** Record a new child first (an upsert of it, or of something below it with createParents). */
    ADD_CHILD,
    /** Nothing there. */
    NOT_FOUND;

    static Routing decide(ObjectPath owner, Set<String> children, ChildRegistry registry, Request request) {
        String child = request.childNameBelow(owner);
        if (registry.isDeleting(child)) {
            return WAIT;
        }
        if (children.contains(child)) {
            return FORWARD;
        }
        if (request.op() instanceof Operation.Upsert upsert) {
            int childDepth = owner == null ? 1 : owner.segments().size() + 1;
            if (request.target().segments().size() == childDepth || upsert.createParents()) {
                return ADD_CHILD;
            }
        }
        return NOT_FOUND;
    }
}
