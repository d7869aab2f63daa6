package io.kukeon.supervisor;

/**
 * Every message a tree actor accepts. One supertype for all levels keeps routing plain: a parent
 * hands a {@link Request} to its child as it is, and a child reports to its parent directly.
 */
public interface TreeCommand {}
