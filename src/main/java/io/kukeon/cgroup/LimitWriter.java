package io.kukeon.cgroup;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Carries out a {@link LimitPlan}: writes what differs from the files' current content, in the plan's order. */
final class LimitWriter {
    private LimitWriter() {}

    static void apply(GroupView view, LimitPlan plan) {
        for (LimitPlan.Write w : plan.writes()) {
            // a reset of a file that is not there has nothing to undo (a stand-in file never written)
            if (!w.requested() && !view.has(w.controller(), w.file())) {
                continue;
            }
            if (w instanceof LimitPlan.Value v) {
                if (!v.value().equals(view.read(v.controller(), v.file()))) {
                    write(view, w, v.value());
                }
            } else if (w instanceof LimitPlan.DeviceLines d) {
                Map<String, String> current = lines(view.read(d.controller(), d.file()));
                for (Map.Entry<String, String> e : d.lines().entrySet()) {
                    if (!e.getValue().equals(current.get(e.getKey()))) {
                        write(view, w, e.getKey() + " " + e.getValue());
                    }
                }
                for (String device : current.keySet()) {
                    if (!d.lines().containsKey(device) && !d.reset().equals(current.get(device))) {
                        write(view, w, device + " " + d.reset());
                    }
                }
            }
        }
    }

    /** {@code MAJ:MIN rest} lines by device. */
    static Map<String, String> lines(String content) {
        Map<String, String> byDevice = new LinkedHashMap<>();
        if (content == null) {
            return byDevice;
        }
        for (String line : content.split("\n")) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length == 2 && parts[0].matches("\\d+:\\d+")) {
                byDevice.put(parts[0], parts[1]);
            }
        }
        return byDevice;
    }

    private static void write(GroupView view, LimitPlan.Write w, String value) {
        try {
            view.write(w.controller(), w.file(), value);
        } catch (IOException e) {
            throw new CgroupFailureException("resources." + w.field() + ": the kernel refused \"" + value + "\" in "
                    + view.path(w.controller(), w.file()) + ": " + ConfinedHierarchy.reason(e), e);
        }
    }
}
