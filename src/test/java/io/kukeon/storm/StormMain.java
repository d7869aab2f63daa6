package io.kukeon.storm;

import io.kukeon.testing.PrivatePostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * The kill -9 storm as a long run outside JUnit, for scripts/storm.sh: args TRIALS (default 100)
 * and SEED (default random), and N: one trial in N restarts containerd instead of killing kukeond
 * (default 0: never); {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive}, and
 * {@code -Dkukeon.test.journal=postgres} for kukeond's journal on a new database of the private
 * PostgreSQL server of {@code -Dkukeon.postgres.url} (default h2: its file in the data dir);
 * {@code -Dkukeon.storm.minutes=M}: no trial starts after M minutes (default: no limit);
 * {@code -Dkukeon.storm.fleet=M}: the storm over a fleet of M members instead ({@link FleetStorm}; H2, no
 * containerd restarts). Exits 1 when any trial found a violation.
 */
public final class StormMain {
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : new Random().nextLong();
        Path dataDir = Files.createTempDirectory("kukeon-storm");
        int containerdRestartOneIn = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int fleet = Integer.getInteger("kukeon.storm.fleet", 0);
        List<KillStorm.Trial> done = fleet > 0
                ? FleetStorm.run(dataDir, fleet, trials, seed, until(), System.out)
                : KillStorm.run(dataDir, trials, seed, containerdRestartOneIn, PrivatePostgres.daemonJournalOfRun("storm"),
                        until(), System.out);
        int violations = done.stream().mapToInt(t -> t.violations().size()).sum();
        if (violations == 0) {
            io.kukeon.testing.TempDirs.deleteRecursively(dataDir);
        } else {
            System.out.println("kept for a look: " + dataDir + (fleet > 0 ? " (one data dir per member: a/, b/, ...; daemon.log,"
                    + " journal/ in each)" : " (daemon.log, journal/)"));
        }
        System.exit(violations == 0 ? 0 : 1);
    }

    private static Instant until() {
        String minutes = System.getProperty("kukeon.storm.minutes", "");
        return minutes.isEmpty() ? null : Instant.now().plus(Duration.ofMinutes(Long.parseLong(minutes)));
    }
}
