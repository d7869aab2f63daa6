package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.network.HostCommand;
import io.kukeon.network.Ipv4;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.api.Docs;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the real kukeond with networked cells on the real containerd and the real CNI
 * plugins (its bridges in the test's own network namespace): a TCP connection between two cells
 * lives through it, and a kill in the middle of a cell's CNI ADD leaves one lease and one veth.
 */
@Tag("containerd")
@Tag("cni")
class NetworkedCrashTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path pluginDir;

    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', '" + script + "']\n";
    }

    private static void apply(KukeonGrpc.KukeonBlockingStub api, String yaml) {
        api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build());
    }

    private static ObjectDoc get(KukeonGrpc.KukeonBlockingStub api, String path) {
        return api.get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    private static int pid(ObjectDoc cell, String container) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals(container)).findFirst()
                .orElseThrow().getPid();
    }

    /**
     * A client cell streams a line a second to a server cell over one TCP connection; the server
     * accepts a single connection and exits when it ends. Lines still arrive after kukeond was
     * killed and started again, from the same processes: the connection was never cut.
     */
    @Test
    void aConnectionBetweenTwoCellsLivesThroughAKill9OfTheDaemon() throws Exception {
        try (RealHost host = new RealHost(); DaemonProcess daemon = DaemonProcess.kukeond(dataDir, host.daemonSettings())) {
            daemon.start();
            Docs.createStack(daemon.client(), "r/s/t");
            BusyboxUpload.into(daemon.asyncClient(), "r");
            // nc ends its connection when its stdin ends: a FIFO kept open by a sleep never does
            apply(daemon.client(), cell("server",
                    "mkfifo /tmp/in; sleep 3600 > /tmp/in & exec nc -l -p 9000 < /tmp/in > /tmp/received"));
            // retried until the server listens; once connected, a cut connection ends the server and restarts the numbering
            apply(daemon.client(), cell("client",
                    "until (i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.2; done) | nc server 9000; do sleep 0.2; done"));
            Map<String, Integer> pids = new HashMap<>();
            for (String name : List.of("server", "client")) {
                pids.put(name, pid(get(daemon.client(), "r/s/t/" + name), "app"));
            }
            Path received = Path.of("/proc/" + pids.get("server") + "/root/tmp/received");
            try {
                await("the first lines", () -> Files.readAllLines(received).size() >= 3 ? true : null);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + get(daemon.client(), "r/s/t/server").getStatus() + "\n"
                        + get(daemon.client(), "r/s/t/client").getStatus(), e);
            }

            daemon.kill9();
            int beforeRestart = Files.readAllLines(received).size();
            daemon.start();

            await("lines after the restart", () -> {
                ObjectDoc server = get(daemon.client(), "r/s/t/server");
                return server.getStatus().getState().equals("Ready") && Files.readAllLines(received).size() > beforeRestart + 10
                        ? true : null;
            });
            for (String name : List.of("server", "client")) {
                assertEquals(pids.get(name), pid(get(daemon.client(), "r/s/t/" + name), "app"), name + " is the same process");
            }
            List<String> lines = Files.readAllLines(received);
            for (int i = 0; i < lines.size() - 1; i++) {   // the last line may still be on its way
                assertEquals("line-" + (i + 1), lines.get(i), "every line, in order, on the one connection");
            }
        }
    }

    /**
     * The bridge plugin is slowed by a wrapper; kukeond is killed while the ADD of a cell's root
     * waits in it, and the ADD then completes without anyone to record it. The restarted kukeond
     * resumes the start: the cell is Ready with one address, which its eth0 holds, one lease and
     * one host veth.
     */
    @Test
    void aKill9InTheMiddleOfAnAddLeavesOneLeaseAndOneVeth() throws Exception {
        Path entered = pluginDir.resolve("entered");
        Path finished = pluginDir.resolve("finished");
        Path wrapper = pluginDir.resolve("bridge");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "if [ \"$CNI_COMMAND\" = ADD ] && [ ! -e " + entered + " ]; then touch " + entered + "; sleep 3; fi\n"
                + "for d in /opt/cni/bin /usr/lib/cni; do\n"
                + "  if [ -x \"$d/bridge\" ]; then \"$d/bridge\"; rc=$?; touch " + finished + "; exit $rc; fi\n"
                + "done\nexit 127\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (RealHost host = new RealHost()) {
            Map<String, String> settings = new HashMap<>(host.daemonSettings());
            settings.put("cni-plugin-path", pluginDir + ":/opt/cni/bin:/usr/lib/cni");
            try (DaemonProcess daemon = DaemonProcess.kukeond(dataDir, settings)) {
                daemon.start();
                Docs.createStack(daemon.client(), "r/s/t");
                BusyboxUpload.into(daemon.asyncClient(), "r");
                KukeonGrpc.KukeonBlockingStub api = daemon.client();
                CompletableFuture<Void> applying = CompletableFuture.runAsync(() -> apply(api, cell("web", "exec sleep 3600")));
                await("the ADD in the plugin", () -> Files.exists(entered) ? true : null);
                daemon.kill9();
                await("the orphaned ADD finished", () -> Files.exists(finished) ? true : null);
                assertTrue(applying.handle((ok, failed) -> failed != null).get(), "the apply was cut by the kill");
                daemon.start();

                ObjectDoc web = await("web Ready after the restart", () -> {
                    ObjectDoc d = get(daemon.client(), "r/s/t/web");
                    return d.getStatus().getState().equals("Ready") && d.getStatus().hasNetwork() ? d : null;
                });
                String address = web.getStatus().getNetwork().getAddress();
                HostCommand.Result eth0 = new HostCommand(Path.of("/proc/" + pid(web, "root") + "/ns/net"), Duration.ofSeconds(10))
                        .run(List.of("ip", "-4", "-o", "addr", "show", "eth0"), Map.of(), new byte[0]);
                assertTrue(eth0.stdout().contains(address + "/24"), "eth0 holds the cell's address: " + eth0.stdout());
                try (var files = Files.list(dataDir.resolve("network/ipam/r-s"))) {
                    assertEquals(List.of(address), files.map(f -> f.getFileName().toString()).filter(Ipv4::isAddress).toList(),
                            "one lease");
                }
                String veths = host.network.ok("ip", "-o", "link", "show", "master", SpaceNetwork.bridgeName("r-s"));
                assertEquals(1, veths.lines().count(), "one host veth on the bridge: " + veths);
            }
        }
    }

    private static <T> T await(String what, Callable<T> value) throws Exception {
        return Eventually.value(what, Duration.ofSeconds(60), value);
    }
}
