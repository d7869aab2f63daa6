package io.kukeon.daemon.journalport;

import io.kukeon.daemon.JournalSettings;
import io.kukeon.daemon.journalport.SampleJournal.Run;
import io.kukeon.testing.PrivatePostgres;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.kukeon.daemon.journalport.SampleJournal.kukeond;
import static io.kukeon.daemon.journalport.SampleJournal.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal moved from H2 to the private PostgreSQL server and back to a new H2 journal: every row
 * arrives as it left (the exports of all three are the same, line for line), each import replays
 * file and store to the same states and snapshots, and a daemon on each copy shows the objects the
 * first one showed. While a kukeond runs on the database, nothing moves.
 */
@Tag("postgres")
class PostgresJournalPortTest {
    @TempDir
    Path work;

    @Test
    void aJournalMovesFromH2ToPostgresAndBack() throws Exception {
        List<String> objects = SampleJournal.make(work, Map.of());
        Path h2 = work.resolve("data");
        Path fromH2 = work.resolve("from-h2.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", h2.toString(), "--to", fromH2.toString()).exit());

        JournalSettings database = PrivatePostgres.newJournal("port", 2);
        Map<String, String> postgres = Map.of("journal.kind", "postgres", "journal.url", database.url(),
                "journal.user", database.user());
        Path postgresData = work.resolve("postgres-data");
        SampleJournal.copyKey(h2, postgresData);
        Run imported = kukeond(onPostgres(database, postgresData, "import", "--from", fromH2.toString()));
        assertEquals(0, imported.exit(), imported.err());
        String where = database.url().substring("jdbc:postgresql://".length());
        assertTrue(imported.out().contains(" into the PostgreSQL journal on " + where + "\n"), imported.out());
        assertTrue(imported.out().contains("replayed the file and the journal: the states of all "), imported.out());

        Path fromPostgres = work.resolve("from-postgres.kjx");
        Run exported = kukeond(onPostgres(database, postgresData, "export", "--to", fromPostgres.toString()));
        assertEquals(0, exported.exit(), exported.err());
        assertEquals(records(fromH2), records(fromPostgres), "every row as H2 held it: payloads, ids, timestamps, tags");

        Path back = work.resolve("back");
        SampleJournal.copyKey(h2, back);
        Run backToH2 = kukeond("journal", "import", "--data-dir", back.toString(), "--from", fromPostgres.toString());
        assertEquals(0, backToH2.exit(), backToH2.err());
        Path fromBack = work.resolve("from-back.kjx");
        assertEquals(0, kukeond("journal", "export", "--data-dir", back.toString(), "--to", fromBack.toString()).exit());
        assertEquals(records(fromH2), records(fromBack));

        try (TestDaemon daemon = SampleJournal.daemonOn(work, back, Map.of())) {
            SampleJournal.awaitObjects(daemon, objects);
        }
        try (TestDaemon daemon = SampleJournal.daemonOn(work, postgresData, postgres)) {
            SampleJournal.awaitObjects(daemon, objects);
            String store = daemon.client().status(StatusRequest.getDefaultInstance()).getChecksList().stream()
                    .filter(c -> c.getName().equals("journal-store")).findFirst().orElseThrow().getDetail();
            assertTrue(store.matches("PostgreSQL journal on " + Pattern.quote(where) + ", [0-9.]+ (KiB|MiB) in its tables; "
                    + "read [0-9.]+ ms, write [0-9.]+ ms \\(median of the last 64 writes\\)"), store);
            Path refused = work.resolve("refused.kjx");
            Run export = kukeond(onPostgres(database, postgresData, "export", "--to", refused.toString()));
            assertEquals(1, export.exit());
            assertTrue(export.err().startsWith("kukeond: a kukeond runs on the PostgreSQL journal on " + where + " ("),
                    export.err());
            assertFalse(Files.exists(refused));
            Run overwrite = kukeond(onPostgres(database, postgresData, "import", "--from", fromH2.toString(), "--force"));
            assertEquals(1, overwrite.exit());
            assertTrue(overwrite.err().startsWith("kukeond: a kukeond runs on the PostgreSQL journal"), overwrite.err());
        }
    }

    private static String[] onPostgres(JournalSettings database, Path dataDir, String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("journal", command, "--data-dir", dataDir.toString(),
                "--journal-kind", "postgres", "--journal-url", database.url(), "--journal-user", database.user()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
