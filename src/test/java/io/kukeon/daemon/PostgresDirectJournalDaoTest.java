package io.kukeon.daemon;

import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** {@link DirectJournalDaoTest} on the private PostgreSQL server: same rows, same recovery, same read journal. */
@Tag("postgres")
class PostgresDirectJournalDaoTest extends DirectJournalDaoTest {
    @Override
    JournalSettings journal(Path dir) {
        return PrivatePostgres.newJournal("dao", 5);
    }
}
