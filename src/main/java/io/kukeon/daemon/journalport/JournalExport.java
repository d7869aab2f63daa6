package io.kukeon.daemon.journalport;

import io.kukeon.daemon.JournalSchema;
import io.kukeon.daemon.JournalSettings;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.UnavailableException;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code kukeond journal export --to FILE}: every snapshot and event of a journal no kukeond runs
 * on, read in one transaction, written to a new file (mode 0600: it holds the journal's sealed
 * secrets) under a temporary name, synced, and renamed into place, so that FILE is whole or absent.
 */
public final class JournalExport {
    private JournalExport() {}

    static final String TOOL = "kukeond journal export";

    /** What was exported, as printed. */
    public record Exported(long events, long tags, long snapshots, int objects, String sha256) {}

    /**
     * @param h2Base the H2 journal's base path (data dir/journal/kukeon); unused for PostgreSQL
     * @param version kukeond's version, written into the header
     */
    public static Exported export(JournalSettings journal, Path h2Base, Path to, String version) {
        Path target = to.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException("--to", target + " exists: export to a new file");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new InvalidArgumentException("--to", "the directory " + target.getParent() + " does not exist");
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try (Connection c = OfflineStore.open(journal, h2Base, TOOL, true)) {
            Exported exported = write(c, journal, partial, version);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return exported;
        } catch (SQLException e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the " + journal + ": " + OfflineStore.firstLine(e), e);
        } catch (IOException e) {
            throw new UnavailableException("ExportFailed", "cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // the failure being reported matters more
            }
        }
    }

    /** Reads the journal in one read-only transaction: the file is one moment of it. */
    private static Exported write(Connection c, JournalSettings journal, Path partial, String version)
            throws SQLException, IOException {
        var missing = JournalSchema.missingTables(c);
        if (missing.contains("event_journal") || missing.contains("snapshot") || missing.contains("event_tag")) {
            throw new FailedPreconditionException("NoJournal", "the " + journal + " holds no journal (no table "
                    + String.join(", ", missing) + ")");
        }
        c.setAutoCommit(false);
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        if (!missing.contains("durable_state") && JournalTables.count(c, "durable_state") > 0) {
            throw new FailedPreconditionException("NotExportable", "the " + journal + " has rows in durable_state, "
                    + "which kukeond never writes and the export does not carry: it is not kukeond's journal alone");
        }
        String keyId = missing.contains("kukeon_sealing_key") ? null : JournalTables.sealingKeyId(c);
        JournalFile.Header header = new JournalFile.Header(JournalFile.FORMAT, JournalFile.VERSION,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), version, journal.toString(), keyId);
        Files.deleteIfExists(partial);
        Set<String> objects = new HashSet<>();
        JournalFile.End end;
        try (FileChannel channel = FileChannel.open(partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                FileModes.privateFile());
             OutputStream out = Channels.newOutputStream(channel);
             JournalFile.Writer writer = new JournalFile.Writer(out, header)) {
            JournalTables.snapshots(c, journal.kind(), row -> {
                writer.snapshot(row);
                objects.add(row.persistenceId());
            });
            JournalTables.events(c, row -> {
                writer.event(row);
                objects.add(row.persistenceId());
            });
            end = writer.finish();
            channel.force(true);
        } catch (SQLException | IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        c.commit();
        return new Exported(end.events(), end.tags(), end.snapshots(), objects.size(), end.sha256());
    }
}
