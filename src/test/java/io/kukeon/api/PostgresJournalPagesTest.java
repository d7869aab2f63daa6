package io.kukeon.api;

import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** {@link JournalPagesTest} on the private PostgreSQL server: the same pages, the same order, the same live Watch. */
@Tag("postgres")
class PostgresJournalPagesTest extends JournalPagesTest {
    @Override
    Map<String, String> journalFlags() {
        return PrivatePostgres.newDaemonJournal("pages");
    }
}
