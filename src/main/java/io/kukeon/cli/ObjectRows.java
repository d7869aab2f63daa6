package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.ObjectDoc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The table columns of each kind, as the reference prints them: realm {@code NAME STATE AGE}
 * (+{@code NAMESPACE}), space {@code NAME REALM STATE AGE} (+{@code EGRESS}: the default of its egress
 * policy and how many targets it allows, {@code allow}, {@code deny+2}), stack {@code NAME REALM SPACE STATE AGE},
 * cell {@code NAME REALM SPACE STACK STATE AGE} (+{@code CONTAINERS CGROUP IP}), container
 * {@code NAME REALM SPACE STACK CELL STATE RESTARTS AGE} (+{@code IMAGE EXIT PID}). {@code IP} is ours,
 * last so that the reference's columns keep their places. From a fleet, {@code NODE} follows {@code AGE}.
 */
final class ObjectRows {
    private static final List<String> PARENTS = List.of("REALM", "SPACE", "STACK", "CELL");

    private ObjectRows() {}

    /** Whether the rows name their nodes: the objects come from a fleet. */
    static boolean fromFleet(List<ObjectDoc> docs) {
        return docs.stream().anyMatch(d -> !d.getNode().isEmpty());
    }

    static List<String> headers(Kind kind, boolean wide, boolean nodes) {
        List<String> h = new ArrayList<>();
        h.add("NAME");
        h.addAll(PARENTS.subList(0, kind.depth()));
        h.add("STATE");
        if (kind == Kind.CONTAINER) {
            h.add("RESTARTS");
        }
        h.add("AGE");
        if (nodes) {
            h.add("NODE");
        }
        if (wide) {
            switch (kind) {
                case REALM -> h.add("NAMESPACE");
                case SPACE -> h.add("EGRESS");
                case CELL -> h.addAll(List.of("CONTAINERS", "CGROUP", "IP", "SYNC"));
                case CONTAINER -> h.addAll(List.of("IMAGE", "EXIT", "PID"));
                default -> { }
            }
        }
        return h;
    }

    static List<String> row(ObjectDoc d, Kind kind, boolean wide, boolean nodes, Instant now) {
        String[] path = d.getPath().split("/", -1);
        List<String> r = new ArrayList<>();
        r.add(path[path.length - 1]);
        for (int i = 0; i < kind.depth(); i++) {
            r.add(i < path.length - 1 ? path[i] : "-");
        }
        r.add(dash(d.getStatus().getState()));
        ContainerStatus cs = d.getStatus().getContainer();
        if (kind == Kind.CONTAINER) {
            r.add(String.valueOf(cs.getRestartCount()));
        }
        String created = d.getStatus().getCreatedAt();
        r.add(Age.since(created.isEmpty() && kind == Kind.CONTAINER ? cs.getStartTime() : created, now));
        if (nodes) {
            r.add(dash(d.getNode()));
        }
        if (wide) {
            switch (kind) {
                case REALM -> r.add(dash(d.getStatus().getNamespace()));
                case SPACE -> r.add(SpecMapping.fromProto(d.getSpace()).egress().summary());
                case CELL -> {
                    r.add(containers(d));
                    r.add(dash(d.getStatus().getCgroup().getPath()));
                    r.add(dash(d.getStatus().getNetwork().getAddress()));
                    r.add(!d.getStatus().hasSync() ? "-" : d.getStatus().getSync().getOutOfSync() ? "OutOfSync" : "Synced");
                }
                case CONTAINER -> {
                    r.add(dash(cs.getImage().isEmpty() ? d.getContainer().getImage() : cs.getImage()));
                    r.add(cs.hasExitCode() ? String.valueOf(cs.getExitCode()) : "-");
                    r.add(cs.getPid() > 0 ? String.valueOf(cs.getPid()) : "-");
                }
                default -> { }
            }
        }
        return r;
    }

    /** {@code ready/total}: containers running over containers the cell has. */
    private static String containers(ObjectDoc d) {
        long ready = d.getStatus().getContainersList().stream().filter(c -> c.getState().equals("Ready")).count();
        int total = Math.max(d.getCell().getContainersCount(), d.getStatus().getContainersCount());
        return ready + "/" + total;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
