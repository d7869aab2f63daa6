package io.kukeon.api;

import io.kukeon.model.ObjectPath;
import io.kukeon.network.PortClaim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The host ports of cells whose create or apply is in flight: from the moment their check passed
 * until the tree answered, when the index holds the cell (or it was refused). The index alone
 * would let two applies that run at once both pass and both publish one port; with the holds,
 * the check of one cell's ports against every other cell's and the hold of its own are one step.
 * Kept in memory only: an apply in flight when kukeond stops was never acknowledged.
 */
final class PublishedPortHolds {
    private final Map<ObjectPath, List<PortClaim>> held = new HashMap<>();

    /** A hold to give back once the tree answered; releasing twice, or a hold of nothing, is harmless. */
    interface Hold {
        void release();
    }

    /**
     * Runs {@code check} with the ports other cells hold in flight and, when it passes, holds the
     * cell's own: the one step two concurrent applies cannot interleave.
     *
     * @param cell  the cell whose ports these are (null: the object publishes none, nothing is held)
     * @param check checks the object given the ports held by other cells; returns the cell's own claims
     */
    synchronized Hold checkAndHold(ObjectPath cell, Function<List<PortClaim>, List<PortClaim>> check) {
        List<PortClaim> others = new ArrayList<>();
        held.forEach((holder, claims) -> {
            if (!holder.equals(cell)) {
                others.addAll(claims);
            }
        });
        List<PortClaim> own = check.apply(others);
        if (cell == null || own.isEmpty()) {
            return () -> { };
        }
        List<PortClaim> mine = List.copyOf(own);
        held.put(cell, mine);
        return () -> release(cell, mine);
    }

    private synchronized void release(ObjectPath cell, List<PortClaim> claims) {
        held.remove(cell, claims);
    }
}
