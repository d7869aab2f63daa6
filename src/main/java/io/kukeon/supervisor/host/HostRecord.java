package io.kukeon.supervisor.host;

import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkClaim;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The realms the host knows, the containerd namespace each claims and the {@code /24} each space's
 * network has: the event-sourced state of the {@link HostSupervisor}, and its snapshot. A namespace
 * belongs to one realm at a time, a subnet to one space.
 *
 * @param namespaces realm → namespace; a realm added before claims were written is missing until it tells
 * @param subnets    space ({@code realm/space}) → its {@code /24}, or the subnet of its user's network; absent in
 *                   snapshots written before networks
 * @param networkFiles space → the user's network it claimed ({@code spec.cniConfigPath}); absent in snapshots written before them
 */
@JournalName("host.Record")
public record HostRecord(Set<String> realms, Map<String, String> namespaces, Map<String, String> subnets,
                         Map<String, NetworkFile> networkFiles)
        implements Journaled {

    /** A user's network a space claimed: its conflist, the conflist's name and its bridge (null: none). */
    public record NetworkFile(String file, String name, String bridge) {}

    public HostRecord {
        realms = realms == null ? Set.of() : Set.copyOf(realms);
        namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
        subnets = subnets == null ? Map.of() : Map.copyOf(subnets);
        networkFiles = networkFiles == null ? Map.of() : Map.copyOf(networkFiles);
    }

    public HostRecord(Set<String> realms, Map<String, String> namespaces, Map<String, String> subnets) {
        this(realms, namespaces, subnets, Map.of());
    }

    /** The event handler: this record after {@code event}, and nothing else. */
    public HostRecord apply(HostEvent event) {
        if (event instanceof HostEvent.RealmAdded e) {
            return withRealm(e.name(), true).withClaim(e.name(), e.namespace());
        } else if (event instanceof HostEvent.RealmRemoved e) {
            return withRealm(e.name(), false).withClaim(e.name(), null);
        } else if (event instanceof HostEvent.NamespaceClaimed e) {
            return withClaim(e.realm(), e.namespace());
        } else if (event instanceof HostEvent.SubnetClaimed e) {
            return withSubnet(e.space(), e.subnet());
        } else if (event instanceof HostEvent.NetworkFileClaimed e) {
            return withSubnet(e.space(), e.subnet()).withNetworkFile(e.space(), new NetworkFile(e.file(), e.name(), e.bridge()));
        } else if (event instanceof HostEvent.SubnetReleased e) {
            return withSubnet(e.space(), null).withNetworkFile(e.space(), null);
        }
        return this;   // DaemonStarted: history only
    }

    /** The realm that claims this namespace, if any. */
    Optional<String> claimantOf(String namespace) {
        return namespaces.entrySet().stream().filter(e -> e.getValue().equals(namespace)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** Where the space's network comes from, if it has claimed one. */
    Optional<SpaceNetworkSource> networkOf(String space) {
        NetworkFile file = networkFiles.get(space);
        if (file != null) {
            return Optional.of(SpaceNetworkSource.file(Path.of(file.file())));
        }
        String subnet = subnets.get(space);
        return subnet == null ? Optional.empty() : Optional.of(SpaceNetworkSource.pooled(Ipv4Subnet.parse(subnet, "journal")));
    }

    /** Every space's network as claimed: what a user's network must stay apart from. */
    public List<NetworkClaim> networkClaims() {
        List<NetworkClaim> claims = new ArrayList<>();
        Set<String> spaces = new TreeSet<>(subnets.keySet());
        spaces.addAll(networkFiles.keySet());
        for (String space : spaces) {
            Ipv4Subnet subnet = subnets.containsKey(space) ? Ipv4Subnet.parse(subnets.get(space), "journal") : null;
            NetworkFile file = networkFiles.get(space);
            if (file != null) {
                claims.add(new NetworkClaim(space, subnet, file.name(), file.bridge(), file.file()));
            } else {
                ObjectPath path = ObjectPath.parse("journal", space);
                claims.add(NetworkClaim.pooled(path.realm(), path.name(), subnet));
            }
        }
        return claims;
    }

    /** Whether every realm's namespace is known (not so until realms from an older journal have told theirs). */
    boolean claimsComplete() {
        return namespaces.keySet().containsAll(realms);
    }

    HostRecord withRealm(String realm, boolean present) {
        Set<String> r = new TreeSet<>(realms);
        if (present) {
            r.add(realm);
        } else {
            r.remove(realm);
        }
        return new HostRecord(r, namespaces, subnets, networkFiles);
    }

    HostRecord withClaim(String realm, String namespace) {
        return new HostRecord(realms, with(namespaces, realm, namespace), subnets, networkFiles);
    }

    HostRecord withSubnet(String space, String subnet) {
        return new HostRecord(realms, namespaces, with(subnets, space, subnet), networkFiles);
    }

    HostRecord withNetworkFile(String space, NetworkFile file) {
        return new HostRecord(realms, namespaces, subnets, with(networkFiles, space, file));
    }

    /** {@code map} with {@code key} set to {@code value}, or without it when {@code value} is null. */
    private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
        Map<String, V> changed = new TreeMap<>(map);
        if (value == null) {
            changed.remove(key);
        } else {
            changed.put(key, value);
        }
        return changed;
    }
}
