package io.kukeon.model;

import java.time.Instant;
import java.util.List;

/**
 * Status of a cell.
 *
 * @param readyObserved the cell has been Ready at least once since its last start (a one-way latch)
 * @param network       its address on its space's network; null while it has none (not running)
 */
public record CellStatus(CellState state, String reason, String message, GroupStatus cgroup,
                         List<ContainerStatus> containers, boolean readyObserved, CellNetworkStatus network,
                         Instant createdAt, Instant updatedAt, Instant readyAt, long observedGeneration) {
    public CellStatus {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
