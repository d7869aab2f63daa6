package io.kukeon.fleet;

import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.HostIds;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the fleet keeps of a cell to run it elsewhere, and which cells may move. */
class CellDirectoryTest {
    private static final String SCOPES = """
            apiVersion: v1beta1
            kind: Realm
            metadata: {name: r, labels: {team: a}}
            ---
            apiVersion: v1beta1
            kind: Space
            metadata: {name: s}
            spec: {realmId: r}
            ---
            apiVersion: v1beta1
            kind: Stack
            metadata: {name: t}
            spec: {realmId: r, spaceId: s}
            """;

    @Test
    void aCopyIsTheCellWithItsRealmSpaceAndStackAsApplyTakesThem() {
        ObjectIndex index = new ObjectIndex(HostIds.defaults());
        read(SCOPES).forEach(index::put);
        TreeObject.Cell cell = running(cell("web", "always", "nodeSelector: {zone: eu}"), CellState.Ready);
        index.put(cell);

        CellCopy copy = CellDirectory.copyOf(cell, index);

        List<TreeObject> again = read(copy.manifest());
        assertEquals(List.of("r", "r/s", "r/s/t", "r/s/t/web"), again.stream().map(o -> o.path().toString()).toList());
        assertEquals(cell.spec(), ((TreeObject.Cell) again.get(3)).spec(), "the spec applied elsewhere is the one that ran");
        assertEquals(cell.metadata().labels(), again.get(3).metadata().labels());
        assertEquals(java.util.Map.of("team", "a"), again.get(0).metadata().labels());
        assertEquals(cell.status().createdAt().toEpochMilli(), copy.createdMillis());
        assertNull(copy.stays());
    }

    @Test
    void aCellMovesWhenItRunsEveryWorkloadRestartsAlwaysAndNothingTiesItToItsNode() {
        assertNull(CellDirectory.stays(running(cell("web", "always"), CellState.Ready)));
        assertNull(CellDirectory.stays(running(cell("web", "always"), CellState.Degraded)));
        assertEquals("container \"app\" restarts never, not always (spec.reschedule: true moves it)",
                CellDirectory.stays(running(cell("web", "never"), CellState.Ready)));
        assertEquals("container \"app\" restarts on-failure, not always (spec.reschedule: true moves it)",
                CellDirectory.stays(running(cell("web", "on-failure"), CellState.Ready)));
        assertNull(CellDirectory.stays(running(cell("web", "never", "reschedule: true"), CellState.Ready)));
        assertEquals("spec.reschedule is false",
                CellDirectory.stays(running(cell("web", "always", "reschedule: false"), CellState.Ready)));
        assertEquals("spec.node pins it to node \"b\"",
                CellDirectory.stays(running(cell("web", "always", "node: b"), CellState.Ready)));
        assertNull(CellDirectory.stays(running(cell("web", "always"), CellState.Pending)), "one being started moves too");
        assertEquals("it was Stopped, not meant to run", CellDirectory.stays(running(cell("web", "always"), CellState.Stopped)));
        assertEquals("it was Exited, not meant to run", CellDirectory.stays(running(cell("web", "always"), CellState.Exited)));
        assertEquals("container \"app\" mounts /srv/data, whose data is on its node", CellDirectory.stays(running(
                cell("web", "always", "volumes: [{kind: bind, source: /srv/data, target: /data}]"), CellState.Ready)));
    }

    @Test
    void aMoveIsKeyedByTheNodeItLeftSoThatACellMovedTwiceYieldsOnBoth() {
        assertEquals("b:r/s/t/web", CellDirectory.moveKey("b", "r/s/t/web"));
        assertEquals(CellDirectory.shard("r/s/t/web"), CellDirectory.shard("r/s/t/web"));
    }

    private static TreeObject.Cell cell(String name, String restartPolicy, String... containerOrSpecLines) {
        StringBuilder spec = new StringBuilder();
        String containerExtra = "";
        for (String line : containerOrSpecLines) {
            if (line.startsWith("volumes:")) {
                containerExtra = ", volumes: " + line.substring("volumes: ".length());
            } else {
                spec.append("  ").append(line).append('\n');
            }
        }
        String yaml = "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + ", labels: {app: " + name + "}}\nspec:\n"
                + "  realmId: r\n  spaceId: s\n  stackId: t\n" + spec
                + "  containers: [{id: app, image: 'docker.io/library/busybox:latest', command: sleep, args: ['1000'],"
                + " restartPolicy: " + restartPolicy + containerExtra + "}]\n";
        return (TreeObject.Cell) read(yaml).get(0);
    }

    private static TreeObject.Cell running(TreeObject.Cell cell, CellState state) {
        Instant created = Instant.parse("2026-12-07T08:00:00Z");
        return new TreeObject.Cell(cell.path(), cell.metadata(), cell.spec(),
                new CellStatus(state, null, null, null, List.of(), false, null, created, created, null, 1));
    }

    private static List<TreeObject> read(String yaml) {
        return ManifestReader.read(yaml.getBytes(StandardCharsets.UTF_8)).stream().map(ManifestDocument::object).toList();
    }
}
