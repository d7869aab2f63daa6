package io.kukeon.supervisor;

import io.kukeon.model.ContainerLogs;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Tunables of the tree.
 *
 * @param snapshotEvery  snapshot an actor's state every N events
 * @param stopTimeout    wait after SIGTERM before SIGKILL, when a stop names none
 * @param startupGrace   a workload that is not running this long after its start failed to start
 * @param logDir         container logs live under it, one directory per container
 * @param cellsDir       each cell's own files (its /etc/hosts, …) live under it, one directory per cell
 * @param restartBackoff the restart policy's delays
 * @param failureInjection honour {@link Notice.InjectedFailure} (tests only)
 * @param logDefaults    how a container's log rotates when its spec leaves it to kukeond (both set)
 */
public record TreeSettings(int snapshotEvery, Duration stopTimeout, Duration startupGrace, Path logDir, Path cellsDir,
                           RestartBackoff restartBackoff, boolean failureInjection, ContainerLogs logDefaults) {

    /** The directory of one cell's own files. */
    public Path cellDir(io.kukeon.model.ObjectPath cell) {
        Path dir = cellsDir;
        for (String segment : cell.segments()) {
            dir = dir.resolve(segment);
        }
        return dir;
    }

    /**
     * @param initial    delay before the second restart (the first one is immediate)
     * @param max        the delay doubles up to this cap
     * @param resetAfter a container that ran this long without exiting starts over at the first delay
     */
    public record RestartBackoff(Duration initial, Duration max, Duration resetAfter) {
        /**
         * The number of the restart after a run from {@code startedAt} to {@code exitedAt}: one that
         * lasted {@code resetAfter} starts over at 1, else the run of failures goes on ({@code previous} + 1).
         */
        public int attemptAfter(int previous, Instant startedAt, Instant exitedAt) {
            Duration ran = startedAt == null || exitedAt == null ? Duration.ZERO : Duration.between(startedAt, exitedAt);
            return ran.compareTo(resetAfter) >= 0 ? 1 : previous + 1;
        }

        /** The delay before restart number {@code attempt} (1-based): 0, then initial, doubling to max. */
        public Duration delayBefore(int attempt, Duration initialOverride) {
            if (attempt <= 1) {
                return Duration.ZERO;
            }
            Duration first = initialOverride != null ? initialOverride : initial;
            long millis = first.toMillis();
            for (int i = 2; i < attempt && millis < max.toMillis(); i++) {
                millis *= 2;
            }
            return Duration.ofMillis(Math.min(millis, max.toMillis()));
        }
    }
}
