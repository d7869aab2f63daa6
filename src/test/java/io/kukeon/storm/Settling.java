package io.kukeon.storm;

import io.kukeon.model.ObjectPath;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.ObjectDoc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Waits until a restarted daemon has reconciled: no object is still being created, provisioned,
 * started, stopped or deleted, every object the clients know exists has been recovered, and three
 * looks in a row (over more than the 1 s stop timeout) find the same.
 */
final class Settling {
    static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration PAUSE = Duration.ofMillis(600);

    private Settling() {}

    /** The settled observation; when the daemon does not settle in time, the last one and a violation saying so. */
    static Observation await(Callable<Observation> look, Expectations model, List<String> violations) throws Exception {
        Instant deadline = Instant.now().plus(LIMIT);
        Observation previous = null;
        int same = 0;
        while (true) {
            Observation now = look.call();
            List<String> moving = moving(now, model);
            same = moving.isEmpty() && previous != null && previous.fingerprint().equals(now.fingerprint()) ? same + 1 : 0;
            if (same >= 2) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                violations.add("did not settle within " + LIMIT.toSeconds() + " s: " + (moving.isEmpty()
                        ? "the state kept changing" : String.join("; ", moving)));
                return now;
            }
            previous = now;
            Thread.sleep(PAUSE.toMillis());
        }
    }

    /** What is visibly still in progress. */
    static List<String> moving(Observation o, Expectations model) {
        List<String> out = new ArrayList<>();
        Set<String> listed = o.listed().stream().map(ObjectDoc::getPath).collect(Collectors.toSet());
        for (ObjectPath p : model.paths()) {
            if (model.surelyExists(p) && !listed.contains(p.toString())) {
                out.add(p + " not recovered yet");
            }
        }
        for (ObjectDoc d : o.listed()) {
            String state = d.getStatus().getState();
            if (d.getMetadata().getGeneration() != d.getStatus().getObservedGeneration() && !d.getKind().equals("Container")) {
                out.add(d.getKind() + " " + d.getPath() + " provisioning generation " + d.getMetadata().getGeneration());
            }
            if (state.equals("Creating") || state.equals("Deleting") || d.getKind().equals("Cell") && state.equals("Unknown")) {
                out.add(d.getKind() + " " + d.getPath() + " " + state);
            }
            for (ContainerStatus c : d.getStatus().getContainersList()) {
                if (c.getState().equals("Pending") || c.getState().equals("Unknown")
                        || state.equals("Stopped") && c.getState().equals("Ready")) {
                    out.add("Cell " + d.getPath() + " " + state + " with container " + c.getName() + " " + c.getState());
                }
            }
        }
        Map<String, TaskInfo.Status> tasks = new HashMap<>();
        o.containerd().forEach((realm, list) -> {
            for (ObservedContainer c : list) {
                tasks.put(realm + "/" + c.containerdId(), c.task().status());
            }
        });
        for (ObjectDoc d : o.of("Container")) {
            ContainerStatus s = d.getStatus().getContainer();
            boolean running = tasks.get(ObjectPath.parse(d.getPath()).realm() + "/" + s.getContainerdId())
                    == TaskInfo.Status.RUNNING;
            if (s.getState().equals("Ready") != running) {
                out.add("Container " + d.getPath() + " " + s.getState() + " while its task is " + (running ? "" : "not ")
                        + "running");
            }
        }
        return out;
    }
}
