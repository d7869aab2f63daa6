package io.kukeon.storm;

import io.kukeon.testing.TempDirs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill -9 storm over a fleet of three ({@link FleetStorm}, invariant in {@link FleetInvariant})
 * in CI: 2 trials. {@code -Dkukeon.fleetstorm.seed} replays a run, {@code -Dkukeon.fleetstorm.trials}
 * changes its length; {@code scripts/storm.sh --fleet 3} is the long run. The members' data dirs
 * are kept, and named, when a trial found a violation.
 */
@Tag("containerd")
class FleetKillStormTest {
    @Test
    void acknowledgedCellsExistOnceInTheFleetWhileMembersAreKilled() throws Exception {
        long seed = Long.getLong("kukeon.fleetstorm.seed", new Random().nextLong());
        int trials = Integer.getInteger("kukeon.fleetstorm.trials", 2);
        Path work = Files.createTempDirectory("kukeon-fleet-storm");
        List<KillStorm.Trial> done = FleetStorm.run(work, 3, trials, seed, null, System.out);
        assertEquals(trials, done.size());
        List<String> violations = done.stream()
                .flatMap(t -> t.violations().stream().map(v -> "trial " + t.number() + ": " + v)).toList();
        assertTrue(violations.isEmpty(), "seed " + seed + ", " + violations.size() + " violation(s), data dirs kept in " + work
                + ":\n" + String.join("\n", violations));
        TempDirs.deleteRecursively(work);
    }
}
