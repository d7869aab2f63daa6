package io.kukeon.fleet;

/**
 * A cell the fleet runs elsewhere because the node that ran it was downed; kept until that node,
 * back, has removed its own copy.
 *
 * @param from       the node that was downed
 * @param atMillis   when the move was decided: the node's copies created before it yield
 * @param to         the node that runs the cell now; null while no node has taken it; empty: deleted while its
 *                   node was away (no node runs it; the node deletes its copy when it is back)
 * @param problem    why the last try to run it elsewhere failed (no node fits, its image is missing…); null
 */
public record Move(String from, long atMillis, String to, String problem) implements FleetMessage {
    /** A cell of a downed node deleted through another member: the node deletes its copy when it is back. */
    static Move deleted(String from, long atMillis) {
        return new Move(from, atMillis, "", null);
    }

    boolean isDeletion() {
        return "".equals(to);
    }

    Move placedOn(String node) {
        return new Move(from, atMillis, node, null);
    }

    Move failed(String why) {
        return new Move(from, atMillis, null, why);
    }
}
