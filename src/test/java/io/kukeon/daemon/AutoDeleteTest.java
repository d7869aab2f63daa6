package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spec.autoDelete} on the real containerd, with a separate kukeond process: a cell whose
 * workload exits is deleted with its containers, also when kukeond was killed while the workload
 * exited and started again afterwards.
 */
@Tag("containerd")
@Tag("cni")
class AutoDeleteTest {
    @TempDir
    Path dataDir;

    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  autoDelete: true\n  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n"
                + "      command: /bin/sh\n      args: ['-c', '" + script + "']\n";
    }

    @Test
    void aCellIsDeletedOnceItsWorkloadExitsAlsoWhenKukeondWasKilledMeanwhile() throws Exception {
        try (RealHost host = new RealHost(); DaemonProcess daemon = DaemonProcess.kukeond(dataDir, host.daemonSettings())) {
            daemon.start();
            Docs.createStack(daemon.client(), "r/s/t");
            BusyboxUpload.into(daemon.asyncClient(), "r");

            // a workload that fails: deleted all the same, as docker run --rm
            apply(daemon.client(), cell("once", "sleep 1; exit 3"));
            awaitGone(daemon, "r/s/t/once");
            assertTrue(daemon.client().history(HistoryRequest.newBuilder().setKind("Cell").setPath("r/s/t/once").build())
                    .getEventsList().stream().anyMatch(e -> e.getType().equals("CellDeleteRequested")), "the delete was journaled");

            // a workload that exits while kukeond is down, on a file the test makes then
            apply(daemon.client(), cell("waiting", "until [ -e /tmp/go ]; do sleep 0.1; done"));
            ObjectDoc waiting = daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/waiting").build())
                    .getObject();
            int pid = waiting.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst()
                    .orElseThrow().getPid();
            daemon.kill9();
            Files.writeString(Path.of("/proc/" + pid + "/root/tmp/go"), "");
            Eventually.value("the workload exited", Duration.ofSeconds(30), () -> Files.exists(Path.of("/proc/" + pid)) ? null : true);
            daemon.start();

            awaitGone(daemon, "r/s/t/waiting");
            assertEquals(0, daemon.client().list(ListRequest.newBuilder().setKind("Container").build()).getObjectsCount(),
                    "no container left");
            assertEquals(List.of(), host.containerd.listContainers(host.namespace("r")), "nothing left in containerd");
            for (Path hierarchy : host.cgroupDirs()) {
                assertFalse(Files.exists(hierarchy.resolve("r/s/t/waiting")), "its cgroup removed in " + hierarchy);
            }
        }
    }

    private static void apply(KukeonGrpc.KukeonBlockingStub api, String yaml) {
        api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build());
    }

    private static void awaitGone(DaemonProcess daemon, String path) throws Exception {
        Eventually.value(path + " deleted", Duration.ofSeconds(60), () -> {
            try {
                daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath(path).build());
                return null;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode() == Status.Code.NOT_FOUND ? true : null;
            }
        });
    }
}
