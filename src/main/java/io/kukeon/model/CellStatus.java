package io.kukeon.model;

import java.time.Instant;
import java.util.List;

/**
 * Status of a cell.
 *
 * @param readyObserved the cell has been Ready at least once since its last start (a one-way latch)
 * @param network       its address on its space's network; null while it has none (not running)
 * @param sync          for a cell made from a CellConfig, whether it is what the config makes now; else null
 * @param bringUpDue    while the verdict on its last start's bring-up is still to come, when it is due
 *                      (its workloads must run until then, or have exited 0); else null
 */
public record CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                         List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                         Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration,
                         TemplateSync sync, Instant bringUpDue) {
    public CellStatus {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    public CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                      List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                      Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration, TemplateSync sync) {
        this(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt, readyAt,
                observedGeneration, sync, null);
    }

    /** A cell's status without a template's verdict (one not made from a config, or not checked yet). */
    public CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                      List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                      Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration) {
        this(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt, readyAt,
                observedGeneration, null, null);
    }

    public CellStatus withSync(TemplateSync verdict) {
        return new CellStatus(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt,
                readyAt, observedGeneration, verdict, bringUpDue);
    }

    public CellStatus withBringUpDue(Instant due) {
        return new CellStatus(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt,
                readyAt, observedGeneration, sync, due);
    }
}
