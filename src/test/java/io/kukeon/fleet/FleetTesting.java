package io.kukeon.fleet;

import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.Node;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/** What the fleet's tests share: a secret file, a free cluster port, the nodes one daemon lists. */
final class FleetTesting {
    private FleetTesting() {}

    static Path secret(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The settings that make a kukeond the member {@code name} listening on {@code port}, joining through {@code seedPort}. */
    static Map<String, String> member(String name, int port, int seedPort, Path secret) {
        return Map.of("cluster.node-name", name, "cluster.listen", "127.0.0.1:" + port,
                "cluster.seeds", "127.0.0.1:" + seedPort, "cluster.secret-file", secret.toString());
    }

    /** Waits until each of {@code members} lists every one of them Up, by its name. */
    static void allUp(Map<String, KukeonGrpc.KukeonBlockingStub> members) throws Exception {
        Map<String, String> up = new TreeMap<>();
        members.keySet().forEach(name -> up.put(name, "Up"));
        for (KukeonGrpc.KukeonBlockingStub api : members.values()) {
            io.kukeon.testing.Eventually.value("every node Up: " + up.keySet(), java.time.Duration.ofSeconds(60),
                    () -> statuses(api).equals(up) ? true : null);
        }
    }

    /** The cell's document with {@code spec.node} set: it runs there, wherever it is created. */
    static io.kukeon.wire.v1.ObjectDoc onNode(io.kukeon.wire.v1.ObjectDoc cell, String node) {
        return cell.toBuilder().setCell(cell.getCell().toBuilder().setNode(node)).build();
    }

    /** A one-container cell of the stack at {@code stack} that sleeps, {@code specLines} added to its spec, as YAML. */
    static String cellDocument(String stack, String name, String... specLines) {
        String[] at = stack.split("/");
        StringBuilder doc = new StringBuilder("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n"
                + "  realmId: " + at[0] + "\n  spaceId: " + at[1] + "\n  stackId: " + at[2] + "\n");
        for (String line : specLines) {
            doc.append("  ").append(line).append('\n');
        }
        return doc.append("  containers: [{id: app, image: 'docker.io/library/busybox:latest', command: sleep, args: ['1000']}]\n")
                .toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Node name to status, as this daemon lists them. */
    static Map<String, String> statuses(KukeonGrpc.KukeonBlockingStub api) {
        Map<String, String> out = new TreeMap<>();
        api.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().forEach(n -> out.put(n.getName(), n.getStatus()));
        return out;
    }

    static Node byName(KukeonGrpc.KukeonBlockingStub api, String name) {
        return api.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                .filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }
}
