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

    /** @param namespace the containerd namespace the realm claims; null in journals written before claims */
    @JournalName("host.RealmAdded")
    record RealmAdded(String name, String namespace) implements HostEvent {
        public String summary() {
            return "realm \"" + name + "\" added" + (namespace == null ? "" : ", namespace \"" + namespace + "\"");
        }
    }

    /** A realm added before claims were written told which namespace it holds: now it is claimed. */
    @JournalName("host.NamespaceClaimed")
    record NamespaceClaimed(String realm, String namespace) implements HostEvent {
        public String summary() {
            return "realm \"" + realm + "\" claims namespace \"" + namespace + "\"";
        }
    }

    /** A space took this {@code /24} of the pod subnet for its network; no other space has it until it is released. */
    @JournalName("host.SubnetClaimed")
    record SubnetClaimed(String space, String subnet) implements HostEvent {
        public String summary() {
            return "space \"" + space + "\" claims subnet " + subnet;
        }
    }

    /**
     * A space's network is the user's conflist {@code file} ({@code spec.cniConfigPath}), named
     * {@code name}, on {@code bridge} (null: none) and {@code subnet} (null: none kukeond knows):
     * no other space may overlap that subnet or use that name or bridge until it is released.
     * Written again when the file's network changed.
     */
    @JournalName("host.NetworkFileClaimed")
    record NetworkFileClaimed(String space, String file, String name, String bridge, String subnet) implements HostEvent {
        public String summary() {
            return "space \"" + space + "\" claims network \"" + name + "\" of " + file + (subnet == null ? "" : ", subnet " + subnet);
        }
    }

    /** The space's network is removed: its {@code /24}, or the user's network it claimed, is free again. */
    @JournalName("host.SubnetReleased")
    record SubnetReleased(String space) implements HostEvent {
        public String summary() {
            return "space \"" + space + "\" released its subnet";
        }
    }

    @JournalName("host.RealmRemoved")
    record RealmRemoved(String name) implements HostEvent {
        public String summary() {
            return "realm \"" + name + "\" removed";
        }
    }
}
