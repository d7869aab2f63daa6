package io.kukeon.runtime;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Answers many task lookups of one namespace with one list of it: the checks that come all at
 * once (a recovery's adoption, a relist) cost one containerd List of tasks each instead of one
 * Get each. A lookup joins the next sweep of its namespace that has not begun, so what it reads
 * was listed after it asked; one sweep a namespace runs at a time. Waiting holds no thread: a
 * lookup is a future, and only the lists themselves run on the executor it is given.
 *
 * <p>The containers are listed only when a lookup's container has no task in the list (to tell
 * a container without a task from one that is gone): a container's record carries its whole OCI
 * spec, and reading 200 of them was half of what an adoption's sweep cost.
 */
public final class TaskSweeps {
    private final Function<String, Map<String, TaskInfo>> tasks;
    private final Function<String, Set<String>> containers;
    /** Per namespace, its newest sweep: joinable until it begins (one a namespace is kept: a realm's). */
    private final Map<String, Sweep> newest = new HashMap<>();

    /**
     * @param tasks      every task of a namespace by its container's id (blocking)
     * @param containers the ids of every container of a namespace that carries our labels (blocking)
     */
    public TaskSweeps(Function<String, Map<String, TaskInfo>> tasks, Function<String, Set<String>> containers) {
        this.tasks = tasks;
        this.containers = containers;
    }

    /**
     * The container's task as lists of its namespace begun after this call show it ({@link
     * TaskInfo#NO_TASK} for a container without one), or null when the lists do not show the
     * container (the caller asks containerd for it alone).
     *
     * @param executor where the lists run (kukeond's bounded runtime pool)
     */
    public CompletableFuture<TaskInfo> task(String namespace, String containerdId, Executor executor) {
        Sweep sweep;
        synchronized (this) {
            sweep = newest.get(namespace);
            if (sweep == null || sweep.begun) {
                CompletableFuture<?> before = sweep == null ? CompletableFuture.completedFuture(null) : sweep.result;
                Sweep next = new Sweep();
                newest.put(namespace, next);
                before.handle((done, error) -> null).thenRunAsync(() -> run(namespace, next), executor)
                        .exceptionally(rejected -> {   // the executor refused it: its waiters learn why
                            next.result.completeExceptionally(rejected);
                            return null;
                        });
                sweep = next;
            }
            sweep.asked.add(containerdId);
        }
        return sweep.result.thenApply(found -> found.get(containerdId));
    }

    private void run(String namespace, Sweep sweep) {
        Set<String> asked;
        synchronized (this) {
            sweep.begun = true;   // from here on, a new lookup waits for the next sweep
            asked = sweep.asked;
        }
        try {
            Map<String, TaskInfo> found = new HashMap<>(tasks.apply(namespace));
            Set<String> withoutTask = new HashSet<>(asked);
            withoutTask.removeAll(found.keySet());
            if (!withoutTask.isEmpty()) {
                Set<String> listed = containers.apply(namespace);
                withoutTask.stream().filter(listed::contains).forEach(id -> found.put(id, TaskInfo.NO_TASK));
            }
            sweep.result.complete(found);
        } catch (RuntimeException e) {
            sweep.result.completeExceptionally(e);
        }
    }

    /** One list of a namespace and who waits for it. */
    private static final class Sweep {
        final CompletableFuture<Map<String, TaskInfo>> result = new CompletableFuture<>();
        /** The containers looked up; guarded by the TaskSweeps' lock, read once the sweep has begun. */
        final Set<String> asked = new HashSet<>();
        /** Guarded by the TaskSweeps' lock. */
        boolean begun;
    }
}
