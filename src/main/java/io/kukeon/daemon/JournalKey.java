package io.kukeon.daemon;

import io.kukeon.model.UnavailableException;
import io.kukeon.secrets.KeyFile;
import io.kukeon.secrets.Sealer;
import io.kukeon.secrets.SealingException;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Set;

/**
 * The key the journal's secrets are sealed with, checked at start-up: the journal records the id
 * of its key, so that a missing or different key file stops kukeond with one line, before any
 * actor fails to read a secret. A journal without a key (new, or older than sealing) gets one.
 */
final class JournalKey {
    private JournalKey() {}

    private static final String KEY_TABLE = "kukeon_sealing_key";

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    /** Makes the key at the first start, or checks that the key file holds the journal's key; fails in one line. */
    static void verify(Path keyFile, JournalSettings journal) {
        try (Connection c = journal.connect()) {
            if (JournalSchema.missingTables(c).contains(KEY_TABLE)) {   // a journal older than sealing
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS \"kukeon_sealing_key\" (\"key_id\" VARCHAR(64) NOT NULL PRIMARY KEY)");
                }
            }
            String recorded = recordedKeyId(c);
            Sealer sealer;
            if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
                if (recorded != null) {
                    throw new SealingException("the journal's secrets are sealed with key " + recorded + ", but the key file "
                            + keyFile + " does not exist: restore it (or set key-file to where it is)");
                }
                sealer = KeyFile.create(keyFile);
            } else {
                refuseShared(keyFile);
                sealer = KeyFile.read(keyFile);
            }
            if (recorded == null) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"kukeon_sealing_key\" VALUES (?)")) {
                    insert.setString(1, sealer.keyId());
                    insert.executeUpdate();
                }
            } else if (!recorded.equals(sealer.keyId())) {
                throw new SealingException("the key file " + keyFile + " holds key " + sealer.keyId()
                        + ", but the journal's secrets are sealed with key " + recorded + ": restore the key file it was written with");
            }
        } catch (SQLException e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the journal's key id: " + e.getMessage(), e);
        }
    }

    private static String recordedKeyId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT \"key_id\" FROM \"kukeon_sealing_key\"")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** A key file outside the data dir is not tightened (not ours to change): one others can read is refused. */
    private static void refuseShared(Path keyFile) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile, LinkOption.NOFOLLOW_LINKS);
            if (mode.stream().anyMatch(OTHERS::contains)) {
                throw new SealingException("the key file " + keyFile + " is readable or writable by other users: chmod 600 it");
            }
        } catch (java.io.IOException e) {
            throw new SealingException("cannot read the mode of the key file " + keyFile + ": " + e.getMessage());
        }
    }
}
