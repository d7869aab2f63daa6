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
import java.util.function.Function;
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
        return await(look, o -> moving(o, model), Observation::fingerprint, violations);
    }

    /** The same for any kind of look (e.g. a fleet's): what it shows still moving, and its fingerprint. */
    static <T> T await(Callable<T> look, Function<T, List<String>> moving, Function<T, String> fingerprint,
                       List<String> violations) throws Exception {
        Instant deadline = Instant.now().plus(LIMIT);
        T previous = null;
        int same = 0;
        while (true) {
            T now = look.call();
            List<String> stillMoving = moving.apply(now);
            same = stillMoving.isEmpty() && previous != null && fingerprint.apply(previous).equals(fingerprint.apply(now))
                    ? same + 1 : 0;
            if (same >= 2) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                violations.add("did not settle within " + LIMIT.toSeconds() + " s: " + (stillMoving.isEmpty()
                        ? "the state kept changing" : String.join("; ", stillMoving)));
                return now;
            }
            previous = now;
            Thread.sleep(PAUSE.toMillis());
        }
    }

    /** What is visibly still in progress. */
    static List<String> moving(Observation o, Expectations model) {
        List<String> out = notRecovered(o.listed(), model);
        out.addAll(inProgress(o));
        return out;
    }

    /** The objects the clients know exist that {@code listed} does not show yet. */
    static List<String> notRecovered(List<ObjectDoc> listed, Expectations model) {
        List<String> out = new ArrayList<>();
        Set<String> paths = listed.stream().map(ObjectDoc::getPath).collect(Collectors.toSet());
        for (ObjectPath p : model.paths()) {
            if (model.surelyExists(p) && !paths.contains(p.toString())) {
                out.add(p + " not recovered yet");
            }
        }
        return out;
    }

    /** What one daemon's objects and its host show still in progress. */
    static List<String> inProgress(Observation o) {
        List<String> out = new ArrayList<>();
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
