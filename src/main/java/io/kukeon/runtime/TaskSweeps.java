package io.kukeon.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Answers many task lookups of one namespace with one list of it: the checks that come all at
 * once (a recovery's adoption, a relist) cost one containerd List of containers and tasks each
 * instead of one Get each. A lookup joins the next sweep of its namespace that has not begun, so
 * what it reads was listed after it asked; one sweep a namespace runs at a time. Waiting holds no
 * thread: a lookup is a future, and only the list itself runs on the executor it is given.
 */
public final class TaskSweeps {
    private final Function<String, List<ObservedContainer>> list;
    /** Per namespace, its newest sweep: joinable until it begins (one a namespace is kept: a realm's). */
    private final Map<String, Sweep> newest = new HashMap<>();

    /** @param list every container of a namespace that carries our labels, with its task (blocking) */
    public TaskSweeps(Function<String, List<ObservedContainer>> list) {
        this.list = list;
    }

    /**
     * The container's task as a list of its namespace begun after this call shows it, or null when
     * the list does not show the container (the caller asks containerd for it alone).
     *
     * @param executor where the list runs (kukeond's bounded runtime pool)
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
        }
        return sweep.result.thenApply(tasks -> tasks.get(containerdId));
    }

    private void run(String namespace, Sweep sweep) {
        synchronized (this) {
            sweep.begun = true;   // from here on, a new lookup waits for the next sweep
        }
        try {
            Map<String, TaskInfo> tasks = new HashMap<>();
            list.apply(namespace).forEach(c -> tasks.put(c.containerdId(), c.task()));
            sweep.result.complete(tasks);
        } catch (RuntimeException e) {
            sweep.result.completeExceptionally(e);
        }
    }

    /** One list of a namespace and who waits for it. */
    private static final class Sweep {
        final CompletableFuture<Map<String, TaskInfo>> result = new CompletableFuture<>();
        /** Guarded by the TaskSweeps' lock. */
        boolean begun;
    }
}
