package io.kukeon.fleet;

/**
 * A node the cluster removed.
 *
 * @param atMillis when a member saw it removed
 * @param downed   the cluster downed it (unreachable past stable-after); false: it left on its own
 */
public record Departure(long atMillis, boolean downed) implements FleetMessage {}
