package io.kukeon.storm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The kill -9 storm as a long run outside JUnit, for scripts/storm.sh: args TRIALS (default 100)
 * and SEED (default random); {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive}.
 * Exits 1 when any trial found a violation.
 */
public final class StormMain {
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : new Random().nextLong();
        System.setProperty("kukeon.requireReal", "true");
        Path dataDir = Files.createTempDirectory("kukeon-storm");
        int violations = KillStorm.run(dataDir, trials, seed, System.out).stream()
                .mapToInt(t -> t.violations().size()).sum();
        if (violations == 0) {
            io.kukeon.testing.TempDirs.deleteRecursively(dataDir);
        } else {
            System.out.println("kept for a look: " + dataDir + " (daemon.log, journal/)");
        }
        System.exit(violations == 0 ? 0 : 1);
    }
}
