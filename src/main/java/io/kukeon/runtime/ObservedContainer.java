package io.kukeon.runtime;

import java.util.Map;

/** A container found in containerd, with its labels and task. */
public record ObservedContainer(String containerdId, Map<String, String> labels, TaskInfo task) {
    public ObservedContainer {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
