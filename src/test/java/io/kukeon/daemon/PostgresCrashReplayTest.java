package io.kukeon.daemon;

import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** {@link CrashReplayTest} with the journal on the private PostgreSQL server, a new database for each test. */
@Tag("postgres")
class PostgresCrashReplayTest extends CrashReplayTest {
    @Override
    DaemonProcess daemon() {
        JournalSettings journal = PrivatePostgres.newJournal("crash", 5);
        return new DaemonProcess(dataDir).withEnvironment(Map.of(DaemonConfig.envName("journal.kind"), "postgres",
                DaemonConfig.envName("journal.url"), journal.url(), DaemonConfig.envName("journal.user"), journal.user()));
    }
}
