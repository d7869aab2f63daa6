package io.kukeon.supervisor;

import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.StoredVolume;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The Volumes every scope holds, kept current by the scope's actor after it persists a change, after
 * its recovery, and when it is deleted (like {@link SecretIndex}). The API lists from it, a
 * container's {@code volumeRef} is resolved in it, and it tells which cells use a volume.
 */
public final class VolumeIndex {
    private final ConcurrentSkipListMap<String, Held> byScope = new ConcurrentSkipListMap<>();

    /** One volume as the index answers: where it is held, its name, and the stored volume. */
    public record Entry(ObjectPath scope, String name, StoredVolume volume) {}

    /** A cell whose containers mount a volume, and its state. */
    public record User(ObjectPath cell, CellState state) {
        /** Whether its containers may be running: any state but Stopped. */
        public boolean active() {
            return state != CellState.Stopped;
        }
    }

    private record Held(ObjectPath scope, Map<String, StoredVolume> volumes) {}

    /** The volumes {@code scope} holds now (an empty map forgets the scope). */
    public void replace(ObjectPath scope, Map<String, StoredVolume> volumes) {
        if (volumes.isEmpty()) {
            byScope.remove(scope.toString());
        } else {
            byScope.put(scope.toString(), new Held(scope, Map.copyOf(volumes)));
        }
    }

    public void removeScope(ObjectPath scope) {
        byScope.remove(scope.toString());
    }

    public Optional<StoredVolume> get(ObjectPath scope, String name) {
        Held held = byScope.get(scope.toString());
        return held == null ? Optional.empty() : Optional.ofNullable(held.volumes().get(name));
    }

    /**
     * The volume a mount's {@code volumeRef} names for a container of {@code cell}: with coordinates,
     * that scope's; without, the nearest scope holding the name from the cell's stack up.
     */
    public Optional<Entry> resolve(VolumeRef ref, ObjectPath cell) {
        if (ref.hasScope()) {
            return get(ref.scope(), ref.name()).map(v -> new Entry(ref.scope(), ref.name(), v));
        }
        for (ObjectPath scope = cell.parent(); scope != null; scope = scope.parent()) {
            Optional<StoredVolume> found = get(scope, ref.name());
            if (found.isPresent()) {
                return Optional.of(new Entry(scope, ref.name(), found.get()));
            }
        }
        return Optional.empty();
    }

    /** Volumes held by {@code scope} and the scopes under it (null: every scope), by scope then name. */
    public List<Entry> list(ObjectPath scope) {
        Map<String, Held> range = scope == null ? byScope
                : byScope.subMap(scope.toString(), true, scope + "/\uffff", true);
        List<Entry> out = new ArrayList<>();
        for (Held held : range.values()) {
            if (scope == null || held.scope().equals(scope) || held.scope().toString().startsWith(scope + "/")) {
                held.volumes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.add(new Entry(held.scope(), e.getKey(), e.getValue())));
            }
        }
        return out;
    }

    /** The cells under {@code scope} (from the object index) whose containers mount its volume {@code name}. */
    public List<User> users(ObjectIndex objects, ObjectPath scope, String name) {
        List<User> out = new ArrayList<>();
        for (TreeObject o : objects.list(Kind.CELL, scope, labels -> true)) {
            TreeObject.Cell cell = (TreeObject.Cell) o;
            if (mounts(cell, scope, name)) {
                out.add(new User(cell.path(), cell.status() == null ? null : cell.status().state()));
            }
        }
        return out;
    }

    private boolean mounts(TreeObject.Cell cell, ObjectPath scope, String name) {
        for (ContainerSpec c : cell.spec().containers()) {
            for (VolumeMount v : c.volumes()) {
                if (v.kind() == VolumeMount.Kind.VOLUME && v.volumeRef().name().equals(name)
                        && resolve(v.volumeRef(), cell.path()).map(e -> e.scope().equals(scope)).orElse(false)) {
                    return true;
                }
            }
        }
        return false;
    }
}
