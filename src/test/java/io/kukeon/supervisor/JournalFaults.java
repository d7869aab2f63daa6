package io.kukeon.supervisor;

import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

import java.util.concurrent.atomic.AtomicBoolean;

/** Journal failures made on purpose with Pekko's persistence testkit (see {@code TestDaemon.withTestkitJournal}). */
final class JournalFaults {
    private JournalFaults() {}

    /** The first write of {@code persistenceId} that holds an event of type {@code event} fails; true once it has. */
    static AtomicBoolean failFirstWrite(PersistenceTestKit journal, String persistenceId, Class<?> event) {
        AtomicBoolean failed = new AtomicBoolean();
        journal.withPolicy((id, operation) -> {
            if (id.equals(persistenceId) && operation instanceof WriteEvents w
                    && w.getBatch().stream().map(JournalFaults::payload).anyMatch(event::isInstance)
                    && failed.compareAndSet(false, true)) {
                return new StorageFailure(new RuntimeException("injected: " + persistenceId + "'s " + event.getSimpleName()));
            }
            return ProcessingSuccess$.MODULE$;
        });
        return failed;
    }

    /** Whether the journal holds an event of type {@code event} for {@code persistenceId}. */
    static boolean holds(PersistenceTestKit journal, String persistenceId, Class<?> event) {
        return journal.persistedInStorage(persistenceId).stream().map(JournalFaults::payload).anyMatch(event::isInstance);
    }

    private static Object payload(Object stored) {
        return stored instanceof Tagged t ? t.payload() : stored;
    }
}
