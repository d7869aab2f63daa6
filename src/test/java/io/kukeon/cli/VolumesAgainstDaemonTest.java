package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.OciMount;
import io.kukeon.testing.Eventually;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.PutVolumeRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Volumes through kuke and the API against a kukeond in this JVM (fake runtime, real directories). */
class VolumesAgainstDaemonTest extends AgainstTestDaemon {

    @Test
    void createListGetYamlApplyBackAndDelete() throws Exception {
        ok("init");
        assertEquals("volume \"data\": created in realm \"default\"\n", ok("create", "volume", "data").out());
        assertEquals("volume \"data\": unchanged in realm \"default\"\n", ok("create", "volume", "data").out());
        assertEquals("volume \"cache\": created in stack \"default/default/default\"\n", ok("create", "volume", "cache",
                "--space", "default", "--stack", "default", "--reclaim-policy", "Retain").out());
        Path data = dataDir.resolve("volumes/default/_volumes/data");
        assertTrue(Files.isDirectory(data), "the directory is made with the volume");
        Files.writeString(data.resolve("f"), "12345");

        String table = ok("get", "volumes").out();
        assertTrue(table.matches("NAME +SCOPE +RECLAIM +SIZE +USERS +AGE\ndata +default +Delete +5B +- +\\d+s\n"
                + "cache +default/default/default +Retain +0B +- +\\d+s\n"), table);
        String yaml = ok("get", "volumes", "-o", "yaml").out();
        assertEquals("---\napiVersion: v1beta1\nkind: Volume\nmetadata:\n  name: data\n  realm: default\nspec:\n"
                + "  reclaimPolicy: Delete\n---\napiVersion: v1beta1\nkind: Volume\nmetadata:\n  name: cache\n  realm: default\n"
                + "  space: default\n  stack: default\nspec:\n  reclaimPolicy: Retain\n", yaml);
        Path back = work.resolve("back.yaml");
        Files.writeString(back, yaml);
        assertEquals("Volume \"data\": unchanged\nVolume \"cache\": unchanged\n", ok("apply", "-f", back.toString()).out());
        Files.writeString(back, yaml.replace("Retain", "Delete"));
        assertEquals("Volume \"data\": unchanged (dry run)\nVolume \"cache\": updated (dry run)\n",
                ok("apply", "--dry-run", "-f", back.toString()).out());
        assertEquals("Volume \"data\": unchanged\nVolume \"cache\": updated\n", ok("apply", "-f", back.toString()).out());
        assertTrue(ok("get", "volume", "cache", "--space", "default", "--stack", "default").out().contains(" Delete "));

        assertEquals("Deleted volume \"data\" from realm \"default\"\n", ok("delete", "volume", "data").out());
        assertFalse(Files.exists(data), "its directory went with it");
        KukeRun gone = kuke("get", "volume", "data");
        assertEquals(1, gone.exit());
        assertTrue(gone.err().contains("volume \"data\" not found in realm \"default\""), gone.err());
        assertTrue(ok("events").out().contains("volume \"cache\" put (reclaimPolicy Retain)"));
    }

