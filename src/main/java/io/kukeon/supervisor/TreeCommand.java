package io.kukeon.supervisor;

/**
 * Every message an actor of the tree accepts. One supertype for all levels keeps routing plain: a
 * parent hands a {@link Routed} message to its child as it is, whatever level the child is. Each
 * level's own commands are records of their own, grouped in the level's {@code Command} interface.
 */
public interface TreeCommand {}
