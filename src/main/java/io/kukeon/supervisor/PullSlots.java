package io.kukeon.supervisor;

import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most {@link Limits#perRegistry} pulls from one registry host at a time; the others wait
 * their turn without holding a thread, in a queue of bounded length and for a bounded time, and
 * their progress says so. A registry that hangs then holds its own slots and nothing else.
 */
public final class PullSlots {
    /** Kind of the failure of a pull that found no slot in time, or no room in the queue. */
    public static final String REGISTRY_BUSY = "RegistryBusy";

    /**
     * @param perRegistry pulls from one registry host that run at once
     * @param queueLength pulls from one registry host that may wait for a slot; beyond it a pull fails at once
     * @param maxWait     a pull that waited this long for a slot fails
     */
    public record Limits(int perRegistry, int queueLength, Duration maxWait) {
        public Limits {
            if (perRegistry < 1 || queueLength < 0 || maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("pull slots: perRegistry >= 1, queueLength >= 0, maxWait > 0; got "
                        + perRegistry + ", " + queueLength + ", " + maxWait);
            }
        }

        public static Limits defaults() {
            return new Limits(4, 256, Duration.ofMinutes(10));
        }
    }

    /** A pull waiting for a slot; compared by identity. */
    private static final class Waiting {
        final Runnable start;
        final PullProgress progress;

        Waiting(Runnable start, PullProgress progress) {
            this.start = start;
            this.progress = progress;
        }
    }

    /** One registry host's slots: guarded by the {@link PullSlots} that holds it. */
    private static final class Registry {
        int running;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    }

    private final Limits limits;
    private final Map<String, Registry> registries = new HashMap<>();

    public PullSlots(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Runs {@code pull} on {@code pool} once a slot of {@code registry} is free. A pull that has to
     * wait tells {@code progress} so, and when its turn comes, that it runs (0 of a size not known yet).
     * Cancelling the future returned gives up a wait for a slot; a pull that runs already runs on.
     */
    public <T> CompletableFuture<T> run(String registry, Supplier<T> pull, Executor pool, PullProgress progress) {
        String host = registry.toLowerCase(Locale.ROOT);
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> startOn(pool, pull, host, result);
        Waiting queued;
        synchronized (this) {
            Registry r = registries.computeIfAbsent(host, h -> new Registry());
            if (r.running < limits.perRegistry()) {
                r.running++;
                queued = null;
            } else if (r.waiting.size() >= limits.queueLength()) {
                return CompletableFuture.failedFuture(new RuntimeFailure(REGISTRY_BUSY, "registry " + registry + " is busy: "
                        + r.running + " pulls from it run and " + r.waiting.size() + " wait already; try again later"));
            } else {
                queued = new Waiting(start, progress);
                // told under the lock, so that it is told before its turn comes
                progress.waiting("waiting for one of " + limits.perRegistry() + " pull slots of registry " + registry
                        + " (" + r.waiting.size() + " ahead)");
                r.waiting.add(queued);
            }
        }
        if (queued == null) {
            start.run();
            return result;
        }
        CompletableFuture.delayedExecutor(limits.maxWait().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> giveUp(host, queued, result, registry));
        // whoever waits for it may give up (a client that went away): its place in the queue goes too
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                leaveQueue(host, queued);
            }
        });
        return result;
    }

    /** Whether {@code queued} was still waiting (and is not any more); false once it has its slot. */
    private synchronized boolean leaveQueue(String host, Waiting queued) {
        Registry r = registries.get(host);
        return r != null && r.waiting.remove(queued);
    }

    private void giveUp(String host, Waiting queued, CompletableFuture<?> result, String registry) {
        if (!leaveQueue(host, queued)) {
            return;   // it got its slot, or was cancelled
        }
        result.completeExceptionally(new RuntimeFailure(REGISTRY_BUSY, "waited " + readable(limits.maxWait())
                + " for one of " + limits.perRegistry() + " pull slots of registry " + registry
                + ": the pulls before it have not finished"));
    }

    /** A wait as the messages of pulls say it: {@code 10 s}, {@code 500 ms}. */
    public static String readable(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void release(String host) {
        Waiting next;
        synchronized (this) {
            Registry r = registries.get(host);
            next = r.waiting.poll();
            if (next == null) {
                r.running--;
                if (r.running == 0) {
                    registries.remove(host);
                }
            }
        }
        if (next != null) {
            next.progress.bytes(0, 0);   // it waits no more
            next.start.run();            // the slot passes on
        }
    }

    private <T> void startOn(Executor pool, Supplier<T> pull, String host, CompletableFuture<T> result) {
        CompletableFuture.supplyAsync(pull, pool).whenComplete((value, error) -> {
            release(host);
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }
}
