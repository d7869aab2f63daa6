package io.kukeon.storm;

import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * {@link KillStormTest} with kukeond's journal on a new database of the private PostgreSQL server:
 * two trials in CI (the long run is {@code scripts/storm.sh TRIALS SEED --journal postgres}).
 */
@Tag("containerd")
@Tag("postgres")
class PostgresKillStormTest extends KillStormTest {
    @Override
    int defaultTrials() {
        return 2;
    }

    @Override
    Map<String, String> journal() {
        return PrivatePostgres.newDaemonJournal("storm");
    }
}
