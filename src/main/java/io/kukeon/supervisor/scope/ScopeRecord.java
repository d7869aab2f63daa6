package io.kukeon.supervisor.scope;

import io.kukeon.model.CellTemplates;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.LevelState;
import io.kukeon.model.StoredSecret;
import io.kukeon.model.StoredVolume;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;
import io.kukeon.supervisor.scope.ScopeEvent.Created;
import io.kukeon.supervisor.scope.ScopeEvent.DeleteFailed;
import io.kukeon.supervisor.scope.ScopeEvent.Provisioned;
import io.kukeon.supervisor.scope.ScopeEvent.Updated;
import io.kukeon.supervisor.tree.Generations;
import io.kukeon.supervisor.tree.HeldSecrets;
import io.kukeon.supervisor.tree.Timestamps;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A realm, space or stack as its journal tells it: the event-sourced state of a
 * {@link ScopeActor}, and its snapshot. Each transition is named for the event it applies.
 *
 * @param phase    PROVISIONING and DELETING are intents whose outcome is not written yet
 * @param children the names of the level's children, which outlive its own deletion in the record
 * @param secrets  the Secrets this level holds, by name (values sealed in the journal); gone with the level
 * @param volumes  the Volumes this level holds, by name; gone with the level (their directories as their policy says)
 * @param templates the CellBlueprints and CellConfigs this level holds; gone with the level
 */
