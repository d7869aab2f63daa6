package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest's independent documents applied at once on the fake runtime: at most
 * {@code apply-parallelism} at a time, parents before children, results in the manifest's apply
 * order, one failure stopping only what lives in what failed.
 */
class ParallelApplyTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private ApplyResponse apply(String manifest, boolean dryRun) throws Exception {
        return daemon.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest))
                .setDryRun(dryRun).build());
    }

    private static String scopes(String stackLabel) {
        return """
                apiVersion: v1beta1
                kind: Realm
                metadata: {name: r}
                ---
                apiVersion: v1beta1
                kind: Space
                metadata: {name: s}
                spec: {realmId: r}
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: t, labels: {tier: %s}}
                spec: {realmId: r, spaceId: s}
                """.formatted(stackLabel);
    }

    private static String cell(String space, String stack, String name, String container) {
        return "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: " + space
                + "\n  stackId: " + stack + "\n  containers:\n    - {id: app, image: busybox" + container + "}\n";
    }

    private static List<String> lines(ApplyResponse response) {
        return response.getResultsList().stream().map(r -> r.getKind() + " " + r.getName() + ": " + r.getOutcome()).toList();
    }

    @Test
    void atMostTheSettingsDocumentsApplyAtOnceEachAfterItsParentsAndTheResultsKeepTheManifestsOrder() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of("apply-parallelism", "3"));
        StringBuilder manifest = new StringBuilder();
        List<String> expected = new ArrayList<>(List.of("Realm r: created", "Space s: created", "Stack t: created"));
        for (int i = 0; i < 12; i++) {   // written before their parents: apply order puts them after
            manifest.append(cell("s", "t", "c" + i, ", command: sleep, args: ['slow-start=150']"));
            expected.add("Cell c" + i + ": created");
        }
        manifest.append("---\n").append(scopes("web"));

        ApplyResponse response = apply(manifest.toString(), false);

        // a cell applied before its stack's document would have made the stack without its label, and the
        // stack's document would have said "updated"
        assertEquals(expected, lines(response));
        assertEquals(3, daemon.runtime.mostStartsInFlight(), "three cells' starts at once, never more");
        assertEquals(12, daemon.daemon().index().list(io.kukeon.model.Kind.CELL, null, labels -> true).size());
    }

    @Test
    void aFailedDocumentStopsOnlyWhatLivesInItAndTheOthersApply() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of("apply-parallelism", "4"));
        String manifest = scopes("web")
                + "---\napiVersion: v1beta1\nkind: Space\nmetadata: {name: bad}\n"
                + "spec: {realmId: r, cniConfigPath: /nonexistent/kukeon-test.conflist}\n"
                + "---\napiVersion: v1beta1\nkind: Stack\nmetadata: {name: t2}\nspec: {realmId: r, spaceId: bad}\n"
                + "---\napiVersion: v1beta1\nkind: Secret\nmetadata: {name: key, realm: r, space: bad}\nspec: {data: x}\n"
                + cell("bad", "t2", "lost", "")
                + cell("s", "t", "c1", "")
                + cell("s", "t", "missing-secret", ", secrets: [{name: K, secretRef: {name: nope}}]")
                + cell("s", "t", "c2", "");

        for (boolean dryRun : List.of(true, false)) {
            ApplyResponse response = apply(manifest, dryRun);
            assertEquals(List.of("Realm r: created", "Space s: created", "Space bad: failed", "Stack t: created",
                    "Stack t2: failed", "Secret key: failed", "Cell lost: failed", "Cell c1: created",
                    "Cell missing-secret: failed", "Cell c2: created"), lines(response), "dry run " + dryRun);
            ApplyResult space = response.getResults(2);
            assertTrue(space.getError().contains("kukeon-test.conflist"), space.getError());
            int spaceLine = space.getLine();
            for (int i : List.of(4, 5, 6)) {
                ApplyResult dependent = response.getResults(i);
                assertEquals(ApplyService.NOT_APPLIED, dependent.getErrorKind(), dependent.toString());
                assertEquals("not applied: Space \"bad\" (line " + spaceLine + ") failed", dependent.getError());
            }
            assertTrue(response.getResults(8).getError().contains("secretRef"), response.getResults(8).getError());
        }

        var index = daemon.daemon().index();
        assertTrue(index.get(ObjectPath.parse("r/s/t/c1")).isPresent());
        assertTrue(index.get(ObjectPath.parse("r/s/t/c2")).isPresent());
        assertFalse(index.get(ObjectPath.parse("r/bad")).isPresent());
        assertFalse(index.get(ObjectPath.parse("r/bad/t2")).isPresent(), "nothing made below the failed space");
        assertFalse(index.get(ObjectPath.parse("r/s/t/missing-secret")).isPresent());
        assertTrue(daemon.runtime.containers().keySet().stream().noneMatch(id -> id.contains("lost")),
                daemon.runtime.containers().keySet().toString());
    }

    @Test
    void containerDocumentsFollowTheirCellAndEachOther() throws Exception {
        daemon = TestDaemon.start(dataDir);
        String container = "---\napiVersion: v1beta1\nkind: Container\nmetadata: {name: %s}\n"
                + "spec: {realmId: r, spaceId: s, stackId: t, cellId: c, id: %s, image: busybox}\n";
        String manifest = container.formatted("side", "side") + container.formatted("more", "more")
                + "---\n" + scopes("web") + cell("s", "t", "c", "");

        ApplyResponse response = apply(manifest, false);

        assertEquals(List.of("Realm r: created", "Space s: created", "Stack t: created", "Cell c: created",
                "Container side: created", "Container more: created"), lines(response));
        var cell = (io.kukeon.model.TreeObject.Cell) daemon.daemon().index().get(ObjectPath.parse("r/s/t/c")).orElseThrow();
        assertEquals(List.of("app", "side", "more"), cell.spec().containers().stream()
                .map(io.kukeon.model.ContainerSpec::id).filter(id -> !id.equals("root")).toList());
    }
}
