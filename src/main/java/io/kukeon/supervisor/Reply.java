package io.kukeon.supervisor;

import io.kukeon.model.TreeObject;

import java.util.List;

/**
 * The answer to a {@link Request}.
 *
 * @param object  the object as it is after the operation (null once deleted)
 * @param deleted paths removed by a delete, deepest first
 */
public record Reply(TreeObject object, Outcome outcome, List<String> deleted) {

    public enum Outcome { CREATED, UPDATED, UNCHANGED, DONE, DELETED }

    public Reply {
        deleted = deleted == null ? List.of() : List.copyOf(deleted);
    }

    public static Reply of(TreeObject object, Outcome outcome) {
        return new Reply(object, outcome, List.of());
    }

    public static Reply deleted(List<String> paths) {
        return new Reply(null, Outcome.DELETED, paths);
    }
}
