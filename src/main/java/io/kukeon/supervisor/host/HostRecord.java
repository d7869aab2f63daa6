package io.kukeon.supervisor.host;

import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;

import java.util.Set;
import java.util.TreeSet;

/** The realms the host knows: the event-sourced state of the {@link HostSupervisor}, and its snapshot. */
@JournalName("host.Record")
public record HostRecord(Set<String> realms) implements Journaled {

    public HostRecord {
        realms = realms == null ? Set.of() : Set.copyOf(realms);
    }

    /** The event handler: this record after {@code event}, and nothing else. */
    public HostRecord apply(HostEvent event) {
        if (event instanceof HostEvent.RealmAdded e) {
            return withRealm(e.name(), true);
        } else if (event instanceof HostEvent.RealmRemoved e) {
            return withRealm(e.name(), false);
        }
        return this;   // DaemonStarted: history only
    }

    HostRecord withRealm(String realm, boolean present) {
        Set<String> r = new TreeSet<>(realms);
        if (present) {
            r.add(realm);
        } else {
            r.remove(realm);
        }
        return new HostRecord(r);
    }
}
