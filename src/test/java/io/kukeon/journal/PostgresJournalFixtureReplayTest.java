package io.kukeon.journal;

import io.kukeon.daemon.JournalSettings;
import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/**
 * {@link JournalFixtureReplayTest} on the private PostgreSQL server: every release's journal,
 * loaded into a new database, replays to the same states as on H2 (the journal moves between
 * stores row for row).
 */
@Tag("postgres")
class PostgresJournalFixtureReplayTest extends JournalFixtureReplayTest {
    @Override
    JournalSettings journal(Path dataDir) {
        return PrivatePostgres.newJournal("fixture", 2);
    }
}
