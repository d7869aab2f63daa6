package io.kukeon.supervisor.container;

import io.kukeon.model.ObjectPath;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The lines kukeond's log gets for what an operator cares about in a container's life: one line
 * for each exit (with its code, or the OOM kill), each restart owed and its delay, a start that
 * failed, restarts given up, and a task adopted after kukeond itself restarted. Written once
 * the event is in the journal, so the log never tells what the journal could lose.
 */
final class LifecycleLog {
    private LifecycleLog() {}

    static void written(Logger log, ObjectPath container, List<ContainerEvent> events) {
        for (ContainerEvent event : events) {
            written(log, container, event);
        }
    }

    static void written(Logger log, ObjectPath container, ContainerEvent event) {
        if (event instanceof ContainerEvent.TaskExited e) {
            if (e.oomKilled()) {
                log.warn("container {} was OOM-killed (exit code {})", container, e.exitCode());
            } else if (e.exitCode() < 0) {
                log.warn("container {}: its task disappeared without an exit status", container);
            } else {
                log.info("container {} exited with code {}", container, e.exitCode());
            }
        } else if (event instanceof ContainerEvent.RestartScheduled e) {
            long seconds = Math.max(0, Duration.between(Instant.now(), e.due()).toSeconds());
            log.info("container {} restarts in {}s (restart {} of this run of failures)", container, seconds, e.attempt());
        } else if (event instanceof ContainerEvent.RestartsExhausted e) {
            log.warn("container {} gave up after {} restarts", container, e.attempts());
        } else if (event instanceof ContainerEvent.StartFailed e) {
            log.warn("container {} did not start: {}: {}", container, e.reason(), e.message());
        }
    }

    static void adopted(Logger log, ObjectPath container, Integer pid) {
        log.info("container {} adopted, still running as pid {}", container, pid);
    }
}
