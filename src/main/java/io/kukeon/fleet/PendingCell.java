package io.kukeon.fleet;

/**
 * A new cell that no node could take when it was applied or created: the fleet keeps it, Pending,
 * and runs it once a node can.
 *
 * @param manifest      the YAML documents `kuke apply` takes, the cell's realm, space and stack first
 * @param createdMillis when the fleet took it
 * @param problem       why no node runs it yet
 */
public record PendingCell(String manifest, long createdMillis, String problem) implements FleetMessage {
    PendingCell because(String why) {
        return new PendingCell(manifest, createdMillis, why);
    }
}
