package io.kukeon.fleet;

import io.kukeon.supervisor.ObjectIndex;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The nodes this kukeond knows: itself alone, or every member of its cluster with what membership
 * says of it (name, labels, capacity) and what it replicated of its load.
 */
public final class Fleet {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final ObjectIndex index;
    private final NodeRoles.Described self;
    private final boolean clustered;
    private final AtomicReference<String> problem = new AtomicReference<>();

    private Fleet(ActorSystem<?> system, ObjectIndex index, NodeRoles.Described self, boolean clustered) {
        this.system = system;
        this.index = index;
        this.self = self;
        this.clustered = clustered;
    }

    /** A kukeond alone: one node, this host. */
    public static Fleet alone(ActorSystem<?> system, ObjectIndex index, String nodeName, Map<String, String> labels,
                              NodeCapacity capacity) {
        return new Fleet(system, index, new NodeRoles.Described(nodeName, labels, capacity, System.currentTimeMillis()), false);
    }

    /** A member of a cluster: starts replicating this node's load and watching for a clash of names. */
    public static Fleet member(ActorSystem<?> system, ObjectIndex index, ClusterSettings settings) {
        NodeRoles.Described self = NodeRoles.read(Cluster.get(system).selfMember().getRoles());
        Fleet fleet = new Fleet(system, index, self, true);
        system.systemActorOf(NodeWatch.create(settings.nodeName(), index, fleet.problem), "kukeon-node-watch",
                org.apache.pekko.actor.typed.Props.empty());
        return fleet;
    }

    public String nodeName() {
        return self.name();
    }

    /** Why this member left the cluster on its own (its name taken), or null. */
    public String problem() {
        return problem.get();
    }

    /** Every node, by name. */
    public CompletionStage<List<NodeView>> nodes() {
        if (!clustered) {
            return CompletableFuture.completedFuture(List.of(new NodeView(self.name(), "Up", self.labels(),
                    NodeLoad.of(index), self.capacity(), self.sinceMillis(), "")));
        }
        CompletionStage<Replicator.GetResponse<LWWMap<String, NodeLoad>>> read = AskPattern.ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(NodeWatch.LOADS, Replicator.readLocal(), replyTo), READ_TIMEOUT,
                system.scheduler());
        return read.thenApply(response -> {
            Map<String, NodeLoad> loads = response instanceof Replicator.GetSuccess<LWWMap<String, NodeLoad>> found
                    ? found.get(NodeWatch.LOADS).getEntries() : Map.of();
            return views(loads);
        });
    }

    private List<NodeView> views(Map<String, NodeLoad> loads) {
        Cluster cluster = Cluster.get(system);
        Set<Member> unreachable = cluster.state().getUnreachable();
        List<NodeView> views = new ArrayList<>();
        for (Member m : cluster.state().getMembers()) {
            NodeRoles.Described d = NodeRoles.read(m.getRoles());
            if (d == null) {
                continue;
            }
            boolean isSelf = m.equals(cluster.selfMember());
            NodeLoad load = isSelf ? NodeLoad.of(index) : loads.getOrDefault(d.name(), NodeLoad.NONE);
            views.add(new NodeView(d.name(), status(m, unreachable.contains(m)), d.labels(), load, d.capacity(),
                    d.sinceMillis(), m.address().host().getOrElse(() -> "") + ":" + m.address().port().getOrElse(() -> 0)));
        }
        views.sort(Comparator.comparing(NodeView::name));
        return views;
    }

    static String status(Member m, boolean unreachable) {
        MemberStatus s = m.status();
        if (s == MemberStatus.down() || s == MemberStatus.removed()) {
            return "Down";
        }
        if (s == MemberStatus.leaving() || s == MemberStatus.exiting()) {
            return "Leaving";
        }
        if (unreachable) {
            return "Unreachable";
        }
        return s == MemberStatus.joining() || s == MemberStatus.weaklyUp() ? "Joining" : "Up";
    }
}
