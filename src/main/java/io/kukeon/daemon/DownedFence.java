package io.kukeon.daemon;

import io.kukeon.fleet.Fleet;
import io.kukeon.model.HostIds;
import io.kukeon.model.Kind;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.StopOptions;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.RestartGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What a member does when the cluster has downed it, before it stops: the other side of the
 * partition runs its cells that may move elsewhere once it has been away for failover-after, so it
 * holds its restarts back and stops those cells' containers here (SIGTERM, SIGKILL after the stop
 * timeout). Nothing is journaled: started again, it restarts them only if, once it has joined, the
 * fleet did not move them (see RestartGate). Cells that do not move keep running.
 */
final class DownedFence {
    private static final Logger LOG = LoggerFactory.getLogger(DownedFence.class);

    private DownedFence() {}

    static CompletableFuture<Void> stopMovingCells(ObjectIndex index, ContainerRuntime runtime, HostIds ids,
                                                   RestartGate restarts, Duration stopTimeout, Executor pool) {
        restarts.close();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        int cells = 0;
        for (TreeObject o : index.list(Kind.CELL, null, labels -> true)) {
            TreeObject.Cell cell = (TreeObject.Cell) o;
            if (!Fleet.moves(cell)) {
                continue;
            }
            cells++;
            String realm = cell.path().realm();
            String namespace = index.get(io.kukeon.model.ObjectPath.of(realm))
                    .map(r -> ((TreeObject.Realm) r).spec().namespaceOn(ids, realm)).orElseGet(() -> ids.namespace(realm));
            for (TreeObject c : index.list(Kind.CONTAINER, cell.path(), labels -> true)) {
                String id = ids.containerdId(c.path());
                stops.add(CompletableFuture.runAsync(() -> runtime.stop(namespace, id, StopOptions.graceful(stopTimeout)), pool)
                        .exceptionally(failed -> {
                            LOG.warn("container {} could not be stopped as this downed node leaves: {}", c.path(), failed.toString());
                            return null;
                        }));
            }
        }
        if (cells > 0) {
            LOG.info("the cluster downed this node: the containers of its {} cell(s) that the fleet runs elsewhere are"
                    + " stopped here", cells);
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }
}
