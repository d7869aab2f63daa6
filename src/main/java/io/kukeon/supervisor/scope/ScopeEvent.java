package io.kukeon.supervisor.scope;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.LevelState;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.SecretData;
import io.kukeon.model.TemplateKind;
import io.kukeon.supervisor.JournalEvent;
import io.kukeon.supervisor.JournalName;

import java.time.Instant;
import java.util.Map;

/**
 * What happened to a realm, space or stack, as its journal holds it. {@link Created},
 * {@link Updated} and {@link DeleteRequested} are intents, written before the side effect;
 * {@link Provisioned}, {@link Deleted} and {@link DeleteFailed} are their outcomes.
 */
public sealed interface ScopeEvent extends JournalEvent {

    @JournalName(value = "scope.Created", version = 2)
    record Created(ScopeSpec spec, Map<String, String> labels, Map<String, String> annotations, Instant at)
            implements ScopeEvent {
        public Created {
            annotations = annotations == null ? Map.of() : annotations;   // absent from journals before annotations
        }

        public String summary() {
            return "created";
        }
    }

    @JournalName(value = "scope.Updated", version = 2)
    record Updated(ScopeSpec spec, Map<String, String> labels, Map<String, String> annotations, long generation,
                   Instant at) implements ScopeEvent {
        public Updated {
            annotations = annotations == null ? Map.of() : annotations;   // absent from journals before annotations
        }

        public String summary() {
            return "updated to generation " + generation;
        }
    }

    @JournalName("scope.Provisioned")
    record Provisioned(GroupStatus cgroup, Boolean namespaceReady, LevelState state, String reason,
                       String message, Instant at) implements ScopeEvent {
        public String summary() {
            return state == LevelState.Ready ? "ready (cgroup " + cgroup.path() + ")"
                    : state + ": " + reason + ": " + message;
        }
    }

    @JournalName("scope.ChildAdded")
    record ChildAdded(String kind, String name) implements ScopeEvent {
        public String summary() {
            return kind + " \"" + name + "\" added";
        }
    }

    @JournalName("scope.ChildRemoved")
    record ChildRemoved(String kind, String name) implements ScopeEvent {
        public String summary() {
            return kind + " \"" + name + "\" removed";
        }
    }

    @JournalName("scope.DeleteRequested")
    record DeleteRequested(boolean cascade, Instant at) implements ScopeEvent {
        public String summary() {
            return cascade ? "delete requested (cascade)" : "delete requested";
        }
    }

    @JournalName("scope.Deleted")
    record Deleted(Instant at) implements ScopeEvent {
        public String summary() {
            return "deleted";
        }
    }

    @JournalName("scope.DeleteFailed")
    record DeleteFailed(String reason, String message, Instant at) implements ScopeEvent {
        public String summary() {
            return "delete failed: " + message;
        }
    }

    /** A Secret of this scope was created or given a new value; the value is sealed in the journal. */
    @JournalName("scope.SecretPut")
    record SecretPut(String name, SecretData data, Instant at) implements ScopeEvent {
        public String summary() {
            return "secret \"" + name + "\" put (" + data.size() + " bytes)";
        }
    }

    @JournalName("scope.SecretRemoved")
    record SecretRemoved(String name, Instant at) implements ScopeEvent {
        public String summary() {
            return "secret \"" + name + "\" removed";
        }
    }

    /** A Volume of this scope was created or given a new reclaim policy; its directory is made after this is written. */
    @JournalName("scope.VolumePut")
    record VolumePut(String name, ReclaimPolicy reclaimPolicy, Instant at) implements ScopeEvent {
        public String summary() {
            return "volume \"" + name + "\" put (reclaimPolicy " + reclaimPolicy + ")";
        }
    }

    /** A Volume of this scope was deleted; its directory is removed after this is written. */
    @JournalName("scope.VolumeRemoved")
    record VolumeRemoved(String name, Instant at) implements ScopeEvent {
        public String summary() {
            return "volume \"" + name + "\" removed";
        }
    }

    /** A CellBlueprint or CellConfig of this scope was created or replaced (exactly one of the two is set). */
    @JournalName("scope.TemplatePut")
    record TemplatePut(String name, CellBlueprint blueprint, CellConfig config, Instant at) implements ScopeEvent {
        public String summary() {
            return (blueprint != null ? TemplateKind.BLUEPRINT : TemplateKind.CONFIG).label() + " \"" + name + "\" put";
        }
    }

    @JournalName("scope.TemplateRemoved")
    record TemplateRemoved(TemplateKind kind, String name, Instant at) implements ScopeEvent {
        public String summary() {
            return kind.label() + " \"" + name + "\" removed";
        }
    }
}
