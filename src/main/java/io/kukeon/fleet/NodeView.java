package io.kukeon.fleet;

import java.util.Map;

/**
 * One node as {@code kuke get nodes} shows it.
 *
 * @param status      Up, Joining, Unreachable, Leaving, Down, or Left (gone on its own, with cells shown)
 * @param sinceMillis when the node's kukeond started (epoch milliseconds)
 * @param address     where the other members reach it; empty for a kukeond alone
 */
public record NodeView(String name, String status, Map<String, String> labels, NodeLoad load, NodeCapacity capacity,
                       long sinceMillis, String address) {}
