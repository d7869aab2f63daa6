package io.kukeon.supervisor.scope;

import io.kukeon.supervisor.tree.ChildMessages.CascadeDelete;
import io.kukeon.supervisor.tree.ChildMessages.DeleteOrigin;
import io.kukeon.supervisor.tree.Waiting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a realm, space or stack actor's current incarnation is doing beside its journaled record.
 * Never journaled: the record's phase is the intent that survives a crash, and recovery carries it
 * out again with nobody waiting.
 */
sealed interface ScopeWork {

    ScopeWork IDLE = new Idle();

    record Idle() implements ScopeWork {}

    /**
     * Its cgroup (and a realm's namespace) being made to match the record.
     *
     * @param quiet a reconciliation: nothing is written unless it finds something changed
     */
    record Provisioning(Waiting waiting, boolean quiet) implements ScopeWork {}

    /**
     * Its delete: first the children (each sent its own {@link CascadeDelete}, compared by identity
     * with the answer), then its own resources once {@code pending} is empty.
     *
     * @param deleted what the children's deletes removed, deepest first
     */
    record Deleting(DeleteOrigin origin, Map<String, CascadeDelete> pending, List<String> deleted) implements ScopeWork {
        public Deleting {
            pending = Map.copyOf(pending);
            deleted = List.copyOf(deleted);
        }

        static Deleting of(DeleteOrigin origin) {
            return new Deleting(origin, Map.of(), List.of());
        }

        Deleting sent(String child, CascadeDelete delete) {
            Map<String, CascadeDelete> more = new LinkedHashMap<>(pending);
            more.put(child, delete);
            return new Deleting(origin, more, deleted);
        }

        Deleting childGone(String child, List<String> paths) {
            Map<String, CascadeDelete> rest = new LinkedHashMap<>(pending);
            rest.remove(child);
            List<String> more = new ArrayList<>(deleted);
            more.addAll(paths);
            return new Deleting(origin, rest, more);
        }

        boolean childrenDone() {
            return pending.isEmpty();
        }
    }

    /** Deleted by this incarnation: the parent stops it; it is never recreated by it. */
    record Retired() implements ScopeWork {}

    default boolean busy() {
        return this instanceof Provisioning || this instanceof Deleting;
    }

    default Waiting waiting() {
        return this instanceof Provisioning p ? p.waiting() : Waiting.none();
    }
}
