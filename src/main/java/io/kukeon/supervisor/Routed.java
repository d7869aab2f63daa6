package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;

/**
 * A message for the object at {@code target}, passed down the tree from the host by each parent
 * on its way, and handled by the actor that owns the object.
 */
public record Routed(ObjectPath target, Addressed message) implements TreeCommand {

    /** What can be sent to one object: a command someone waits on, or a notice nobody answers. */
    public sealed interface Addressed permits ObjectCommand, Notice {
        /** Changes the object: a level that is busy lets it wait (reads go on). */
        default boolean mutates() {
            return true;
        }
    }

    /** The name at the level below {@code owner} (null: the host): where a parent sends this next. */
    public String childNameBelow(ObjectPath owner) {
        return target.segments().get(owner == null ? 0 : owner.segments().size());
    }

    /** True if the message is for the object at {@code owner} itself. */
    public boolean isFor(ObjectPath owner) {
        return target.equals(owner);
    }
}
