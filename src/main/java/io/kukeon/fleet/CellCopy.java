package io.kukeon.fleet;

/**
 * What the fleet knows of a cell a node runs, replicated to every member so that the others can run
 * it when that node is gone: its manifest (its realm, space and stack, then the cell), when it was
 * created, and why it stays where it is when it may not move.
 *
 * @param manifest      the YAML documents `kuke apply` takes, the cell's ancestors first
 * @param createdMillis when its node created it (a copy made before a move is the one that yields)
 * @param stays         why the cell is not run elsewhere when its node is gone; null: it moves
 */
public record CellCopy(String manifest, long createdMillis, String stays) implements FleetMessage {
    public boolean moves() {
        return stays == null;
    }
}
