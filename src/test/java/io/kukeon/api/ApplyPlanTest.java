package io.kukeon.api;

import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each document of a manifest waits for, by the names of the documents (in apply order). */
class ApplyPlanTest {
    private static final String HEADER = "apiVersion: v1beta1\n";

    private record Planned(List<ManifestDocument> documents, ApplyPlan plan) {
        int at(String name) {
            for (int i = 0; i < documents.size(); i++) {
                if (name.equals(documents.get(i).name())) {
                    return i;
                }
            }
            throw new AssertionError("no document " + name);
        }

        List<String> needs(String name) {
            return names(plan.step(at(name)).needs());
        }

        List<String> after(String name) {
            return names(plan.step(at(name)).after());
        }

        private List<String> names(List<Integer> indexes) {
            return indexes.stream().map(i -> documents.get(i).name()).sorted().toList();
        }
    }

    private static Planned plan(String... documents) {
        Planned p = planWithBroken(documents);
        p.documents().stream().filter(ManifestDocument::failed).findFirst().ifPresent(d -> {
            throw new AssertionError(d.name() + ": " + d.error());
        });
        return p;
    }

    private static Planned planWithBroken(String... documents) {
        List<ManifestDocument> read = ManifestReader.inApplyOrder(ManifestReader.read(
                String.join("---\n", Arrays.stream(documents).map(d -> HEADER + d).toList())
                        .getBytes(StandardCharsets.UTF_8)));
        return new Planned(read, ApplyPlan.of(read));
    }

    private static String realm(String name) {
        return "kind: Realm\nmetadata: {name: " + name + "}\n";
    }

    private static String space(String realm, String name) {
        return "kind: Space\nmetadata: {name: " + name + "}\nspec: {realmId: " + realm + "}\n";
    }

    private static String stack(String space, String name) {
        return "kind: Stack\nmetadata: {name: " + name + "}\nspec: {realmId: r, spaceId: " + space + "}\n";
    }

    private static String cell(String stack, String name, String container) {
        return "kind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: " + stack
                + "\n  containers:\n    - {id: app, image: busybox" + container + "}\n";
    }

    @Test
    void aCellNeedsEveryScopeAboveItInTheManifestAndCellsOfAStackWaitForNoOtherCell() {
        // written children first: the plan is of the apply order
        Planned p = plan(cell("t", "c1", ""), cell("t", "c2", ""), cell("u", "c3", ""), stack("s", "t"), stack("s", "u"),
                space("r", "s"), realm("r"));

        assertEquals(List.of(), p.needs("r"));
        assertEquals(List.of("r"), p.needs("s"));
        assertEquals(List.of("r", "s"), p.needs("t"));
        assertEquals(List.of("r", "s", "t"), p.needs("c1"));
        assertEquals(List.of("r", "s", "t"), p.needs("c2"));
        assertEquals(List.of("r", "s", "u"), p.needs("c3"));
        for (String independent : List.of("t", "u", "c1", "c2", "c3")) {
            assertEquals(List.of(), p.after(independent), independent);
        }
    }

    @Test
    void aCellWhoseScopesAreNotInTheManifestWaitsForNothing() {
        Planned p = plan(cell("t", "c1", ""), cell("t", "c2", ""));

        assertEquals(List.of(), p.needs("c1"));
        assertEquals(List.of(), p.after("c2"));
    }

    @Test
    void realmsAndSpacesClaimNamespacesAndSubnetsInDocumentOrder() {
        Planned p = plan(realm("r"), realm("q"), space("r", "s"), space("q", "s2"));

        assertEquals(List.of("r"), p.after("q"));
        assertEquals(List.of("q"), p.needs("s2"));
        assertEquals(List.of("s"), p.after("s2"));
    }

    @Test
    void cellsPublishingOneHostPortAndProtocolGoOneAfterTheOtherOthersDoNot() {
        Planned p = plan(cell("t", "a", ", ports: ['8080:80']"), cell("t", "b", ", ports: ['127.0.0.1:8080:81']"),
                cell("t", "c", ", ports: ['8080:80/udp']"), cell("t", "d", ", ports: ['9090:80']"));

        assertEquals(List.of(), p.after("a"));
        assertEquals(List.of("a"), p.after("b"));
        assertEquals(List.of(), p.after("c"), "udp is another port");
        assertEquals(List.of(), p.after("d"));
    }

    @Test
    void aCellComesAfterTheSecretsAndVolumesItNamesWhereTheyCouldBeFound() {
        Planned p = plan(realm("r"),
                "kind: Secret\nmetadata: {name: db, realm: r, space: s}\nspec: {data: x}\n",
                "kind: Secret\nmetadata: {name: other, realm: r}\nspec: {data: x}\n",
                "kind: Secret\nmetadata: {name: far, realm: q}\nspec: {data: x}\n",
                "kind: Volume\nmetadata: {name: data, realm: r}\n",
                cell("t", "uses", ", secrets: [{name: DB, secretRef: {name: db}},"
                        + " {name: FAR, secretRef: {name: far, realm: q}}],"
                        + " volumes: [{kind: volume, target: /data, volumeRef: {name: data}}]"),
                cell("t", "plain", ""));

        assertEquals(List.of("r"), p.needs("db"));
        assertEquals(List.of(), p.needs("far"), "realm q is not in the manifest");
        assertEquals(List.of("r"), p.needs("uses"));
        assertEquals(List.of("data", "db", "far"), p.after("uses"));
        assertEquals(List.of(), p.after("plain"));
        assertTrue(p.plan().step(p.at("far")).afterScopes(), "a stack below realm q, were there one, may be making it");
        assertFalse(p.plan().step(p.at("uses")).afterScopes(), "a cell's apply makes its missing scopes itself");
    }

    @Test
    void aConfigComesAfterItsBlueprint() {
        Planned p = plan("kind: CellConfig\nmetadata: {name: cfg, realm: r}\nspec: {blueprintRef: {name: bp}}\n",
                "kind: CellBlueprint\nmetadata: {name: bp, realm: r}\nspec:\n  cell:\n    containers:\n      - {id: app, image: busybox}\n");

        assertEquals(List.of("bp"), p.after("cfg"));
        assertEquals(List.of(), p.after("bp"));
    }

    @Test
    void aSecondDocumentOfAnObjectAndTheContainersOfOneCellGoInDocumentOrder() {
        Planned p = plan(cell("t", "c", ""), cell("t", "c", ", args: ['again']"),
                "kind: Container\nmetadata: {name: side}\nspec: {realmId: r, spaceId: s, stackId: t, cellId: c,"
                        + " id: side, image: busybox}\n",
                "kind: Container\nmetadata: {name: other}\nspec: {realmId: r, spaceId: s, stackId: t, cellId: c,"
                        + " id: other, image: busybox}\n");

        assertEquals(List.of(0), p.plan().step(1).after(), "the cell's second document after its first");
        assertEquals(List.of("c"), p.needs("side"));
        assertEquals(List.of("side"), p.after("other"));
    }

    @Test
    void aBrokenDocumentWaitsForNothing() {
        Planned p = planWithBroken(realm("r"), "kind: Space\nmetadata: {name: broken}\nspec: {realmId: r, bogus: 1}\n");

        assertEquals(List.of(), p.needs("broken"));
        assertEquals(List.of(), p.after("broken"));
    }
}
