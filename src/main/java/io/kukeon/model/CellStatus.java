package io.kukeon.model;

import java.time.Instant;
import java.util.List;

/**
 * Status of a cell.
 *
 * @param readyObserved the cell has been Ready at least once since its last start (a one-way latch)
 * @param network       its address on its space's network; null while it has none (not running)
 * @param sync          for a cell made from a CellConfig, whether it is what the config makes now; else null
 */
public record CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                         List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                         Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration,
                         TemplateSync sync) {
    public CellStatus {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** A cell's status without a template's verdict (one not made from a config, or not checked yet). */
    public CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                      List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                      Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration) {
        this(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt, readyAt,
                observedGeneration, null);
    }

    public CellStatus withSync(TemplateSync verdict) {
        return new CellStatus(state, reason, message, cgroup, containers, readyObserved, network, createdAt, updatedAt,
                readyAt, observedGeneration, verdict);
    }
}
