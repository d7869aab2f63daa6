package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container's volumes and tmpfs through kukeond, the real containerd and runc: what the
 * container sees is written by the container itself into a bind the test reads, and the kernel's
 * own account of its mounts ({@code /proc/mounts}) is copied there too.
 */
@Tag("containerd")
class RealMountsTest {
    @TempDir
    static Path work;
    static RealDaemon host;

    @BeforeAll
    static void start() throws Exception {
        host = new RealDaemon(work.resolve("data"));
        host.createStack("r", "s", "t");
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static ApplyResult apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResults(0);
    }

    private static ObjectDoc get(String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    private static String cell(String name, String container) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  containers:\n" + container;
    }

    /** The one line of {@code /proc/mounts} (as the container copied it) whose target is {@code target}, the last when several. */
    private static String mountOf(String mounts, String target) {
        List<String> lines = mounts.lines().filter(l -> l.split(" ")[1].equals(target)).toList();
        assertFalse(lines.isEmpty(), target + " is not mounted:\n" + mounts);
        return lines.get(lines.size() - 1);
    }

    @Test
    void bindsAndTmpfsAreWhatTheManifestSaysInsideTheContainer() throws Exception {
        Path shared = Files.createDirectory(work.resolve("shared"));
        Files.writeString(shared.resolve("hello.txt"), "from-the-host\n");
        Path out = Files.createDirectory(work.resolve("out"));
        Path ensured = work.resolve("made/by/kukeond");
        String script = "cat /in/hello.txt > /out/seen.txt; touch /in/x 2> /out/ro-error.txt; echo $? > /out/ro-exit.txt;"
                + " touch /made/ok; cat /proc/mounts > /out/mounts.txt; echo done > /out/done;"
                + " trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done";
        String yaml = cell("mounts", "    - id: app\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', \"" + script + "\"]\n"
                + "      volumes:\n"
                + "        - {source: " + shared + ", target: /in, readOnly: true}\n"
                + "        - {kind: bind, source: " + out + ", target: /out}\n"
                + "        - {source: " + ensured + ", target: /made, ensure: true}\n"
                + "        - {kind: tmpfs, target: /scratch, sizeBytes: 8388608, mode: '0700'}\n"
                + "      tmpfs:\n"
                + "        - {path: /tmp, sizeBytes: 16777216, options: [noexec, mode=1777]}\n"
                + "        - {path: /run, sizeBytes: 1048576}\n");
        ApplyResult created = apply(yaml);
        assertEquals("created", created.getOutcome(), created.toString());
        Eventually.value("the container's report", Duration.ofSeconds(30),
                () -> Files.exists(out.resolve("done")) ? true : null);

        assertEquals("from-the-host\n", Files.readString(out.resolve("seen.txt")), "the bind's file is visible inside");
        assertEquals("1\n", Files.readString(out.resolve("ro-exit.txt")), "a write to the read-only bind fails");
        assertTrue(Files.readString(out.resolve("ro-error.txt")).contains("Read-only file system"),
                Files.readString(out.resolve("ro-error.txt")));
        assertFalse(Files.exists(shared.resolve("x")));
        assertTrue(Files.exists(out.resolve("seen.txt")), "the read-write bind's writes reach the host");
        assertTrue(Files.exists(ensured.resolve("ok")), "ensure made the source, and the container writes to it");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(ensured)));

        String mounts = Files.readString(out.resolve("mounts.txt"));
        assertTrue(mountOf(mounts, "/in").split(" ")[3].startsWith("ro,"), mountOf(mounts, "/in"));
        assertTrue(mountOf(mounts, "/out").split(" ")[3].startsWith("rw,"), mountOf(mounts, "/out"));
        String scratch = mountOf(mounts, "/scratch");
        assertTrue(scratch.startsWith("tmpfs /scratch tmpfs ") && scratch.contains("size=8192k") && scratch.contains("mode=700")
                && scratch.contains("nosuid") && scratch.contains("nodev"), scratch);
        String tmp = mountOf(mounts, "/tmp");
        assertTrue(tmp.startsWith("tmpfs /tmp tmpfs ") && tmp.contains("size=16384k") && tmp.contains("noexec")
                && !tmp.contains("mode="), tmp);   // 1777 is tmpfs's default: the kernel does not list it
        assertTrue(mountOf(mounts, "/run").contains("size=1024k"), "the user's /run is over the standard one: " + mounts);
        assertTrue(mountOf(mounts, "/etc/hosts").split(" ")[3].startsWith("ro,"), "the cell's own files are still bound");

        // get -o yaml | apply -f -: unchanged
        String written = ManifestWriter.yaml(List.of(ObjectMapping.fromProto(get("r/s/t/mounts"))));
        assertTrue(written.contains("sizeBytes: 8388608") && written.contains("ensure: true"), written);
        assertEquals("unchanged", apply(written).getOutcome(), written);

        // a changed mount restarts the container with it
        Files.delete(out.resolve("done"));
        ApplyResult resized = apply(yaml.replace("sizeBytes: 8388608", "sizeBytes: 4194304"));
        assertEquals("updated", resized.getOutcome(), resized.toString());
        assertTrue(resized.getChangesList().toString().contains("sizeBytes: 8388608 -> 4194304"), resized.getChangesList().toString());
        Eventually.value("the restarted container's report", Duration.ofSeconds(30),
                () -> Files.exists(out.resolve("done")) ? true : null);
        assertTrue(mountOf(Files.readString(out.resolve("mounts.txt")), "/scratch").contains("size=4096k"));

        // a source gone by the next start fails it, naming the volume
        host.client().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/mounts").setTimeoutSeconds(5).build());
        Files.move(shared, work.resolve("moved-away"));
        try {
            host.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/mounts").build());
        } catch (StatusRuntimeException failed) {
            // the start's failure is the container's status, below
        }
        ContainerStatus app = get("r/s/t/mounts").getStatus().getContainersList().stream()
                .filter(c -> c.getName().equals("app")).findFirst().orElseThrow();
        assertEquals("VolumeSourceMissing", app.getReason(), app.toString());
        assertTrue(app.getMessage().contains("volumes[0] (target /in): its source " + shared + " does not exist"), app.getMessage());
    }

    @Test
    void aMissingSourceWithoutEnsureIsRefusedAtApplyAndNothingIsMade() throws Exception {
        Path missing = work.resolve("never-made");
        ApplyResult refused = apply(cell("refused", "    - id: app\n      image: docker.io/library/busybox:latest\n"
                + "      volumes: [{source: " + missing + ", target: /data}]\n"));
        assertEquals("failed", refused.getOutcome());
        assertEquals("spec.containers[0].volumes[0].source: \"" + missing + "\" does not exist on the host (create it, or"
                + " set ensure: true to have kukeond make the directory)", refused.getError());
        assertThrows(StatusRuntimeException.class, () -> get("r/s/t/refused"), "no cell");
        assertFalse(Files.exists(missing));
        assertTrue(host.containerd.listContainers(host.namespace("r")).stream().noneMatch(c -> c.containerdId().contains("refused")),
                "no container");
    }
}
