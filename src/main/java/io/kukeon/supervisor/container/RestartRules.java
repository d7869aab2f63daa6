package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.RestartPolicy;
import io.kukeon.supervisor.TreeSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What follows a container's exit under its restart policy: the reference's rules, in one place. */
final class RestartRules {
    /** Restarts allowed under on-failure when the spec names no limit (the reference's default). */
    static final int DEFAULT_MAX_RETRIES = 5;

    private RestartRules() {}

    /**
     * A restart scheduled (with its backoff), restarts given up, or nothing (the policy does not
     * restart this exit, the container was stopped, or the exit fell in its cell's bring-up: the
     * cell fails then, rather than the policy restarting it into a loop).
     *
     * @param exitedAt when the task exited; a run that lasted {@code resetAfter} starts the backoff over
     */
    static Optional<ContainerEvent> afterExit(ContainerRecord state, int exitCode, Instant exitedAt,
                                              TreeSettings.RestartBackoff backoff, Instant now) {
        ContainerSpec spec = state.spec();
        RestartPolicy policy = spec.restartPolicy();
        if (!state.wantRunning() || !policy.restartsAfter(exitCode)
                || state.restarts().heldAt(state.task().startedAt(), exitedAt)) {
            return Optional.empty();
        }
        int attempt = backoff.attemptAfter(state.restarts().attempt(), state.task().startedAt(), exitedAt);
        int max = spec.restartMaxRetries() != null ? spec.restartMaxRetries() : DEFAULT_MAX_RETRIES;
        if (policy == RestartPolicy.ON_FAILURE && attempt > max) {
            return Optional.of(new ContainerEvent.RestartsExhausted(attempt - 1, now));
        }
        Duration initial = spec.restartBackoffSeconds() == null ? null : Duration.ofSeconds(spec.restartBackoffSeconds());
        return Optional.of(new ContainerEvent.RestartScheduled(attempt, now.plus(backoff.delayBefore(attempt, initial)), now));
    }
}
