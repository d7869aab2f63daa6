package io.kukeon.daemon;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalStoreTest {
    /** What Hikari throws when it cannot open a connection: its timeout, around the driver's refusal. */
    private static SQLTransientConnectionException poolTimeout(Throwable lastFailure) {
        return new SQLTransientConnectionException("db - Connection is not available, request timed out after 2000ms",
                "08001", lastFailure);
    }

    @Test
    void aStoreThatCannotBeReachedIsToldFromOneThatRefusesAStatement() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:55432 refused.", "08001", new ConnectException("Connection refused"));
        assertTrue(JournalStore.isUnreachable(poolTimeout(refused)));
        assertTrue(JournalStore.isUnreachable(new RuntimeException("wrapped", refused)));
        assertTrue(JournalStore.isUnreachable(new SQLException("terminating connection due to administrator command", "57P01")));
        // a busy pool: a timeout with no failure to open behind it
        assertFalse(JournalStore.isUnreachable(new SQLTransientConnectionException("request timed out after 2000ms")));
        // H2 on a full disk, a duplicate row: the store answers, it refuses this write
        assertFalse(JournalStore.isUnreachable(new SQLException("The database has been closed", "90098")));
        assertFalse(JournalStore.isUnreachable(new SQLException("duplicate key value", "23505")));
    }

    @Test
    void theReasonIsTheDriversOwnWords() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:55432 refused.\nCheck the host.", "08001",
                new ConnectException("Connection refused"));
        assertEquals("Connection to 127.0.0.1:55432 refused.", JournalStore.whyUnreachable(poolTimeout(refused)));
        assertEquals("IllegalStateException", JournalStore.whyUnreachable(new IllegalStateException()));
    }
}
