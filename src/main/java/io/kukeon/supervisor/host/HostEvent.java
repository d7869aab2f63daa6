package io.kukeon.supervisor.host;

import io.kukeon.supervisor.JournalEvent;
import io.kukeon.supervisor.JournalName;

import java.time.Instant;

/** What happened to the host's registry of realms, as its journal holds it. */
public sealed interface HostEvent extends JournalEvent {

    /** kukeond started (after a stop or a crash) and replayed the journal: history shows every restart of the daemon. */
    @JournalName("host.DaemonStarted")
    record DaemonStarted(Instant at) implements HostEvent {
        public String summary() {
            return "kukeond started, journal replayed";
        }
    }

    @JournalName("host.RealmAdded")
    record RealmAdded(String name) implements HostEvent {
        public String summary() {
            return "realm \"" + name + "\" added";
        }
    }

    @JournalName("host.RealmRemoved")
    record RealmRemoved(String name) implements HostEvent {
        public String summary() {
            return "realm \"" + name + "\" removed";
        }
    }
}
