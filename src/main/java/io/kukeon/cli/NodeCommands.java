package io.kukeon.cli;

import io.kukeon.wire.v1.DeleteNodeRequest;
import io.kukeon.wire.v1.DeleteNodeResponse;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The fleet's nodes: {@code kuke get nodes}, {@code kuke delete node}. */
final class NodeCommands {
    private NodeCommands() {}

    @Command(name = "node", aliases = {"nodes", "no"}, mixinStandardHelpOptions = true,
            description = {"List the fleet's nodes: their state, labels, cells, and what the cells' limits reserve"
                    + " of each one's CPU and memory.", "A kukeond alone is a fleet of one node."},
            footer = {"%nExamples:",
                    "  # every node of the fleet",
                    "  kuke get nodes",
                    "  # the nodes as JSON",
                    "  kuke get nodes -o json"})
    static final class Get extends DaemonCommand {
        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
                description = "table, yaml, json, name (node/NAME) or jsonpath=TEMPLATE (default: ${DEFAULT-VALUE}).")
        Output output;

        @Override
        int run(DaemonConnection daemon) {
            List<Node> nodes = daemon.calls().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList();
            out().print(Printed.render(output, nodes.stream().map(NodeCommands::item).toList(), false,
                    () -> render(nodes, Instant.now())));
            return 0;
        }
    }

    @Command(name = "node", aliases = {"nodes", "no"}, mixinStandardHelpOptions = true,
            description = {"Forget a node the cluster downed that will not come back: its cells that no node runs"
                    + " (Lost, or waiting to move) are deleted, and it leaves the list of nodes.",
                    "Refused for a member of the fleet. A node deleted that comes back after all deletes its copies of"
                    + " those cells before it restarts anything."},
            footer = {"%nExamples:",
                    "  # node b, whose host is gone for good",
                    "  kuke delete node b",
                    "  # the nodes first: a node the cluster downed is Down",
                    "  kuke get nodes"})
    static final class Delete extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int run(DaemonConnection daemon) {
            DeleteNodeResponse r = daemon.calls().deleteNode(DeleteNodeRequest.newBuilder().setName(name).build());
            out().println("Deleted node \"" + name + "\"" + (r.getDeletedCellsCount() == 0 ? ""
                    : " and its cells " + String.join(", ", r.getDeletedCellsList())));
            return 0;
        }
    }

    static String render(List<Node> nodes, Instant now) {
        Table t = new Table(List.of("NAME", "STATUS", "LABELS", "CELLS", "CPU", "MEMORY", "AGE"));
        for (Node n : nodes) {
            t.add(List.of(n.getName(), n.getStatus(), n.getLabelsCount() == 0 ? "-" : labels(n.getLabelsMap()),
                    Integer.toString(n.getCells()),
                    cores(n.getCpuAllocatedMillis()) + "/" + cores(n.getCpuCapacityMillis()),
                    quantity(n.getMemoryAllocatedBytes()) + "/" + quantity(n.getMemoryCapacityBytes()),
                    Age.since(n.getSince(), now)));
        }
        return t.render();
    }

    private static String labels(Map<String, String> labels) {
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** Thousandths of a core as cores: 2, 1.5, 0.25. */
    static String cores(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    /** Bytes as kubectl shows a quantity: 0, 512Ki, 64Mi, 1.5Gi. */
    static String quantity(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
        BigDecimal v = BigDecimal.valueOf(bytes);
        int u = 0;
        BigDecimal kibi = BigDecimal.valueOf(1024);
        while (v.compareTo(kibi) >= 0 && u < units.length - 1) {
            v = v.divide(kibi);
            u++;
        }
        return v.setScale(1, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + units[u];
    }

    private static Printed.Item item(Node n) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", n.getName());
        doc.put("status", n.getStatus());
        doc.put("labels", new TreeMap<>(n.getLabelsMap()));
        doc.put("cells", n.getCells());
        doc.put("cpuAllocatedMillis", n.getCpuAllocatedMillis());
        doc.put("cpuCapacityMillis", n.getCpuCapacityMillis());
        doc.put("memoryAllocatedBytes", n.getMemoryAllocatedBytes());
        doc.put("memoryCapacityBytes", n.getMemoryCapacityBytes());
        doc.put("since", n.getSince());
        doc.put("address", n.getAddress());
        return new Printed.Item("node/" + n.getName(), doc);
    }
}
