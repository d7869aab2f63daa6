package io.kukeon.daemon;

import io.kukeon.model.UnavailableException;
import io.kukeon.testing.PrivatePostgres;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's schema on a real PostgreSQL: made at the first start by a user who may, left alone
 * (and used) when a database owner made it for a user who may not, and otherwise one line naming
 * the script and the statement to run. Status names the store, never the password.
 */
@Tag("postgres")
class PostgresJournalSchemaTest {
    @TempDir
    Path dir;

    @Test
    void theOwnerCreatesTheSchemaOnceAndAgainChangesNothing() throws Exception {
        JournalSettings owner = PrivatePostgres.newJournal("schema", 1);
        JournalSchema.apply(owner);
        JournalSchema.apply(owner);
        try (Connection c = owner.connect()) {
            assertEquals(List.of(), JournalSchema.missingTables(c));
        }
    }

    @Test
    void kukeondsShareOneDatabaseEachInASchemaOfItsOwn() throws Exception {
        JournalSettings owner = PrivatePostgres.newJournal("shared", 1);
        Map<String, String> a = Map.of("journal.kind", "postgres", "journal.url", owner.url(), "journal.user", owner.user(),
                "journal.schema", "node_a");
        Map<String, String> b = new java.util.HashMap<>(a);
        b.put("journal.schema", "node_b");
        try (TestDaemon daemonA = TestDaemon.withConfig(dir.resolve("a"), "", a);
             TestDaemon daemonB = TestDaemon.withConfig(dir.resolve("b"), "", b)) {
            io.kukeon.api.Docs.createStack(daemonA.client(), "r/s/made-by-a");
            io.kukeon.api.Docs.createStack(daemonB.client(), "r/s/made-by-b");
            daemonA.stop();
            daemonA.start();   // a replays its own schema only
            io.kukeon.testing.Eventually.value("a's stack replayed", java.time.Duration.ofSeconds(30), () ->
                    stacks(daemonA).isEmpty() ? null : true);
            assertEquals(List.of("r/s/made-by-a"), stacks(daemonA));
            assertEquals(List.of("r/s/made-by-b"), stacks(daemonB));
        }
        try (Connection c = owner.connect(); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT table_schema, COUNT(*) FROM information_schema.tables WHERE table_name"
                     + " IN ('event_journal', 'kukeon_sealing_key') GROUP BY table_schema ORDER BY table_schema")) {
            List<String> schemas = new java.util.ArrayList<>();
            while (rows.next()) {
                schemas.add(rows.getString(1) + "=" + rows.getInt(2));
            }
            assertEquals(List.of("node_a=2", "node_b=2"), schemas, "each kukeond's tables in its schema, none in public");
        }
    }

    private static List<String> stacks(TestDaemon daemon) throws java.io.IOException {
        return daemon.client().list(io.kukeon.wire.v1.ListRequest.newBuilder().setKind("Stack").build()).getObjectsList().stream()
                .map(io.kukeon.wire.v1.ObjectDoc::getPath).toList();
    }

    @Test
    void aUserWithoutTheRightToCreateTablesIsToldWhatToRunAndThenWorksOnTheOwnersSchema() throws Exception {
        JournalSettings owner = PrivatePostgres.newJournal("rights", 1);
        String role = "kukeond_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        try (Connection c = owner.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN");   // PostgreSQL 15: no CREATE on public for others
        }
        JournalSettings restricted = JournalSettings.postgres(owner.url(), role, "", 1, "");

        UnavailableException refused = assertThrows(UnavailableException.class, () -> JournalSchema.apply(restricted));
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("have a database owner run journal-schema/postgres.sql, which failed at: "
                + "CREATE TABLE IF NOT EXISTS public.event_journal ("), refused.getMessage());

        JournalSchema.apply(owner);
        try (Connection c = owner.connect(); Statement s = c.createStatement()) {
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        }
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "never-shown-pw\n");   // trust authentication: sent, not needed
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        try (TestDaemon daemon = TestDaemon.withConfig(dir.resolve("data"), "", Map.of("journal.kind", "postgres",
                "journal.url", owner.url(), "journal.user", role, "journal.password-file", passwordFile.toString()))) {
            io.kukeon.api.Docs.createStack(daemon.client(), "r/s/t");
            StatusResponse status = daemon.client().status(StatusRequest.getDefaultInstance());
            StatusResponse.Check journal = status.getChecksList().stream().filter(c -> c.getName().equals("journal"))
                    .findFirst().orElseThrow();
            assertEquals("OK", journal.getLevel(), journal.getDetail());
            String where = owner.url().substring("jdbc:postgresql://".length());
            assertTrue(journal.getDetail().startsWith("PostgreSQL journal on " + where + " answers, last offset "),
                    journal.getDetail());
            assertFalse(status.toString().contains("never-shown-pw"), "status never shows the password");
        }
        try (Connection c = owner.connect(); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'Stack|%'")) {
            rows.next();
            assertTrue(rows.getLong(1) > 0, "the restricted user wrote the journal");
        }
    }
}
