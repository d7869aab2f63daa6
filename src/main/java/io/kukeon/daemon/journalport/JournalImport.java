package io.kukeon.daemon.journalport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.daemon.JournalSchema;
import io.kukeon.daemon.JournalSettings;
import io.kukeon.daemon.journalport.JournalFile.EventRow;
import io.kukeon.daemon.journalport.JournalFile.SnapshotRow;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.UnavailableException;
import io.kukeon.secrets.FileModes;
import io.kukeon.secrets.KeyFile;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kukeond journal import --from FILE}: a file of {@link JournalFile}'s format into a journal
 * no kukeond runs on, all or nothing, verified before it counts. The rows go in as they were
 * (orderings, sequence numbers, timestamps, payloads, serializer ids and manifests, tags); then the
 * file and the store are both replayed through the levels' event handlers ({@link JournalReplay})
 * and every object's state and every snapshot must match. On PostgreSQL that happens in one
 * transaction, which a mismatch rolls back; on H2 into a new file beside the journal, renamed over
 * it once verified. A store that holds events is replaced only with {@code --force}.
 */
public final class JournalImport {
    private JournalImport() {}

    static final String TOOL = "kukeond journal import";

    /** What was imported, as printed: the file's counts and what the replays compared. */
    public record Imported(long events, long tags, long snapshots, int objects) {}

    /** A replay of the store that differs from the file's: nothing was changed. */
    private static FailedPreconditionException mismatch(String what) {
        return new FailedPreconditionException("ImportMismatch", "the imported journal does not replay as the file does: "
                + what + "; nothing was imported");
    }

