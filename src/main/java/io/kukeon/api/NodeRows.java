package io.kukeon.api;

import io.kukeon.fleet.NodeView;
import io.kukeon.wire.v1.ListNodesResponse;
import io.kukeon.wire.v1.Node;

import java.time.Instant;
import java.util.List;

/** The fleet's nodes on the wire. */
final class NodeRows {
    private NodeRows() {}

    static ListNodesResponse response(List<NodeView> nodes) {
        ListNodesResponse.Builder out = ListNodesResponse.newBuilder();
        for (NodeView n : nodes) {
            out.addNodes(Node.newBuilder().setName(n.name()).setStatus(n.status()).putAllLabels(n.labels())
                    .setCells(n.load().cells()).setCpuAllocatedMillis(n.load().cpuMillis())
                    .setCpuCapacityMillis(n.capacity().cpuMillis()).setMemoryAllocatedBytes(n.load().memoryBytes())
                    .setMemoryCapacityBytes(n.capacity().memoryBytes())
                    .setSince(Instant.ofEpochMilli(n.sinceMillis()).toString()).setAddress(n.address()));
        }
        return out.build();
    }
}
