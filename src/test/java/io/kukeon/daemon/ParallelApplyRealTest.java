package io.kukeon.daemon;

import io.kukeon.api.Docs;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One manifest of ten cells and a broken one, applied at once (default settings) against the real
 * containerd: each of the ten is Ready with its root and workload running in containerd, the broken
 * one is reported by name and makes nothing.
 */
@Tag("containerd")
class ParallelApplyRealTest {
    private static final int CELLS = 10;

    @TempDir
    Path dataDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir);
        Docs.createStack(host.client(), "r/s/t");
        host.loadBusybox("r");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static String cell(String name, String secrets) {
        return "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\n"
                + "spec:\n  realmId: r\n  spaceId: s\n  stackId: t\n  containers:\n"
                + "    - {id: app, image: docker.io/library/busybox:latest, command: sleep, args: ['3600']" + secrets + "}\n";
    }

    @Test
    void tenCellsOfOneManifestAreReadyInContainerdAndABrokenOneIsReportedByName() throws Exception {
        StringBuilder manifest = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CELLS; i++) {
            manifest.append(cell("c" + i, ""));
            expected.add("c" + i + ": created Ready");
            if (i == 4) {
                manifest.append(cell("broken", ", secrets: [{name: K, secretRef: {name: nowhere}}]"));
                expected.add("broken: failed ");
            }
        }

        List<ApplyResult> results = host.apply(manifest.toString());

        assertEquals(expected, results.stream().map(r -> r.getName() + ": " + r.getOutcome() + " "
                + r.getObject().getStatus().getState()).toList());
        ApplyResult broken = results.get(5);
        assertEquals("InvalidArgument", broken.getErrorKind());
        assertTrue(broken.getError().contains("secretRef") && broken.getError().contains("nowhere"), broken.getError());

        Map<String, TaskInfo.Status> tasks = host.containerd.listContainers(host.namespace("r")).stream()
                .collect(Collectors.toMap(ObservedContainer::containerdId, c -> c.task().status()));
        for (int i = 0; i < CELLS; i++) {
            for (String container : List.of("root", "app")) {
                assertEquals(TaskInfo.Status.RUNNING, tasks.get("s_t_c" + i + "_" + container), "c" + i + "/" + container
                        + " in " + tasks);
            }
        }
        assertEquals(2 * CELLS, tasks.size(), "nothing of the broken cell: " + tasks.keySet());
    }
}
