package io.kukeon.network;

/**
 * A published port and who publishes it: the unit of the host's index of published ports.
 *
 * @param cell  the cell's path as users write it, e.g. {@code main/default/default/web}
 * @param field the entry in that cell's spec, e.g. {@code spec.containers[1].ports[0]}
 */
public record PortClaim(String cell, String field, PublishedPort port) {}
