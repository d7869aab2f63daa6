package io.kukeon.fleet;

import org.apache.pekko.actor.CoordinatedShutdown;

/** Why the cluster ended this kukeond, in words (null: not the cluster's doing). */
public final class FleetExit {
    private FleetExit() {}

    public static String describe(CoordinatedShutdown.Reason reason) {
        if (reason == null) {
            return null;
        }
        if (reason instanceof FleetRecordStore.Unusable unusable) {
            return unusable.problem();
        }
        if (reason == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
            return "the cluster refused this node: its cluster secret (cluster.secret-file) or settings differ from the members'";
        }
        if (reason == CoordinatedShutdown.clusterDowningReason()) {
            return "the cluster downed this node (unreachable for longer than cluster.stable-after); it stops here and"
                    + " joins again when started";
        }
        if (reason == CoordinatedShutdown.clusterJoinUnsuccessfulReason()) {
            return "this node could not join the cluster through cluster.seeds";
        }
        return null;
    }
}
