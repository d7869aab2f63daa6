package io.kukeon.fleet;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How this kukeond takes part in a fleet: a member of a Pekko Cluster (Artery TCP) named
 * {@value #SYSTEM}, joining through the seeds, admitted only by members holding the same secret; over
 * TLS with mutual authentication when {@code tls} is given.
 *
 * @param nodeName     unique in the fleet; the name {@code kuke get nodes} shows
 * @param listen       where this member listens for the others (Artery's canonical address); null: alone, no cluster
 * @param seeds        members to join through; this node's own address among them lets it start the cluster
 * @param secret       what the members derive from the shared secret (see {@link ClusterSecretCheck}, {@link CallSeal})
 * @param labels       this node's labels, part of its membership
 * @param capacity     what this node offers its cells
 * @param stableAfter  how long membership must be still before the split-brain resolver downs unreachable members
 * @param failoverAfter how long a downed node must stay away before the cells that may move run on other nodes
 * @param tls          the transport's certificate, key and CA; null: plain TCP
 */
public record ClusterSettings(String nodeName, InetSocketAddress listen, List<InetSocketAddress> seeds, ClusterSecret.Keys secret,
                              Map<String, String> labels, NodeCapacity capacity, Duration stableAfter, Duration failoverAfter,
                              ClusterTls tls) {

    /** The actor system's name: members of one cluster share it. */
    public static final String SYSTEM = "kukeond";
    /** Where the secret's digest sits in the actor system's settings, for {@link ClusterSecretCheck}. */
    static final String DIGEST_SETTING = "kukeon-fleet.secret-digest";

    public ClusterSettings {
        seeds = List.copyOf(seeds);
        labels = Map.copyOf(labels);
    }

    /** A member of a cluster, rather than a kukeond alone. */
    public boolean clustered() {
        return listen != null;
    }

    /**
     * Pekko's settings that make the actor system this member of the cluster; the fleet's records
     * that no tree holds ({@link CellDirectory#DURABLE}) are kept under {@code dataDir} too.
     */
    public Map<String, Object> pekkoSettings(java.nio.file.Path dataDir) {
        Map<String, Object> s = new HashMap<>();
        s.put("pekko.actor.provider", "cluster");
        s.put("pekko.remote.artery.transport", "tcp");
        if (tls != null) {
            s.putAll(tls.pekkoSettings());
        }
        s.put("pekko.remote.artery.canonical.hostname", listen.getHostString());
        s.put("pekko.remote.artery.canonical.port", listen.getPort());
        List<String> seedAddresses = new ArrayList<>();
        for (InetSocketAddress seed : seeds) {
            seedAddresses.add("pekko://" + SYSTEM + "@" + seed.getHostString() + ":" + seed.getPort());
        }
        s.put("pekko.cluster.seed-nodes", seedAddresses);
        s.put("pekko.cluster.roles", NodeRoles.of(nodeName, labels, capacity, System.currentTimeMillis()));
        s.put("pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
        s.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-majority");
        s.put("pekko.cluster.split-brain-resolver.stable-after", stableAfter.toMillis() + "ms");
        s.put("pekko.cluster.configuration-compatibility-check.checkers.kukeon-secret", ClusterSecretCheck.class.getName());
        s.put(DIGEST_SETTING, secret.joinDigest());
        s.put("pekko.cluster.distributed-data.durable.keys", CellDirectory.DURABLE.stream().map(k -> k.id()).toList());
        s.put("pekko.cluster.distributed-data.durable.store-actor-class", FleetRecordStore.class.getName());
        s.put("pekko.cluster.distributed-data.durable." + FleetRecordStore.DIR_SETTING, FleetRecordStore.directory(dataDir).toString());
        return s;
    }
}
