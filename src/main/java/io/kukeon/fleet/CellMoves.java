package io.kukeon.fleet;

import io.kukeon.model.ObjectPath;

import java.util.concurrent.CompletionStage;

/** What the fleet asks of this node's API when a cell moves: run it where placement says, or give up this copy. */
public interface CellMoves {
    /** Applies {@code manifest} through this member as `kuke apply` does, each cell placed anew; the node the last cell went to. */
    CompletionStage<String> applyPlaced(String manifest);

    /**
     * Deletes this node's copy of {@code cell} with its containers when it was created before
     * {@code createdBeforeMillis} (the cell runs on another node now; a copy made later is a new
     * cell); asks the tree, which answers once the cell's actor has recovered. True when it removed one.
     */
    CompletionStage<Boolean> removeHere(ObjectPath cell, long createdBeforeMillis);
}
