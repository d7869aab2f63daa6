package io.kukeon.manifest;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ManifestWriterTest {

    private static TreeObject.Cell helloWorld() {
        return new TreeObject.Cell(ObjectPath.of("default", "default", "default", "hello"),
                new Metadata("hello", Map.of(), 0),
                new CellSpec(List.of(ContainerSpec.of("web", "busybox", "httpd", List.of("-f", "-p", "8080"))),
                        null, false, null), null);
    }

    @Test
    void aDocumentUsesTheReferenceFieldNamesAndLeavesUnsetFieldsOut() {
        String yaml = ManifestWriter.yaml(List.of(helloWorld()));
        assertEquals("""
                ---
                apiVersion: v1beta1
                kind: Cell
                metadata:
                  name: hello
                spec:
                  realmId: default
                  spaceId: default
                  stackId: default
                  containers:
                  - id: web
                    image: busybox
                    command: httpd
                    args:
                    - -f
                    - -p
                    - '8080'
                """, yaml);
    }

    @Test
    void aListInJsonIsAlwaysAnItemsObject() {
        assertEquals("{\n  \"items\": []\n}\n", ManifestWriter.json(List.of()));
        String one = ManifestWriter.json(List.of(helloWorld()));
        assertEquals(true, one.startsWith("{\n  \"items\": [\n    {\n      \"apiVersion\": \"v1beta1\",\n"), one);
    }

    @Test
    void jsonEscapesWhatJsonRequires() {
        TreeObject.Cell c = new TreeObject.Cell(ObjectPath.of("r", "s", "st", "c"), new Metadata("c", Map.of(), 0),
                new CellSpec(List.of(ContainerSpec.of("a", "busybox", null, List.of("q\"b\\s\n\t\u0001"))), null, false,
                        null), null);
        String json = ManifestWriter.json(c);
        assertEquals(true, json.contains("\"q\\\"b\\\\s\\n\\t\\u0001\""), json);
    }

    @Test
    void aCellsNetworkIsStatusNetworkWithTheReferencesBridgeNameAndIsLeftOutWhenUnset() {
        String running = ManifestWriter.yaml(List.of(SampleObjects.cell()));
        assertEquals(true, running.contains("""
                  subtreeControllers:
                  - pids
                  network:
                    address: 10.88.3.7
                    prefixLength: 24
                    gateway: 10.88.3.1
                    bridgeName: k-1a2b3c4d
                  containers:
                """), running);
        assertEquals(true, ManifestWriter.json(SampleObjects.cell()).contains("""
                    "network": {
                      "address": "10.88.3.7",
                      "prefixLength": 24,
                      "gateway": "10.88.3.1",
                      "bridgeName": "k-1a2b3c4d"
                    },
                """), ManifestWriter.json(SampleObjects.cell()));
        String pending = ManifestWriter.yaml(List.of(SampleObjects.pendingCell()));
        assertEquals(true, pending.contains("status:\n  state: Pending\n"), pending);
        assertEquals(false, pending.contains("network"), pending);
    }
}
