package io.kukeon.supervisor;

import io.kukeon.model.HostIds;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkClaim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The in-memory view of every object, updated by each actor right after it persists an event.
 * List and the Watch's object snapshots read it, so they never ask thousands of actors; Get still
 * asks the owning actor, the authority on its object.
 */
public final class ObjectIndex {
    private final ConcurrentSkipListMap<String, TreeObject> byPath = new ConcurrentSkipListMap<>();
    private final Map<String, String> realmByNamespace = new ConcurrentHashMap<>();
    private final HostIds ids;
    /** The pod subnet and every space's network as the host's journal has them; null until the host has told. */
    private volatile NetworkClaims networkClaims;

    /** Spaces' networks as the host last told, for the API's early check of a user's network. */
    public record NetworkClaims(Ipv4Subnet podSubnet, List<NetworkClaim> claims) {
        public NetworkClaims {
            claims = List.copyOf(claims);
        }
    }

    public ObjectIndex(HostIds ids) {
        this.ids = ids;
    }

    public void put(TreeObject object) {
        byPath.put(object.path().toString(), object);
        if (object instanceof TreeObject.Realm realm) {
            realmByNamespace.values().remove(realm.path().name());
            realmByNamespace.put(realm.spec().namespaceOn(ids, realm.path().name()), realm.path().name());
        }
    }

    public void remove(ObjectPath path) {
        TreeObject gone = byPath.remove(path.toString());
        if (gone instanceof TreeObject.Realm realm) {
            realmByNamespace.values().remove(realm.path().name());
        }
    }

    public Optional<TreeObject> get(ObjectPath path) {
        return Optional.ofNullable(byPath.get(path.toString()));
    }

    /** Objects of one kind at or under {@code parent} (null = everywhere) whose labels pass the filter. */
    public List<TreeObject> list(Kind kind, ObjectPath parent, Predicate<Map<String, String>> labels) {
        ConcurrentNavigableMap<String, TreeObject> range = parent == null ? byPath
                : byPath.subMap(parent + "/", true, parent + "/\uffff", true);
        List<TreeObject> out = new ArrayList<>();
        for (TreeObject o : range.values()) {
            if (o.kind() == kind && labels.test(o.metadata().labels())) {
                out.add(o);
            }
        }
        return out;
    }

    public int size() {
        return byPath.size();
    }

    /** How many objects of each kind are in each display state (kinds and states with none are absent). */
    public Map<Kind, SortedMap<String, Integer>> countsByState() {
        Map<Kind, SortedMap<String, Integer>> counts = new EnumMap<>(Kind.class);
        for (TreeObject o : byPath.values()) {
            counts.computeIfAbsent(o.kind(), k -> new TreeMap<>()).merge(o.state(), 1, Integer::sum);
        }
        return counts;
    }

    /** The host's journal changed what networks spaces hold. */
    public void putNetworkClaims(Ipv4Subnet podSubnet, List<NetworkClaim> claims) {
        networkClaims = new NetworkClaims(podSubnet, claims);
    }

    /** The spaces' networks the host has told, if it has. */
    public Optional<NetworkClaims> networkClaims() {
        return Optional.ofNullable(networkClaims);
    }

    /** The realm that uses this containerd namespace, if any. */
    public Optional<String> realmOfNamespace(String namespace) {
        return Optional.ofNullable(realmByNamespace.get(namespace));
    }
}
