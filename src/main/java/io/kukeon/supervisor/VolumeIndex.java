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

/**
 * The Volumes every scope holds, kept current by the scope's actor after it persists a change, after
 * its recovery, and when it is deleted (like {@link SecretIndex}). The API lists from it, a
 * container's {@code volumeRef} is resolved in it, and it tells which cells use a volume.
 */
public final class VolumeIndex {
    private final ScopeHoldings<StoredVolume> held = new ScopeHoldings<>();

    /** One volume as the index answers: where it is held, its name, and the stored volume. */
    public record Entry(ObjectPath scope, String name, StoredVolume volume) {
        static Entry of(ScopeHoldings.Held<StoredVolume> h) {
            return new Entry(h.scope(), h.name(), h.value());
        }
    }

    /** A cell whose containers mount a volume, and its state. */
    public record User(ObjectPath cell, CellState state) {
        /** Whether its containers may be running: any state but Stopped. */
        public boolean active() {
            return state != CellState.Stopped;
        }
    }

    /** The volumes {@code scope} holds now (an empty map forgets the scope). */
    public void replace(ObjectPath scope, Map<String, StoredVolume> volumes) {
        held.replace(scope, volumes);
    }

    public void removeScope(ObjectPath scope) {
        held.removeScope(scope);
    }

    public Optional<StoredVolume> get(ObjectPath scope, String name) {
        return held.get(scope, name);
    }

    /**
     * The volume a mount's {@code volumeRef} names for a container of {@code cell}: with coordinates,
     * that scope's; without, the nearest scope holding the name from the cell's stack up.
     */
    public Optional<Entry> resolve(VolumeRef ref, ObjectPath cell) {
        return (ref.hasScope() ? held.at(ref.scope(), ref.name()) : held.nearest(cell.parent(), ref.name())).map(Entry::of);
    }

    /** Volumes held by {@code scope} and the scopes under it (null: every scope), by scope then name. */
    public List<Entry> list(ObjectPath scope) {
        return held.list(scope).stream().map(Entry::of).toList();
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
