package io.kukeon.supervisor.host;

import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;

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
 * @param subnets    space ({@code realm/space}) → its {@code /24}; absent in snapshots written before networks
 */
@JournalName("host.Record")
public record HostRecord(Set<String> realms, Map<String, String> namespaces, Map<String, String> subnets)
        implements Journaled {

    public HostRecord {
        realms = realms == null ? Set.of() : Set.copyOf(realms);
        namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
        subnets = subnets == null ? Map.of() : Map.copyOf(subnets);
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
        } else if (event instanceof HostEvent.SubnetReleased e) {
            return withSubnet(e.space(), null);
        }
        return this;   // DaemonStarted: history only
    }

    /** The realm that claims this namespace, if any. */
    Optional<String> claimantOf(String namespace) {
        return namespaces.entrySet().stream().filter(e -> e.getValue().equals(namespace)).map(Map.Entry::getKey)
                .findFirst();
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
        return new HostRecord(r, namespaces, subnets);
    }

    HostRecord withClaim(String realm, String namespace) {
        Map<String, String> n = new TreeMap<>(namespaces);
        if (namespace == null) {
            n.remove(realm);
        } else {
            n.put(realm, namespace);
        }
        return new HostRecord(realms, n, subnets);
    }

    HostRecord withSubnet(String space, String subnet) {
        Map<String, String> s = new TreeMap<>(subnets);
        if (subnet == null) {
            s.remove(space);
        } else {
            s.put(space, subnet);
        }
        return new HostRecord(realms, namespaces, s);
    }
}
