package io.kukeon.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Answers many task lookups of one namespace with one list of it: the checks that come all at
 * once (a recovery's adoption, a relist) cost one containerd List of containers and tasks each
 * instead of one Get each. A lookup joins the next sweep of its namespace that has not begun, so
 * what it reads was listed after it asked; one sweep a namespace runs at a time, in a caller's
 * thread (callers are on kukeond's bounded runtime pool, the list has containerd's deadlines).
 */
public final class TaskSweeps {
    private final Function<String, List<ObservedContainer>> list;
    /** Per namespace, its newest sweep: joinable until it begins (one a namespace is kept: a realm's). */
    private final Map<String, Sweep> newest = new HashMap<>();

    /** @param list every container of a namespace that carries our labels, with its task */
    public TaskSweeps(Function<String, List<ObservedContainer>> list) {
        this.list = list;
    }

    /**
     * The container's task as a list of its namespace made after this call began shows it, or
     * null when the list does not show the container (the caller asks containerd for it alone).
     */
    public TaskInfo task(String namespace, String containerdId) {
        Sweep sweep;
        synchronized (this) {
            Sweep last = newest.get(namespace);
            if (last == null || last.begun) {
                last = new Sweep(last == null ? CompletableFuture.completedFuture(null) : last.result);
                newest.put(namespace, last);
            }
            sweep = last;
        }
        sweep.after.handle((done, error) -> null).join();   // the one before has ended, whichever way
        boolean mine;
        synchronized (this) {
            mine = !sweep.begun;
            sweep.begun = true;
        }
        if (mine) {
            try {
                Map<String, TaskInfo> tasks = new HashMap<>();
                list.apply(namespace).forEach(c -> tasks.put(c.containerdId(), c.task()));
                sweep.result.complete(tasks);
            } catch (RuntimeException e) {
                sweep.result.completeExceptionally(e);
            }
        }
        try {
            return sweep.result.join().get(containerdId);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** One list of a namespace and who waits for it; it begins once {@code after} (the one before) has ended. */
    private static final class Sweep {
        final CompletableFuture<?> after;
        final CompletableFuture<Map<String, TaskInfo>> result = new CompletableFuture<>();
        /** Guarded by the TaskSweeps' lock. */
        boolean begun;

        Sweep(CompletableFuture<?> after) {
            this.after = after;
        }
    }
}
