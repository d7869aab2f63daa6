package io.kukeon.fleet;

import io.kukeon.model.ObjectPath;

import java.util.concurrent.CompletionStage;

/**
 * What the fleet asks of this node's API when a cell moves or a pending one is placed: run it where
 * placement says, give up this copy, or delete it wherever it went.
 */
public interface CellMoves {
    /** Applies {@code manifest} through this member as `kuke apply` does, each cell placed anew; the node the last cell went to. */
    CompletionStage<String> applyPlaced(String manifest);

    /**
     * Deletes this node's copy of {@code cell} with its containers when it was created before
     * {@code createdBeforeMillis} (the cell runs on another node now; a copy made later is a new
     * cell); asks the tree, which answers once the cell's actor has recovered. True when it removed one.
     */
    CompletionStage<Boolean> removeHere(ObjectPath cell, long createdBeforeMillis);

    /** Deletes {@code cell} with its containers on whichever node holds it (a pending cell deleted while it was placed). */
    CompletionStage<Void> deletePlaced(ObjectPath cell);

    /**
     * Deletes this node's copy of the space or stack {@code scope}, held only for cells, when nothing
     * is in it: no stack or cell, no secret, volume or template (a delete without cascade, so one
     * that a cell reached meanwhile is refused and kept). True when it removed it.
     */
    CompletionStage<Boolean> removeEmptyScopeHere(ObjectPath scope);
}