    @Test
    void aCellMountsTheNearestVolumeWithItsOwnDirectoryAndIsItsUserUntilStopped() throws Exception {
        ok("init");
        ok("create", "volume", "cache");   // the realm's: farther than the stack's below
        ok("create", "volume", "cache", "--space", "default", "--stack", "default");
        Path manifest = work.resolve("cells.yaml");
        Files.writeString(manifest, mountingCell("one", "cache"));
        assertEquals("Cell \"one\": created\n", ok("apply", "-f", manifest.toString()).out());
        Path stackVolume = dataDir.resolve("volumes/default/default/default/_volumes/cache");
        OciMount cache = Eventually.value("the container made", Duration.ofSeconds(10), () -> mountAt("/cache"));
        assertEquals(new OciMount("/cache", "bind", stackVolume.resolve("cells/one").toString(),
                List.of("rbind", "rprivate", "rw")), cache);
        assertEquals(new OciMount("/shared", "bind", dataDir.resolve("volumes/default/_volumes/cache").toString(),
                List.of("bind", "rprivate", "ro")), mountAt("/shared"));
        assertTrue(Files.isDirectory(stackVolume.resolve("cells/one")), "the cell's own directory in the volume");

        String yaml = ok("get", "cell", "one", "-o", "yaml").out();
        assertTrue(yaml.contains("      volumeRef:\n        name: cache\n"), yaml);
        Path back = work.resolve("cell-back.yaml");
        Files.writeString(back, yaml);
        assertEquals("Cell \"one\": unchanged\n", ok("apply", "-f", back.toString()).out());

        assertTrue(ok("get", "volumes", "--space", "default", "--stack", "default").out()
                .contains("default/default/default/one ("), "the cell is the volume's user");
        KukeRun refused = kuke("delete", "volume", "cache", "--space", "default", "--stack", "default");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("is mounted by cells that are not stopped: default/default/default/one ("), refused.err());
        assertTrue(Files.isDirectory(stackVolume), "nothing removed");
        ok("stop", "one");
        ok("delete", "volume", "cache", "--space", "default", "--stack", "default");
        assertFalse(Files.exists(stackVolume));
    }

    @Test
    void badInputNamesTheFieldAndChangesNothing() throws Exception {
        ok("init");
        KukeRun policy = kuke("create", "volume", "v", "--reclaim-policy", "Keep");
        assertEquals(1, policy.exit());
        assertTrue(policy.err().contains("--reclaim-policy: must be Delete or Retain (got \"Keep\")"), policy.err());
        KukeRun noSpace = kuke("create", "volume", "v", "--stack", "default");
        assertEquals(1, noSpace.exit());
        assertTrue(noSpace.err().contains("--stack: needs --space"), noSpace.err());
        KukeRun noScope = kuke("create", "volume", "v", "--realm", "nope");
        assertEquals(1, noScope.exit());
        assertTrue(noScope.err().contains("realm \"nope\" not found"), noScope.err());

        var api = daemon.client();
        StatusRuntimeException cellScope = assertThrows(StatusRuntimeException.class,
                () -> api.putVolume(PutVolumeRequest.newBuilder().setScope("default/default/default/web")
                        .setName("v").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, cellScope.getStatus().getCode());
        assertTrue(cellScope.getStatus().getDescription().startsWith("scope: a volume is held by a realm, space or stack, not a cell"),
                cellScope.getStatus().getDescription());
        StatusRuntimeException badPolicy = assertThrows(StatusRuntimeException.class,
                () -> api.putVolume(PutVolumeRequest.newBuilder().setScope("default").setName("v")
                        .setReclaimPolicy("retain").build()));
        assertEquals("reclaimPolicy: must be Delete or Retain (got \"retain\")", badPolicy.getStatus().getDescription());

        Path lost = work.resolve("lost.yaml");
        Files.writeString(lost, "kind: Cell\nmetadata: {name: lost}\nspec: {realmId: default, spaceId: default, stackId: default,"
                + " containers: [{id: a, image: busybox, volumes: [{kind: volume, target: /d, volumeRef: {name: nope}}]}]}\n"
                + "---\nkind: Volume\nmetadata: {name: c, realm: default, space: default, stack: default, cell: lost}\n");
        KukeRun refused = kuke("apply", "-f", lost.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.out().contains("Cell \"lost\": failed\n  Error: line 1: spec.containers[0].volumes[0].volumeRef: Volume"
                + " \"nope\" (nearest scope) does not exist in the scopes above cell \"default/default/default/lost\"; create it first\n"),
                refused.out());
        assertTrue(refused.out().contains("metadata.cell: a volume is held by a realm, space or stack, never a cell"), refused.out());
        KukeRun noCell = kuke("get", "cell", "lost");
        assertEquals(1, noCell.exit(), "nothing was created");
        assertEquals(0, daemon.client().listVolumes(ListVolumesRequest.newBuilder().build()).getVolumesCount());
        assertFalse(Files.exists(dataDir.resolve("volumes/default")), "no directory either");
    }

    @Test
    void aRetainVolumeOutlivesItsStacksCascadeDeleteAndIsAdoptedByTheNextOfItsName() throws Exception {
        ok("init");
        String[] stack = {"--space", "default", "--stack", "default"};
        ok(concat(new String[]{"create", "volume", "keep", "--reclaim-policy", "Retain"}, stack));
        ok(concat(new String[]{"create", "volume", "scratch"}, stack));
        Path keep = dataDir.resolve("volumes/default/default/default/_volumes/keep");
        Path scratch = dataDir.resolve("volumes/default/default/default/_volumes/scratch");
        Files.writeString(keep.resolve("f"), "kept");
        Files.writeString(scratch.resolve("f"), "lost");
        ok("delete", "stack", "default", "--cascade");
        assertEquals("kept", Files.readString(keep.resolve("f")));
        assertFalse(Files.exists(scratch));
        assertEquals("", ok("get", "volumes").out().replace("No volumes found.\n", ""));

        ok("create", "stack", "default");
        ok(concat(new String[]{"create", "volume", "keep", "--reclaim-policy", "Retain"}, stack));
        assertEquals("kept", Files.readString(keep.resolve("f")), "adopted with its data");
        assertTrue(ok("get", "volumes").out().contains("keep "), "listed again");
    }

    /**
     * A cell of the default stack whose container mounts the nearest "cache" at /cache, in a directory
     * of its own, and the realm's {@code realmVolume} read-only at /shared.
     */
    static String mountingCell(String name, String realmVolume) {
        return "kind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: default\n  spaceId: default\n"
                + "  stackId: default\n  containers:\n    - id: app\n      image: busybox\n      volumes:\n"
                + "        - {kind: volume, source: 'cells/${CELL_NAME}', target: /cache, volumeRef: {name: cache}}\n"
                + "        - {kind: volume, target: /shared, readOnly: true, volumeRef: {name: " + realmVolume + ", realm: default}}\n";
    }

    private OciMount mountAt(String target) {
        return daemon.runtime.containers().values().stream().flatMap(c -> c.request().mounts().stream())
                .filter(m -> m.destination().equals(target)).findFirst().orElse(null);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
