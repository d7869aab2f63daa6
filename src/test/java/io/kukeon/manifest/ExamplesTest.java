package io.kukeon.manifest;

import io.kukeon.model.Kind;
import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples the README runs must read cleanly. */
class ExamplesTest {
    private static Path examples() {
        return Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("examples");
    }

    private static List<ManifestDocument> read(String file) throws Exception {
        List<ManifestDocument> docs = ManifestReader.read(Files.readAllBytes(examples().resolve(file)));
        for (ManifestDocument d : docs) {
            assertFalse(d.failed(), () -> file + ": " + d.error());
            assertTrue(d.warnings().isEmpty(), () -> file + ": " + d.warnings());
        }
        return docs;
    }

    @Test
    void helloWorldIsOneCellWithAWebServerAndAFetcher() throws Exception {
        List<ManifestDocument> docs = read("hello-world.yaml");
        TreeObject.Cell cell = (TreeObject.Cell) docs.get(0).object();
        assertEquals("default/default/default/hello-world", cell.path().toString());
        assertEquals(List.of("web", "fetch"), cell.spec().containers().stream().map(c -> c.id()).toList());
        assertTrue(cell.spec().containers().get(0).args().get(1).contains("httpd -f -p 8080 -h /www"));
    }

    @Test
    void multiDocumentHoldsEveryLevelOutOfOrder() throws Exception {
        List<ManifestDocument> docs = read("multi-document.yaml");
        assertEquals(List.of(Kind.CELL, Kind.CELL, Kind.STACK, Kind.REALM, Kind.SPACE),
                docs.stream().map(d -> d.object().kind()).toList());
        assertEquals(List.of(Kind.REALM, Kind.SPACE, Kind.STACK, Kind.CELL, Kind.CELL),
                ManifestReader.inApplyOrder(docs).stream().map(d -> d.object().kind()).toList());
    }

    @Test
    void cellTemplatesHoldABlueprintAndTheConfigThatFillsItIn() throws Exception {
        List<ManifestDocument> docs = read("cell-templates.yaml");
        assertEquals(List.of("CellBlueprint", "CellConfig"), docs.stream().map(ManifestDocument::kind).toList());
        assertEquals("default/default/cellblueprint/greeter", docs.get(0).template().path());
        assertEquals("greeter", docs.get(1).template().config().blueprintRef().name());
    }
}
