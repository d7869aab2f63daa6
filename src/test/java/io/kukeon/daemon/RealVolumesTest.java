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
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.PutVolumeRequest;
import io.kukeon.wire.v1.VolumeInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named Volumes through a kukeond process, the real containerd and runc: what the containers write
 * lands in the volumes' directories under the data dir, where the test reads it. A stack's Retain
 * volume and its Delete one: a file outlives the cell that wrote it, {@code ${CELL_NAME}} gives each
 * cell its own directory, a read-only mount refuses writes, a kill -9 loses nothing, and the
 * stack's cascade delete keeps only the Retain volume's data.
 */
@Tag("containerd")
class RealVolumesTest {
    /** A cell of one container, user 1000, that runs {@code script} with the stack's two volumes mounted. */
    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n"
                + "      user: \"1000:1000\"\n      command: /bin/sh\n      args: ['-c', \"" + script
                + "; trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done\"]\n"
                + "      volumes:\n"
                + "        - {kind: volume, source: 'cells/${CELL_NAME}', target: /own, volumeRef: {name: scratch}}\n"
                + "        - {kind: volume, target: /keep, volumeRef: {name: keep}}\n"
                + "        - {kind: volume, target: /ro, readOnly: true, volumeRef: {name: keep, realm: r, space: s, stack: t}}\n";
    }

    private static final String REPORT = "echo $KUKEON_CELL_NAME > /own/name; stat -c %u /own > /keep/owner-$KUKEON_CELL_NAME;"
            + " touch /ro/x 2> /keep/ro-error-$KUKEON_CELL_NAME; echo $? > /keep/ro-exit-$KUKEON_CELL_NAME;"
            + " cat /keep/written-by-first > /keep/seen-by-$KUKEON_CELL_NAME 2>&1; echo done > /keep/done-$KUKEON_CELL_NAME";

    @TempDir
    Path work;

    @Test
    void volumesOutliveCellsAKill9AndOnlyTheRetainOneItsStacksCascadeDelete() throws Exception {
        Path dataDir = work.resolve("data");
        Path volumes = dataDir.resolve("volumes/r/s/t/_volumes");
        Path keep = volumes.resolve("keep");
        Path scratch = volumes.resolve("scratch");
        try (RealHost host = new RealHost();
             DaemonProcess daemon = DaemonProcess.kukeond(dataDir, host.daemonSettings())) {
            daemon.start();
            Docs.createStack(daemon.client(), "r/s/t");
            BusyboxUpload.into(daemon.asyncClient(), "r");
            put(daemon.client(), "keep", "Retain");
            put(daemon.client(), "scratch", "Delete");

            assertEquals("created", apply(daemon, cell("first", "echo from-first > /keep/written-by-first; " + REPORT)).getOutcome());
            waitFor(keep.resolve("done-first"));
            assertEquals("1000\n", Files.readString(keep.resolve("owner-first")), "the mounted directory is the user's");
            assertEquals("1\n", Files.readString(keep.resolve("ro-exit-first")), "a write to the read-only mount fails");
            assertTrue(Files.readString(keep.resolve("ro-error-first")).contains("Read-only file system"));
            assertFalse(Files.exists(keep.resolve("x")));
            assertEquals("first\n", Files.readString(scratch.resolve("cells/first/name")));
            assertEquals(List.of("r/s/t/first (Ready)"), info(daemon.client(), "keep").getUsersList());

            // the cell goes, its file stays; a new cell sees it, and has its own directory in the Delete volume
            daemon.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/first").build());
            assertEquals("from-first\n", Files.readString(keep.resolve("written-by-first")));
            assertEquals("created", apply(daemon, cell("second", REPORT)).getOutcome());
            waitFor(keep.resolve("done-second"));
            assertEquals("from-first\n", Files.readString(keep.resolve("seen-by-second")), "the new cell sees the file");
            assertEquals("second\n", Files.readString(scratch.resolve("cells/second/name")));
            assertEquals("first\n", Files.readString(scratch.resolve("cells/first/name")), "one directory per cell");

            StatusRuntimeException inUse = assertThrows(StatusRuntimeException.class, () -> daemon.client().deleteVolume(
                    DeleteVolumeRequest.newBuilder().setScope("r/s/t").setName("keep").build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, inUse.getStatus().getCode());
            assertTrue(inUse.getStatus().getDescription().contains("r/s/t/second"), inUse.getStatus().getDescription());

            daemon.kill9();
            daemon.start();
            VolumeInfo kept = Eventually.value("the volumes listed again", Duration.ofSeconds(30), () -> {
                List<VolumeInfo> listed = daemon.client().listVolumes(ListVolumesRequest.newBuilder().setScope("r").build())
                        .getVolumesList();
                return listed.size() == 2 ? listed.get(0) : null;
            });
            assertEquals("keep", kept.getName());
            assertEquals("Retain", kept.getReclaimPolicy());
            assertTrue(kept.getSizeComplete() && kept.getSizeBytes() > 0, kept.toString());
            assertEquals("from-first\n", Files.readString(keep.resolve("written-by-first")), "the data survived the kill");

            daemon.client().delete(DeleteRequest.newBuilder().setKind("Stack").setPath("r/s/t").setCascade(true).build());
            assertEquals("from-first\n", Files.readString(keep.resolve("written-by-first")), "Retain: kept on disk");
            assertFalse(Files.exists(scratch), "Delete: gone with its stack");
            assertEquals(0, daemon.client().listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesCount());
        }
    }

    private static void put(KukeonGrpc.KukeonBlockingStub api, String name, String policy) {
        api.putVolume(PutVolumeRequest.newBuilder().setScope("r/s/t").setName(name).setReclaimPolicy(policy).build());
    }

    private static VolumeInfo info(KukeonGrpc.KukeonBlockingStub api, String name) {
        return api.listVolumes(ListVolumesRequest.newBuilder().setScope("r/s/t").setName(name).build()).getVolumes(0);
    }

    private static ApplyResult apply(DaemonProcess daemon, String yaml) throws Exception {
        return daemon.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build()).getResults(0);
    }

    private static void waitFor(Path file) throws Exception {
        Eventually.value(file.getFileName() + " written by the container", Duration.ofSeconds(30),
                () -> Files.exists(file) ? true : null);
    }
}
