package io.kukeon.supervisor.cell;

import io.kukeon.model.UnavailableException;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.HostIds;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cell and its containers as the API shows them: the cell's record, and what each container last
 * reported (a container that has not reported yet shows NotCreated).
 */
final class CellView {
    private final ObjectPath path;
    private final HostIds ids;

    CellView(ObjectPath path, HostIds ids) {
        this.path = path;
        this.ids = ids;
    }

    static Map<String, ContainerStatus> statuses(Map<String, TreeObject.Container> reports) {
        Map<String, ContainerStatus> statuses = new HashMap<>();
        reports.forEach((name, container) -> statuses.put(name, container.status()));
        return statuses;
    }

    /** The cell, or one of its containers as it last reported. */
    TreeObject of(CellRecord state, ObjectPath target, Map<String, TreeObject.Container> reports, boolean runtimeDown,
                  Instant verdictDue) {
        if (target.equals(path)) {
            return cell(state, reports, runtimeDown, null, verdictDue);
        }
        TreeObject.Container reported = reports.get(target.name());
        return reported != null ? reported : new TreeObject.Container(target, new Metadata(target.name(), Map.of(), 0),
                state.spec().container(target.name()), notCreated(target.name()));
    }

    /** @param verdictDue the end of the bring-up window whose verdict is still to come (null: none) */
    TreeObject.Cell cell(CellRecord s, Map<String, TreeObject.Container> reports, boolean runtimeDown,
                         GroupStatus.Usage usage, Instant verdictDue) {
        Map<String, ContainerStatus> reported = statuses(reports);
        List<ContainerStatus> containers = new ArrayList<>();
        for (ContainerSpec c : s.spec().containers()) {
            ContainerStatus st = reported.get(c.id());
            containers.add(st != null ? st : notCreated(c.id()));
        }
        GroupStatus cgroup = s.cgroup() == null ? GroupStatus.missing(ids.cgroup(path).toString()) : s.cgroup();
        CellState shown = CellStateRules.display(s, reported, runtimeDown);
        String reason = s.reason();
        String message = s.message();
        if (shown == CellState.Unknown && runtimeDown) {
            reason = UnavailableException.RUNTIME_UNAVAILABLE;
            message = "containerd does not answer; the state is not known"
                    + (s.activity() == CellRecord.Activity.STOPPING || s.activity() == CellRecord.Activity.DELETING
                    ? "; the " + (s.activity() == CellRecord.Activity.STOPPING ? "stop" : "delete")
                    + " is recorded and is carried out when it answers again" : "");
        }
        CellStatus status = new CellStatus(shown, reason, message, usage == null ? cgroup : cgroup.withUsage(usage),
                containers, s.run().readyObserved(), s.run().network(), s.times().createdAt(), s.times().updatedAt(), s.times().readyAt(),
                s.generations().observed()).withBringUpDue(verdictDue);
        return new TreeObject.Cell(path, new Metadata(path.name(), s.labels(), s.annotations(), s.generations().current()), s.spec(), status);
    }

    private ContainerStatus notCreated(String name) {
        return ContainerStatus.notCreated(name, ids.containerdId(path.child(name)));
    }
}
