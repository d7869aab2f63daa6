package io.kukeon.fleet;

/**
 * A cell the fleet runs elsewhere because the node that ran it was downed; kept until that node,
 * back, has removed its own copy.
 *
 * @param from       the node that was downed
 * @param atMillis   when the move was decided: the node's copies created before it yield
 * @param to         the node that runs the cell now; null while no node has taken it
 * @param problem    why the last try to run it elsewhere failed (no node fits, its image is missing…); null
 */
public record Move(String from, long atMillis, String to, String problem) implements FleetMessage {
    Move placedOn(String node) {
        return new Move(from, atMillis, node, null);
    }

    Move failed(String why) {
        return new Move(from, atMillis, null, why);
    }
}
