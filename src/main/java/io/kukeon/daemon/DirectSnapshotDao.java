package io.kukeon.daemon;

import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.jdbc.config.SnapshotConfig;
import org.apache.pekko.persistence.jdbc.snapshot.dao.DefaultSnapshotDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * pekko-persistence-jdbc's snapshot DAO whose recovery read, an object's newest snapshot, is one
 * plain JDBC query on the {@link JournalReaders}' threads instead of a Slick action: every recovery
 * makes it, about 300 at an adoption of 100 cells. Saves, deletes and the other reads are the
 * default DAO's, on the same table ({@code journal-schema/h2.sql}, {@code postgres.sql}).
 */
public final class DirectSnapshotDao extends DefaultSnapshotDao {
    private static final String SELECT_LATEST = "SELECT \"sequence_number\", \"created\", \"snapshot_ser_id\", "
            + "\"snapshot_ser_manifest\", \"snapshot_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\" "
            + "FROM \"snapshot\" WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\" DESC LIMIT 1";

    private final JdbcBackend.JdbcDatabaseDef db;
    private final Serialization serialization;
    private final JournalReaders readers;

    public DirectSnapshotDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, SnapshotConfig snapshotConfig,
                             Serialization serialization, ExecutionContext ec, Materializer mat) {
        super(db, profile, snapshotConfig, serialization, ec, mat);
        this.db = db;
        this.serialization = serialization;
        this.readers = JournalReaders.get(mat.system());
    }

    /** The newest snapshot, decoded; a snapshot that cannot be decoded fails the read, as with the default DAO. */
    @Override
    public Future<Option<Tuple2<SnapshotMetadata, Object>>> latestSnapshot(String persistenceId) {
        return FutureConverters.asScala(readers.read(db, SELECT_LATEST, s -> {
            s.setString(1, persistenceId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Option.apply(decoded(persistenceId, r)) : Option.<Tuple2<SnapshotMetadata, Object>>empty();
            }
        }));
    }

    private Tuple2<SnapshotMetadata, Object> decoded(String persistenceId, ResultSet r) throws SQLException {
        long sequenceNr = r.getLong(1);
        long created = r.getLong(2);
        Object snapshot = serialization.deserialize(r.getBytes(5), r.getInt(3), r.getString(4)).get();
        int metaSerId = r.getInt(6);
        boolean noMetaSerId = r.wasNull();
        String metaManifest = r.getString(7);
        byte[] metaPayload = r.getBytes(8);
        Option<Object> meta = noMetaSerId || metaPayload == null ? Option.empty()
                : Option.apply(serialization.deserialize(metaPayload, metaSerId, metaManifest == null ? "" : metaManifest).get());
        return Tuple2.apply(new SnapshotMetadata(persistenceId, sequenceNr, created, meta), snapshot);
    }
}