    /**
     * @param h2Base  the H2 journal's base path (data dir/journal/kukeon); unused for PostgreSQL
     * @param keyFile the sealing key kukeond will run with: it must be the file's
     * @param pekko   kukeond's Pekko settings: its serializers read the rows as kukeond would
     */
    public static Imported importFrom(JournalSettings journal, Path h2Base, Path keyFile, Config pekko, Path from, boolean force) {
        if (!Files.isRegularFile(from)) {
            throw new InvalidArgumentException("--from", "no such file: " + from);
        }
        JournalFile.Header header;
        try (JournalFile.Reader reader = new JournalFile.Reader(from, Files.newInputStream(from))) {
            header = reader.header();
        } catch (IOException e) {
            throw new InvalidArgumentException("--from", "cannot read " + from + ": " + e.getMessage());
        }
        checkKey(header, keyFile);
        ActorSystem system = ActorSystem.create("kukeond-journal-import", quiet(pekko));
        try {
            Serialization serialization = SerializationExtension.get(system);
            return journal.kind() == JournalSettings.Kind.H2
                    ? intoH2(journal, h2Base, serialization, from, header, force)
                    : intoPostgres(journal, serialization, from, header, force);
        } catch (SQLException e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot write the " + journal + ": " + OfflineStore.firstLine(e)
                    + "; nothing was imported", e);
        } catch (IOException e) {
            throw new UnavailableException("ImportFailed", "cannot import " + from + ": " + e.getMessage() + "; nothing was imported", e);
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a tool's own actor system: the JVM ends soon after
            }
        }
    }

    /** No journal plugins started, Pekko's log at warnings only: it is here for its serializers. */
    private static Config quiet(Config pekko) {
        return ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.stdout-loglevel = WARNING
                pekko.log-dead-letters = off
                pekko.persistence.journal.auto-start-journals = []
                pekko.persistence.snapshot-store.auto-start-snapshot-stores = []
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(pekko);
    }

    /** The file's secrets open with the key kukeond runs with, or the import is refused: kukeond would not start on it. */
    private static void checkKey(JournalFile.Header header, Path keyFile) {
        String wanted = header.sealingKeyId();
        if (wanted == null) {
            return;
        }
        if (!Files.exists(keyFile)) {
            throw new FailedPreconditionException("KeyMissing", "the file's secrets are sealed with key " + wanted
                    + ", but the key file " + keyFile + " does not exist: copy the key file of the journal's host there (or set key-file)");
        }
        String held = KeyFile.read(keyFile).keyId();
        if (!held.equals(wanted)) {
            throw new FailedPreconditionException("KeyMismatch", "the key file " + keyFile + " holds key " + held
                    + ", but the file's secrets are sealed with key " + wanted + ": use the key file of the journal's host");
        }
    }

    // ---- H2: a new file, renamed over the journal ----

    private static Imported intoH2(JournalSettings journal, Path base, Serialization serialization, Path from,
                                   JournalFile.Header header, boolean force) throws SQLException, IOException {
        FileModes.createPrivateDirectories(base.getParent());
        Path importBase = base.resolveSibling(base.getFileName() + "-import");
        boolean existed = Files.exists(OfflineStore.h2File(base));
        Imported imported;
        try (Connection held = OfflineStore.open(journal, base, TOOL, false)) {   // kept open: no kukeond opens the journal meanwhile
            try {
                refuseUnlessEmpty(held, journal, force);
                imported = intoNewH2(importBase, serialization, from, header);
            } catch (SQLException | IOException | RuntimeException e) {
                deleteH2Files(importBase);
                if (!existed) {   // opening it made an empty file: gone with the import
                    held.close();
                    deleteH2Files(base);
                }
                throw e;
            }
            Files.setPosixFilePermissions(OfflineStore.h2File(importBase), FileModes.PRIVATE_FILE);   // the journal is root's only
            Files.move(OfflineStore.h2File(importBase), OfflineStore.h2File(base), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            deleteH2Files(importBase);
        }
        return imported;
    }

    /** The file into a new H2 journal at {@code importBase}, verified; closed when this returns. */
    private static Imported intoNewH2(Path importBase, Serialization serialization, Path from, JournalFile.Header header)
            throws SQLException, IOException {
        deleteH2Files(importBase);
        JournalSettings fresh = JournalSettings.h2(importBase, 1);
        JournalSchema.apply(fresh);
        try (Connection c = fresh.connect()) {
            c.setAutoCommit(false);
            Loaded loaded = load(c, from, serialization, header);
            try (Statement s = c.createStatement()) {   // DDL: H2 commits the rows with it
                s.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH " + (loaded.end().lastOrdering() + 1));
            }
            c.commit();
            return verify(c, JournalSettings.Kind.H2, from, serialization, loaded);
        }
    }

    private static void deleteH2Files(Path base) throws IOException {
        Files.deleteIfExists(OfflineStore.h2File(base));
        Files.deleteIfExists(base.resolveSibling(base.getFileName() + ".trace.db"));
    }

    // ---- PostgreSQL: one transaction ----

    private static Imported intoPostgres(JournalSettings journal, Serialization serialization, Path from,
                                         JournalFile.Header header, boolean force) throws SQLException, IOException {
        try (Connection c = OfflineStore.open(journal, null, TOOL, false)) {
            JournalSchema.apply(journal);   // the tables, when missing (or the statement a database owner is to run)
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {   // a kukeond that starts meanwhile waits for the commit
                    s.execute("LOCK TABLE event_journal, event_tag, snapshot, kukeon_sealing_key IN ACCESS EXCLUSIVE MODE");
                }
                long previousLast = JournalTables.maxOrdering(c);
                refuseUnlessEmpty(c, journal, force);
                JournalTables.clear(c);
                Loaded loaded = load(c, from, serialization, header);
                // Never back: a sequence keeps no transaction, and if this one rolled back, the old rows would stay.
                long next = Math.max(loaded.end().lastOrdering(), previousLast);
                try (PreparedStatement s = c.prepareStatement("SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'), ?, ?)")) {
                    s.setLong(1, Math.max(next, 1));
                    s.setBoolean(2, next > 0);
                    s.execute();
                }
                Imported imported = verify(c, JournalSettings.Kind.POSTGRES, from, serialization, loaded);
                c.commit();
                return imported;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    // ---- both ----

    private static void refuseUnlessEmpty(Connection c, JournalSettings journal, boolean force) throws SQLException {
        List<String> missing = JournalSchema.missingTables(c);
        long events = missing.contains("event_journal") ? 0 : JournalTables.count(c, "event_journal");
        long snapshots = missing.contains("snapshot") ? 0 : JournalTables.count(c, "snapshot");
        if ((events > 0 || snapshots > 0) && !force) {
            throw new FailedPreconditionException("JournalNotEmpty", "the " + journal + " holds " + events + " events and "
                    + snapshots + " snapshots: import into an empty journal, or give --force to replace them");
        }
        if (!missing.contains("durable_state") && JournalTables.count(c, "durable_state") > 0) {
            throw new FailedPreconditionException("NotImportable", "the " + journal + " has rows in durable_state, which "
                    + "kukeond never writes: it is not kukeond's journal alone");
        }
    }

    /** The file's rows, inserted, and the file's own replay, made as they went in. */
    private record Loaded(JournalFile.End end, JournalReplay replay) {}

    private static Loaded load(Connection c, Path from, Serialization serialization, JournalFile.Header header)
            throws SQLException, IOException {
        JournalReplay replay = new JournalReplay(serialization);
        try (JournalFile.Reader reader = new JournalFile.Reader(from, Files.newInputStream(from));
             JournalTables.Inserts inserts = new JournalTables.Inserts(c)) {
            Object record;
            while ((record = reader.next()) != null) {
                if (record instanceof SnapshotRow snapshot) {
                    replay.snapshot(snapshot);
                    inserts.snapshot(snapshot);
                } else {
                    EventRow event = (EventRow) record;
                    replay.event(event);
                    inserts.event(event);
                }
            }
            inserts.flush();
            if (JournalSchema.missingTables(c).contains("kukeon_sealing_key")) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS \"kukeon_sealing_key\" (\"key_id\" VARCHAR(64) NOT NULL PRIMARY KEY)");
                }
            }
            JournalTables.replaceSealingKeyId(c, header.sealingKeyId());
            return new Loaded(reader.end(), replay);
        }
    }

    /**
     * Replays the store as it now reads and compares it with the file's replay: every object's state,
     * then every snapshot, one by one in the same order (the file's are read again).
     */
    private static Imported verify(Connection c, JournalSettings.Kind kind, Path from, Serialization serialization,
                                   Loaded loaded) throws IOException {
        JournalReplay stored = new JournalReplay(serialization);
        try {
            JournalTables.snapshots(c, kind, stored::snapshot);
            JournalTables.events(c, stored::event);
        } catch (SQLException | RuntimeException e) {
            throw e instanceof RuntimeException r ? r : new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE,
                    "cannot read back what was imported: " + OfflineStore.firstLine(e), e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        JournalReplay file = loaded.replay();
        if (stored.events() != file.events() || stored.snapshots() != file.snapshots()) {
            throw mismatch("the store holds " + stored.events() + " events and " + stored.snapshots()
                    + " snapshots, the file " + file.events() + " and " + file.snapshots());
        }
        String difference = JournalReplay.firstDifference(file, stored);
        if (difference != null) {
            throw mismatch(difference);
        }
        compareSnapshots(c, kind, from, serialization);
        return new Imported(loaded.end().events(), loaded.end().tags(), loaded.end().snapshots(), file.states().size());
    }

    private static void compareSnapshots(Connection c, JournalSettings.Kind kind, Path from, Serialization serialization)
            throws IOException {
        try (JournalFile.Reader reader = new JournalFile.Reader(from, Files.newInputStream(from))) {
            JournalTables.snapshots(c, kind, row -> {
                Object next = reader.next();
                if (!(next instanceof SnapshotRow expected) || !expected.persistenceId().equals(row.persistenceId())
                        || expected.sequenceNumber() != row.sequenceNumber()) {
                    throw mismatch("the store's snapshot " + row.persistenceId() + " #" + row.sequenceNumber()
                            + " is not the file's next (" + describe(next) + ")");
                }
                Object a = deserialize(serialization, expected);
                Object b = deserialize(serialization, row);
                if (!a.equals(b)) {
                    throw mismatch("snapshot " + row.persistenceId() + " #" + row.sequenceNumber() + " differs in "
                            + JournalReplay.differingField(a, b));
                }
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot read back the snapshots: " + OfflineStore.firstLine(e), e);
        }
    }

    private static Object deserialize(Serialization serialization, SnapshotRow row) {
        return serialization.deserialize(row.snapshotPayload(), row.snapshotSerId(), row.snapshotSerManifest()).get();
    }

    private static String describe(Object record) {
        if (record instanceof SnapshotRow s) {
            return "snapshot " + s.persistenceId() + " #" + s.sequenceNumber();
        }
        return record instanceof EventRow ? "the file's snapshots ended" : "the file ended";
    }
}