@JournalName(value = "scope.Record", version = 2)
public record ScopeRecord(Phase phase, ScopeSpec spec, Map<String, String> labels, Map<String, String> annotations,
                          Generations generations,
                          Set<String> children, Outcome outcome, Timestamps times,
                          Map<String, StoredSecret> secrets, Map<String, StoredVolume> volumes,
                          CellTemplates templates) implements Journaled {

    public enum Phase { ABSENT, PROVISIONING, PROVISIONED, DELETING }

    /** What the last provisioning found (a failed one is a state with a reason, never an exception). */
    public record Outcome(GroupStatus cgroup, Boolean namespaceReady, LevelState state, String reason, String message) {
        static final Outcome NONE = new Outcome(null, null, LevelState.Pending, null, null);

        Outcome withProblem(String newReason, String newMessage) {
            return new Outcome(cgroup, namespaceReady, state, newReason, newMessage);
        }
    }

    public ScopeRecord {
        spec = spec == null ? ScopeSpec.defaults() : spec;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);   // absent from journals before annotations
        generations = generations == null ? Generations.NONE : generations;
        children = children == null ? Set.of() : Set.copyOf(children);
        outcome = outcome == null ? Outcome.NONE : outcome;
        times = times == null ? Timestamps.NONE : times;
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);   // absent from journals before Secrets
        volumes = volumes == null ? Map.of() : Map.copyOf(volumes);   // absent from journals before Volumes
        templates = templates == null ? CellTemplates.NONE : templates;   // absent from journals before templates
    }

    public static ScopeRecord empty() {
        return new ScopeRecord(Phase.ABSENT, null, null, null, null, null, null, null, null, null, null);
    }

    boolean exists() {
        return phase != Phase.ABSENT;
    }

    /** The state users see. */
    LevelState display() {
        return switch (phase) {
            case ABSENT -> LevelState.Pending;
            case PROVISIONING -> times.readyAt() == null ? LevelState.Creating : outcome.state();
            case PROVISIONED -> outcome.state();
            case DELETING -> LevelState.Deleting;
        };
    }

    // ---- transitions, one per event ----

    /** The event handler: this record after {@code event}, and nothing else. */
    public ScopeRecord apply(ScopeEvent event) {
        if (event instanceof ScopeEvent.Created e) {
            return created(e);
        } else if (event instanceof ScopeEvent.Updated e) {
            return updated(e);
        } else if (event instanceof ScopeEvent.Provisioned e) {
            return provisioned(e);
        } else if (event instanceof ScopeEvent.ChildAdded e) {
            return withChild(e.name(), true);
        } else if (event instanceof ScopeEvent.ChildRemoved e) {
            return withChild(e.name(), false);
        } else if (event instanceof ScopeEvent.DeleteRequested) {
            return deleteRequested();
        } else if (event instanceof ScopeEvent.Deleted) {
            return deleted();
        } else if (event instanceof ScopeEvent.DeleteFailed e) {
            return deleteFailed(e);
        } else if (event instanceof ScopeEvent.SecretPut e) {
            return secretPut(e);
        } else if (event instanceof ScopeEvent.SecretRemoved e) {
            return secretRemoved(e);
        } else if (event instanceof ScopeEvent.VolumePut e) {
            return volumePut(e);
        } else if (event instanceof ScopeEvent.VolumeRemoved e) {
            return volumeRemoved(e);
        } else if (event instanceof ScopeEvent.TemplatePut e) {
            return withTemplates(templates.put(e.name(), e.blueprint(), e.config(), e.at()));
        } else if (event instanceof ScopeEvent.TemplateRemoved e) {
            return withTemplates(templates.remove(e.kind(), e.name()));
        }
        throw new IllegalArgumentException("a realm, space or stack has no transition for " + event);
    }


    ScopeRecord created(Created e) {
        return new ScopeRecord(Phase.PROVISIONING, e.spec(), e.labels(), e.annotations(), generations.next(), children, Outcome.NONE,
                Timestamps.createdAt(e.at()), secrets, volumes, templates);
    }

    ScopeRecord updated(Updated e) {
        return new ScopeRecord(Phase.PROVISIONING, e.spec(), e.labels(), e.annotations(), generations.at(e.generation()), children,
                outcome, times.touched(e.at()), secrets, volumes, templates);
    }

    ScopeRecord provisioned(Provisioned e) {
        Outcome found = new Outcome(e.cgroup(), e.namespaceReady(), e.state(), e.reason(), e.message());
        Timestamps t = e.state() == LevelState.Ready ? times.ready(e.at()) : times.touched(e.at());
        return new ScopeRecord(Phase.PROVISIONED, spec, labels, annotations, generations.observedNow(), children, found, t, secrets, volumes, templates);
    }

    ScopeRecord withChild(String name, boolean present) {
        Set<String> c = new TreeSet<>(children);
        if (present) {
            c.add(name);
        } else {
            c.remove(name);
        }
        return new ScopeRecord(phase, spec, labels, annotations, generations, c, outcome, times, secrets, volumes, templates);
    }

    ScopeRecord deleteRequested() {
        return new ScopeRecord(Phase.DELETING, spec, labels, annotations, generations, children, outcome, times, secrets, volumes, templates);
    }

    ScopeRecord deleteFailed(DeleteFailed e) {
        return new ScopeRecord(Phase.PROVISIONED, spec, labels, annotations, generations, children,
                outcome.withProblem(e.reason(), e.message()), times.touched(e.at()), secrets, volumes, templates);
    }

    ScopeRecord deleted() {
        return new ScopeRecord(Phase.ABSENT, null, null, null, generations, children, null, null, null, null, null);
    }

    ScopeRecord secretPut(ScopeEvent.SecretPut e) {
        return withSecrets(HeldSecrets.put(secrets, e.name(), e.data(), e.at()));
    }

    ScopeRecord secretRemoved(ScopeEvent.SecretRemoved e) {
        return withSecrets(HeldSecrets.remove(secrets, e.name()));
    }

    private ScopeRecord withSecrets(Map<String, StoredSecret> s) {
        return new ScopeRecord(phase, spec, labels, annotations, generations, children, outcome, times, s, volumes, templates);
    }

    ScopeRecord volumePut(ScopeEvent.VolumePut e) {
        Map<String, StoredVolume> v = new TreeMap<>(volumes);
        StoredVolume before = v.get(e.name());
        v.put(e.name(), before == null ? new StoredVolume(e.reclaimPolicy(), e.at(), e.at()) : before.updated(e.reclaimPolicy(), e.at()));
        return withVolumes(v);
    }

    ScopeRecord volumeRemoved(ScopeEvent.VolumeRemoved e) {
        Map<String, StoredVolume> v = new TreeMap<>(volumes);
        v.remove(e.name());
        return withVolumes(v);
    }

    private ScopeRecord withVolumes(Map<String, StoredVolume> v) {
        return new ScopeRecord(phase, spec, labels, annotations, generations, children, outcome, times, secrets, v, templates);
    }

    private ScopeRecord withTemplates(CellTemplates t) {
        return new ScopeRecord(phase, spec, labels, annotations, generations, children, outcome, times, secrets, volumes, t);
    }
}
