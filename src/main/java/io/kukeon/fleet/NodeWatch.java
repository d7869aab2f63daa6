package io.kukeon.fleet;

import io.kukeon.supervisor.ObjectIndex;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This member's part in the fleet's shared view: it replicates what its cells take (every
 * {@link #EVERY}, when changed) to all members, and leaves the cluster when another member already
 * goes by its node name.
 */
final class NodeWatch {
    /** Every member's load by node name, replicated to all (see {@link Fleet#nodes}). */
    static final Key<LWWMap<String, NodeLoad>> LOADS = LWWMapKey.create("kukeon-node-loads");
    static final Duration EVERY = Duration.ofSeconds(1);

    interface Command {}

    private record Tick() implements Command {}

    private record Joined(ClusterEvent.MemberUp up) implements Command {}

    private NodeWatch() {}

    /** @param problem set when this node leaves because its name is taken: the reason kukeond exits with */
    static Behavior<Command> create(String nodeName, ObjectIndex index, AtomicReference<String> problem) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(context.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    context.messageAdapter(ClusterEvent.MemberUp.class, Joined::new), ClusterEvent.MemberUp.class));
            timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, EVERY);
            return running(context, nodeName, index, problem, NodeLoad.NONE, false);
        }));
    }

    private static Behavior<Command> running(ActorContext<Command> context, String nodeName, ObjectIndex index,
                                             AtomicReference<String> problem, NodeLoad published, boolean once) {
        return Behaviors.receive(Command.class)
                .onMessage(Tick.class, tick -> {
                    NodeLoad now = NodeLoad.of(index);
                    if (once && now.equals(published)) {
                        return Behaviors.same();
                    }
                    DistributedData data = DistributedData.get(context.getSystem());
                    SelfUniqueAddress self = data.selfUniqueAddress();
                    data.replicator().tell(new Replicator.Update<>(LOADS, LWWMap.create(), Replicator.writeLocal(),
                            context.getSystem().ignoreRef(), loads -> loads.put(self, nodeName, now)));
                    return running(context, nodeName, index, problem, now, true);
                })
                .onMessage(Joined.class, joined -> {
                    Member other = joined.up().member();
                    Member self = Cluster.get(context.getSystem()).selfMember();
                    NodeRoles.Described described = NodeRoles.read(other.getRoles());
                    if (described != null && described.name().equals(nodeName) && !other.equals(self)
                            && other.isOlderThan(self)) {
                        problem.set("the node name \"" + nodeName + "\" is taken by the member at "
                                + other.address().host().getOrElse(() -> "?") + ":" + other.address().port().getOrElse(() -> 0)
                                + "; start with another --node-name");
                        context.getLog().error("kukeond leaves the cluster: {}", problem.get());
                        Cluster.get(context.getSystem()).manager().tell(Leave.create(self.address()));
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
