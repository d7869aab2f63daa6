package io.kukeon.storm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill -9 storm ({@link KillStorm}, invariant in {@link StormInvariant}) in CI: 7 trials
 * against the real kukeond (each a kill at a random moment, a restart and the invariant on what
 * the previous trials left: ~45 objects by the last; a new seed every run, the long run below). {@code -Dkukeon.storm.seed} replays a run, {@code -Dkukeon.storm.trials}
 * changes its length; {@code scripts/storm.sh} is the long run. On PostgreSQL in {@link PostgresKillStormTest}.
 */
@Tag("containerd")
class KillStormTest {
    /** Kept when the storm fails: its daemon log and journal are what explain it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dataDir;

    int defaultTrials() {
        return 7;
    }

    /** kukeond's journal.* settings; none: its H2 file in the data dir. */
    Map<String, String> journal() {
        return Map.of();
    }

    @Test
    void acknowledgedRequestsSurviveKill9sAndTheHostMatchesTheJournal() throws Exception {
        long seed = Long.getLong("kukeon.storm.seed", new Random().nextLong());
        int trials = Integer.getInteger("kukeon.storm.trials", defaultTrials());
        // containerd restarts as a fault are not yet in CI: they still leave a stopped root's cgroup behind
        int containerdRestarts = Integer.getInteger("kukeon.storm.containerdRestartOneIn", 0);
        List<KillStorm.Trial> done = KillStorm.run(dataDir, trials, seed, containerdRestarts, journal(), null, System.out);
        assertEquals(trials, done.size());
        List<String> violations = done.stream()
                .flatMap(t -> t.violations().stream().map(v -> "trial " + t.number() + ": " + v)).toList();
        assertTrue(violations.isEmpty(), "seed " + seed + ", " + violations.size() + " violation(s), data dir kept in "
                + dataDir + ":\n"
                + String.join("\n", violations));
    }
}
