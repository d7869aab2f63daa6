package io.kukeon.cgroup;

import io.kukeon.model.GroupStatus.NotApplied;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The writes that make a group's files say what its resources ask, in order, and what cannot be said here. */
final class LimitPlan {

    /** One file to write. {@code requested}: false when it resets a limit nobody asks for (any more) to its default. */
    sealed interface Write {
        String field();

        String controller();

        String file();

        boolean requested();
    }

    /** A file holding one value. */
    record Value(String field, String controller, String file, String value, boolean requested) implements Write {}

    /**
     * A file holding one line per device ({@code io.max}, {@code blkio.throttle.*}), written one device per
     * write(2). {@code lines} maps {@code MAJ:MIN} to the rest of its line; a device the file lists but
     * {@code lines} does not gets {@code reset}, which removes its limit.
     */
    record DeviceLines(String field, String controller, String file, Map<String, String> lines, String reset,
                       boolean requested) implements Write {
        DeviceLines {
            lines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lines));
        }
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<NotApplied> notApplied = new ArrayList<>();

    void value(String field, String controller, String file, String value, boolean requested) {
        writes.add(new Value(field, controller, file, value, requested));
    }

    void deviceLines(String field, String controller, String file, Map<String, String> lines, String reset) {
        writes.add(new DeviceLines(field, controller, file, lines, reset, !lines.isEmpty()));
    }

    void notApplied(String field, String reason) {
        notApplied.add(new NotApplied(field, reason));
    }

    /** Records {@code field} as not applied when it was asked for and the controller cannot carry it; true when it can. */
    boolean available(GroupView view, String controller, String field, boolean requested) {
        String why = view.whyUnavailable(controller);
        if (why != null && requested) {
            notApplied(field, why);
        }
        return why == null;
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    List<NotApplied> notApplied() {
        return List.copyOf(notApplied);
    }
}
