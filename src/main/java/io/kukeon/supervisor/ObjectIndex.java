package io.kukeon.supervisor;

import io.kukeon.model.HostIds;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.model.KukeonException;
import io.kukeon.network.CellNetworking;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkClaim;
import io.kukeon.network.PortClaim;

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
    /** One sorted map a kind, by path: a list of one kind never walks the others, a page starts at its token. */
    private final Map<Kind, ConcurrentSkipListMap<String, TreeObject>> byKind = new EnumMap<>(Kind.class);
    /** The ports each cell publishes, for cells that publish any: an apply checks these, not every cell. */
    private final Map<ObjectPath, List<PortClaim>> publishedByCell = new ConcurrentHashMap<>();
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
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new ConcurrentSkipListMap<>());
        }
    }

    public void put(TreeObject object) {
        TreeObject before = byKind.get(object.kind()).put(object.path().toString(), object);
        if (object instanceof TreeObject.Cell cell && !(before instanceof TreeObject.Cell old && old.spec() == cell.spec())) {
            synchronized (publishedByCell) {   // a remove meanwhile wins: the claims follow the map's last word
                if (byKind.get(Kind.CELL).get(cell.path().toString()) == cell) {
                    putPublished(cell);
                }
            }
        }
        if (object instanceof TreeObject.Realm realm) {
            realmByNamespace.values().remove(realm.path().name());
            realmByNamespace.put(realm.spec().namespaceOn(ids, realm.path().name()), realm.path().name());
        }
    }

    public void remove(ObjectPath path) {
        TreeObject gone = byKind.get(path.kind()).remove(path.toString());
        synchronized (publishedByCell) {
            publishedByCell.remove(path);
        }
        if (gone instanceof TreeObject.Realm realm) {
            realmByNamespace.values().remove(realm.path().name());
        }
    }

    public Optional<TreeObject> get(ObjectPath path) {
        return Optional.ofNullable(byKind.get(path.kind()).get(path.toString()));
    }

    /** Objects of one kind at or under {@code parent} (null = everywhere) whose labels pass the filter. */
    public List<TreeObject> list(Kind kind, ObjectPath parent, Predicate<Map<String, String>> labels) {
        List<TreeObject> out = new ArrayList<>();
        listAfter(kind, parent, null, labels).forEach(out::add);
        return out;
    }

    /**
     * Objects of one kind at or under {@code parent} (null = everywhere) whose labels pass the filter,
     * sorted by path, those after {@code after} only (null = from the first): a live view walked as
     * far as the caller reads, so a page costs its own rows, not the whole kind.
     */
    public Iterable<TreeObject> listAfter(Kind kind, ObjectPath parent, String after, Predicate<Map<String, String>> labels) {
        ConcurrentNavigableMap<String, TreeObject> range = byKind.get(kind);
        if (parent != null) {
            range = range.subMap(parent + "/", true, parent + "/\uffff", true);
        }
        if (after != null) {
            range = range.tailMap(after, false);
        }
        ConcurrentNavigableMap<String, TreeObject> found = range;
        return () -> found.values().stream().filter(o -> labels.test(o.metadata().labels())).iterator();
    }

    public int size() {
        return byKind.values().stream().mapToInt(Map::size).sum();
    }

    /** The ports published by every cell but {@code cell} (null: by every cell), as their specs declare them. */
    public List<PortClaim> publishedByOthers(ObjectPath cell) {
        List<PortClaim> claims = new ArrayList<>();
        publishedByCell.forEach((holder, published) -> {
            if (!holder.equals(cell)) {
                claims.addAll(published);
            }
        });
        return claims;
    }

    private void putPublished(TreeObject.Cell cell) {
        List<PortClaim> claims;
        try {
            claims = CellNetworking.claims(cell.path().toString(), cell.spec(), CellNetworking.CELL_FIELDS);
        } catch (KukeonException stale) {
            claims = List.of();   // a cell kept from before a rule existed publishes nothing it could clash with
        }
        if (claims.isEmpty()) {
            publishedByCell.remove(cell.path());
        } else {
            publishedByCell.put(cell.path(), List.copyOf(claims));
        }
    }

    /** How many objects of each kind are in each display state (kinds and states with none are absent). */
    public Map<Kind, SortedMap<String, Integer>> countsByState() {
        Map<Kind, SortedMap<String, Integer>> counts = new EnumMap<>(Kind.class);
        for (TreeObject o : byKind.values().stream().flatMap(m -> m.values().stream()).toList()) {
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
