package io.kukeon.manifest;

import io.kukeon.testing.Specs;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.Kind;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretRef;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestReaderTest {

    private static List<ManifestDocument> read(String yaml) {
        return ManifestReader.read(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CELL = """
            apiVersion: v1beta1
            kind: Cell
            metadata:
              name: web
              labels: {app: web}
            spec:
              realmId: r
              spaceId: s
              stackId: st
              containers:
                - id: app
                  image: busybox
                  command: /bin/sh
                  args: ["-c", "echo hi"]
                  env: [A=1]
                  restartPolicy: on-failure
                  restartMaxRetries: 2
            """;

    @Test
    void aCellBecomesACellObjectAtItsPathWithTheSpecAsWritten() {
        ManifestDocument d = read(CELL).get(0);
        TreeObject.Cell cell = (TreeObject.Cell) d.object();
        assertEquals(ObjectPath.of("r", "s", "st", "web"), cell.path());
        assertEquals(Map.of("app", "web"), cell.metadata().labels());
        assertEquals(List.of(Specs.container("app").command("/bin/sh").args("-c", "echo hi").env("A=1")
                .restart(RestartPolicy.ON_FAILURE).maxRetries(2).build()), cell.spec().containers());
        assertNull(cell.spec().rootContainerId(), "no root is synthesized by the reader");
        assertNull(cell.status());
        assertEquals(1, d.line());
        assertEquals("Cell", d.kind());
        assertEquals("web", d.name());
        assertTrue(d.warnings().isEmpty());
    }

    @Test
    void eachDocumentKnowsItsIndexAndStartingLine() {
        List<ManifestDocument> docs = read("# header\n---\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: a}\n---\n\n"
                + "apiVersion: v1beta1\nkind: Realm\nmetadata: {name: b}\n");
        assertEquals(List.of(0, 1), docs.stream().map(ManifestDocument::index).toList());
        assertEquals(List.of(3, 8), docs.stream().map(ManifestDocument::line).toList());
    }

    @Test
    void applyOrderSortsByKindAndKeepsFileOrderWithinAKind() {
        List<ManifestDocument> docs = read("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c1}
                spec: {realmId: r, spaceId: s, stackId: st, containers: [{id: a, image: busybox}]}
                ---
                apiVersion: v1beta1
                kind: Realm
                metadata: {name: r}
                ---
                apiVersion: v1beta1
                kind: Pod
                metadata: {name: broken}
                ---
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c2}
                spec: {realmId: r, spaceId: s, stackId: st, containers: [{id: a, image: busybox}]}
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: st}
                spec: {realmId: r, spaceId: s}
                ---
                apiVersion: v1beta1
                kind: Space
                metadata: {name: s}
                spec: {realmId: r}
                """);
        assertEquals(List.of("r", "s", "st", "c1", "c2", "broken"),
                ManifestReader.inApplyOrder(docs).stream().map(ManifestDocument::name).toList());
        assertEquals(List.of("c1", "c2", "st", "s", "r", "broken"),
                ManifestReader.inDeleteOrder(docs).stream().map(ManifestDocument::name).toList());
    }

    /** A space's cniConfigPath is read (no longer ignored with a warning), and must be an absolute path. */
    @Test
    void aSpacesCniConfigPathIsReadAndMustBeAbsolute() {
        ManifestDocument d = read("kind: Space\nmetadata: {name: s}\nspec: {realmId: r, cniConfigPath: /etc/cni/net.d/s.conflist,"
                + " network: {egress: {default: deny}}}\n").get(0);
        assertEquals("/etc/cni/net.d/s.conflist", ((io.kukeon.model.TreeObject.Space) d.object()).spec().cniConfigPath());
        assertEquals(EgressPolicy.Default.DENY, ((io.kukeon.model.TreeObject.Space) d.object()).spec().egress().defaultAction(),
                "read beside it");
        assertEquals(List.of(), d.warnings());

        ManifestDocument relative = read("kind: Space\nmetadata: {name: s}\nspec: {realmId: r, cniConfigPath: net.conflist}\n").get(0);
        assertTrue(relative.failed());
        assertTrue(relative.error().toString().contains("spec.cniConfigPath: \"net.conflist\" must be an absolute path"),
                relative.error().toString());
    }

    @Test
    void aManifestOverOneMebibyteIsRefusedWhole() {
        byte[] big = new byte[2 << 20];
        java.util.Arrays.fill(big, (byte) '#');
        ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class, () -> ManifestReader.read(big));
        assertEquals("manifest is 2097152 bytes; at most 1048576", e.getMessage());
    }

    @Test
    void tenThousandDocumentsReadAndTheBrokenOnesDoNotStopTheOthers() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            String name = i % 100 == 0 ? "Bad_" + i : "r" + i;
            yaml.append("---\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: ").append(name).append("}\n");
        }
        assertTrue(yaml.length() < ManifestReader.MAX_BYTES);
        List<ManifestDocument> docs = read(yaml.toString());
        assertEquals(10_000, docs.size());
        assertEquals(100, docs.stream().filter(ManifestDocument::failed).count());
        ManifestDocument last = docs.get(9_999);
        assertEquals("r9999", last.object().path().name());
        assertEquals(9_999 * 4 + 2, last.line());
        assertEquals("line 39604: metadata.name: \"Bad_9900\" " + io.kukeon.model.Names.RULE,
                docs.get(9_900).error().toString());
    }

    @Test
    void moreThanTenThousandDocumentsAreRefusedWhole() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i <= ManifestReader.MAX_DOCUMENTS; i++) {
            yaml.append("---\n{apiVersion: v1beta1, kind: Realm, metadata: {name: r").append(i).append("}}\n");
        }
        ManifestException e = assertThrows(ManifestException.class, () -> read(yaml.toString()));
        assertEquals("manifest: line 20002, column 1: more than 10000 documents; a manifest holds at most 10000",
                e.getMessage());

        StringBuilder list = new StringBuilder("items:\n");
        for (int i = 0; i <= ManifestReader.MAX_DOCUMENTS; i++) {
            list.append("- {apiVersion: v1beta1, kind: Realm, metadata: {name: r").append(i).append("}}\n");
        }
        ManifestException items = assertThrows(ManifestException.class, () -> read(list.toString()));
        assertEquals("manifest: line 10002, column 1: more than 10000 documents; a manifest holds at most 10000",
                items.getMessage(), "the items of a list count one by one");
    }

    @Test
    void emptyDocumentsCountTowardsTheLimit() {
        String markers = "---\n# nothing\n".repeat(ManifestReader.MAX_DOCUMENTS)
                + "---\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: last}\n";
        ManifestException e = assertThrows(ManifestException.class, () -> read(markers));
        assertTrue(e.getMessage().endsWith("more than 10000 documents; a manifest holds at most 10000"), e.getMessage());
    }

    @Test
    void anAliasBombIsRefusedAfterLittleWork() {
        // nine levels of ten aliases: 10^9 copies of a scalar once expanded, 300 bytes as written
        StringBuilder yaml = new StringBuilder("apiVersion: v1beta1\nkind: Realm\nmetadata:\n  name: bomb\n  labels:\n"
                + "    l0: &l0 lol\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("    l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1)))).append("]\n");
        }
        long start = System.nanoTime();
        ManifestDocument d = read(yaml.toString()).get(0);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("bomb", d.name());
        assertTrue(d.error().message().startsWith("more than 1048576 bytes once its YAML aliases are expanded"),
                d.error().toString());
        assertTrue(millis < 5_000, millis + " ms");

        // each document stops at 1 MiB, the manifest at 4: bombs cannot add up, document by document
        String many = (yaml + "---\n").repeat(100);
        ManifestException whole = assertThrows(ManifestException.class, () -> read(many));
        assertEquals("manifest: line 49, column 1: more than 4194304 bytes once the YAML aliases of its documents are"
                + " expanded; a manifest is at most 4194304", whole.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithTheirLine() {
        byte[] yaml = "apiVersion: v1beta1\nkind: Realm\nmetadata:\n  name: \u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestReader.read(yaml));
        assertEquals(4, e.line());
        assertEquals("manifest", e.field());
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void aSyntaxErrorInEveryDocumentRefusesTheWholeManifest() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("a: [\n---\nb: {\n"));
        assertEquals(2, e.line());
        assertEquals("manifest: line 2, column 1: not valid YAML: expected the node content, but found '<stream end>'",
                e.getMessage());
    }

    @Test
    void aControlCharacterIsASyntaxErrorWithItsPosition() {
        List<ManifestDocument> docs = read("apiVersion: v1beta1\nkind: Realm\nmetadata: {name: ok}\n---\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: \u0007}\n");
        assertEquals("line 7, column 18: not valid YAML: character U+0007 is not allowed", docs.get(1).error().toString());
        assertFalse(docs.get(0).failed());
    }

    @Test
    void windowsLineEndingsKeepTheLineNumbers() {
        List<ManifestDocument> docs = read("apiVersion: v1beta1\r\nkind: Realm\r\nmetadata: {name: a}\r\n---\r\napiVersion: v1beta1\r\nkind: Realm\r\nmetadata:\r\n  name: B_\r\n");
        assertEquals("a", docs.get(0).object().path().name());
        assertEquals(5, docs.get(1).line());
        assertEquals(8, docs.get(1).error().line());
    }

    @Test
    void aKindInTheWrongCaseGetsAHint() {
        assertEquals("line 2: kind: unknown kind \"cell\"; kinds are capitalized: Cell",
                read("apiVersion: v1beta1\nkind: cell\nmetadata: {name: a}\n").get(0).error().toString());
    }

    @Test
    void plainTextIsADocumentThatIsNotAMapping() {
        assertEquals("line 1: document: expected a mapping of fields (got \"hello world\")",
                read("hello world\n").get(0).error().toString());
    }

    @Test
    void aMarkerWithContentOnItsLineStartsADocument() {
        List<ManifestDocument> docs = read("--- # the realm\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: a}\n--- {apiVersion: v1beta1, kind: Realm, metadata: {name: b}}\n");
        assertEquals(List.of("a", "b"), docs.stream().map(d -> d.object().path().name()).toList());
    }

    @Test
    void aBlockScalarMayHoldDashesThatAreNotAMarker() {
        List<ManifestDocument> docs = read("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: st
                  containers:
                    - id: a
                      image: busybox
                      args:
                        - |
                          ---
                          not a document
                """);
        assertEquals(1, docs.size());
        TreeObject.Cell cell = (TreeObject.Cell) docs.get(0).object();
        assertEquals("---\nnot a document\n", cell.spec().containers().get(0).args().get(0));
    }

    @Test
    void containerDocumentTakesItsNameFromMetadataAndItsParentsFromTheSpec() {
        ManifestDocument d = read("""
                apiVersion: v1beta1
                kind: Container
                metadata: {name: extra}
                spec: {realmId: r, spaceId: s, stackId: st, cellId: c, id: extra, image: busybox, root: false}
                """).get(0);
        assertEquals(Kind.CONTAINER, d.object().kind());
        assertEquals(ObjectPath.of("r", "s", "st", "c", "extra"), d.object().path());
        assertEquals("extra", ((TreeObject.Container) d.object()).spec().id());
    }

    @Test
    void aContainerRepeatingAParentIdMustAgreeWithTheCell() {
        ManifestDocument d = read("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: st
                  containers:
                    - id: a
                      image: busybox
                      spaceId: elsewhere
                """).get(0);
        assertEquals("line 11: spec.containers[0].spaceId: \"elsewhere\" disagrees with the cell's \"s\"",
                d.error().toString());
    }

    @Test
    void aStackIdOtherThanTheNameIsRefusedAndTheSameIdRead() {
        ManifestDocument d = read("apiVersion: v1beta1\nkind: Stack\nmetadata: {name: a}\nspec: {id: b, realmId: r, spaceId: s}\n").get(0);
        assertEquals("line 4: spec.id: \"b\" differs from metadata.name \"a\"; the name is the identity (leave spec.id out"
                + " or make it the name)", d.error().toString());
        ManifestDocument same = read("apiVersion: v1beta1\nkind: Stack\nmetadata: {name: a}\nspec: {id: a, realmId: r, spaceId: s}\n").get(0);
        assertEquals(ObjectPath.of("r", "s", "a"), same.object().path());
        assertEquals(List.of(), same.warnings());
    }

    @Test
    void volumesAndTmpfsAreReadAsWrittenAModeAsOctalQuotedOrNot() {
        ManifestDocument d = read("""
                kind: Container
                metadata: {name: app}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: st
                  cellId: c
                  image: busybox
                  volumes:
                    - {source: /srv/data, target: /data}
                    - {kind: bind, source: /srv/conf, target: /conf, readOnly: true, ensure: true}
                    - {kind: tmpfs, target: /a, sizeBytes: 4096, mode: 0755}
                    - {kind: tmpfs, target: /b, sizeBytes: 8192, mode: "1777", readOnly: true}
                  tmpfs:
                    - {path: /tmp, sizeBytes: 65536, options: [noexec, "mode=0700"]}
                """).get(0);
        assertFalse(d.failed(), () -> String.valueOf(d.error()));
        io.kukeon.model.ContainerSpec spec = ((TreeObject.Container) d.object()).spec();
        assertEquals(List.of(VolumeMount.bind("/srv/data", "/data", false, false), VolumeMount.bind("/srv/conf", "/conf", true, true),
                new VolumeMount(VolumeMount.Kind.TMPFS, null, "/a", false, 4096L, 0755, false, null),
                new VolumeMount(VolumeMount.Kind.TMPFS, null, "/b", true, 8192L, 01777, false, null)), spec.volumes());
        assertEquals(List.of(new TmpfsMount("/tmp", 65536L, List.of("noexec", "mode=0700"))), spec.tmpfs());
    }

    @Test
    void modelValidationErrorsPointAtTheOffendingField() {
        ManifestDocument d = read("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: st
                  rootContainerId: ghost
                  containers: [{id: a, image: busybox}]
                """).get(0);
        assertEquals("line 8: spec.rootContainerId: \"ghost\" names no container of this cell", d.error().toString());
        assertEquals(3, d.error().column());
        assertEquals("spec.rootContainerId", d.error().field());
    }

    @Test
    void aBrokenDocumentStillReportsTheKindAndNameItHad() {
        ManifestDocument d = read("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: web}\nspec: {realmId: r}\n").get(0);
        assertEquals("Cell", d.kind());
        assertEquals("web", d.name());
        assertNull(d.object());
        assertEquals("line 4: spec.spaceId: is required", d.error().toString());
    }

    private static String cellWithSecrets(String secrets) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: c}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: st\n"
                + "  containers:\n    - id: a\n      image: busybox\n      secrets:\n" + secrets;
    }

    @Test
    void containerSecretsAreReadAsWritten() {
        ManifestDocument d = read(cellWithSecrets("""
                        - {name: API_TOKEN, fromEnv: HOST_TOKEN}
                        - {name: tls.key, fromFile: /etc/kukeon/tls.key, mountPath: /run/secrets/tls.key}
                """)).get(0);
        assertNull(d.error());
        assertEquals(List.of(ContainerSecret.fromEnv("API_TOKEN", "HOST_TOKEN", null),
                        ContainerSecret.fromFile("tls.key", "/etc/kukeon/tls.key", "/run/secrets/tls.key")),
                ((TreeObject.Cell) d.object()).spec().containers().get(0).secrets());
    }

    @Test
    void aSecretDocumentAndASecretRefAreRead() {
        List<ManifestDocument> docs = read("""
                apiVersion: v1beta1
                kind: Secret
                metadata: {name: db, realm: r, space: s}
                spec: {data: "p@ss word"}
                ---
                apiVersion: v1beta1
                kind: Secret
                metadata: {name: db, realm: r}
                spec: {data: <redacted>}
                """);
        assertEquals(new SecretDocument(ObjectPath.of("r", "s"), "db", new SecretData("p@ss word")), docs.get(0).secret());
        assertNull(docs.get(1).secret().data(), "<redacted> keeps the stored value");
        ManifestDocument cell = read(cellWithSecrets("""
                        - {name: DB, secretRef: {name: db}}
                        - {name: ca, secretRef: {name: ca, realm: r, space: s, stack: t}, mountPath: /run/ca}
                """)).get(0);
        assertNull(cell.error());
        assertEquals(List.of(new ContainerSecret("DB", null, null, null, new SecretRef("db", null, null, null, null)),
                        new ContainerSecret("ca", null, null, "/run/ca", new SecretRef("ca", "r", "s", "t", null))),
                ((TreeObject.Cell) cell.object()).spec().containers().get(0).secrets());
    }

    @Test
    void badSecretRefsAndSecretDocumentsAreRefusedNamingTheField() {
        assertEquals("spec.containers[0].secrets[0].secretRef.name: is required; it " + io.kukeon.model.Names.RULE,
                secretsRefusal("- {name: T, secretRef: {realm: r}}\n"));
        assertEquals("spec.containers[0].secrets[0].secretRef.stack: needs spec.containers[0].secrets[0].secretRef.space:"
                        + " a deeper coordinate requires the shallower ones",
                secretsRefusal("- {name: T, secretRef: {name: t, realm: r, stack: x}}\n"));
        assertEquals("spec.containers[0].secrets[0].secretRef.nme: unknown field; did you mean name?",
                secretsRefusal("- {name: T, secretRef: {nme: t}}\n"));
        assertEquals("metadata.space: needs metadata.realm: a deeper coordinate requires the shallower ones",
                refusal("kind: Secret\nmetadata: {name: a, space: s}\nspec: {data: x}\n"));
        assertEquals(ObjectPath.of("r", "s", "t", "c"), read("kind: Secret\nmetadata: {name: a, realm: r, space: s, stack: t,"
                + " cell: c}\nspec: {data: x}\n").get(0).secret().scope(), "a cell's own secret");
        assertEquals("spec.data: is required (a string; binary values are not supported)",
                refusal("kind: Secret\nmetadata: {name: a, realm: r}\n"));
    }

    /** What a document with {@code secrets} (a list at column 0) is refused for. */
    private static String secretsRefusal(String secrets) {
        return refusal(cellWithSecrets(secrets.lines().map(l -> "        " + l + "\n").collect(Collectors.joining())));
    }

    private static String refusal(String yaml) {
        ManifestError error = read(yaml).get(0).error();
        return error.field() + ": " + error.message();
    }

    @Test
    void badContainerSecretsAreRefusedNamingTheFieldAndTheRule() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("- {fromEnv: X}\n", "spec.containers[0].secrets[0].name: is required");
        refusals.put("- {name: T}\n", "spec.containers[0].secrets[0]: needs exactly one of fromFile, fromEnv or secretRef");
        refusals.put("- {name: T, fromEnv: X, fromFile: /f}\n",
                "spec.containers[0].secrets[0]: needs exactly one of fromFile, fromEnv or secretRef");
        refusals.put("- {name: T, fromFile: relative}\n",
                "spec.containers[0].secrets[0].fromFile: \"relative\" must be an absolute, normalised path");
        refusals.put("- {name: T, fromEnv: 'A-B'}\n",
                "spec.containers[0].secrets[0].fromEnv: \"A-B\" must be an environment variable name (letters, digits, '_')");
        refusals.put("- {name: tls.key, fromEnv: X}\n", "spec.containers[0].secrets[0].name: \"tls.key\" must be an"
                + " environment variable name (letters, digits, '_') when there is no mountPath");
        refusals.put("- {name: k, fromEnv: X, mountPath: /run/../etc/shadow}\n", "spec.containers[0].secrets[0].mountPath:"
                + " \"/run/../etc/shadow\" must be an absolute, normalised path");
        refusals.put("- {name: T, fromEnv: X}\n- {name: T, fromFile: /f}\n",
                "spec.containers[0].secrets[1].name: \"T\" is given twice");
        refusals.put("- {name: a, fromEnv: X, mountPath: /s}\n- {name: b, fromEnv: Y, mountPath: /s}\n",
                "spec.containers[0].secrets[1].mountPath: \"/s\" is the target of another mount of this container");
        refusals.put("- {name: T, fromEnv: X, secretRef: {name: token}}\n",
                "spec.containers[0].secrets[0]: needs exactly one of fromFile, fromEnv or secretRef");
        refusals.put("- {name: T, fromEnv: X, value: plain}\n", "spec.containers[0].secrets[0].value");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            String yaml = cellWithSecrets(r.getKey().lines().map(l -> "        " + l + "\n").collect(Collectors.joining()));
            ManifestDocument d = read(yaml).get(0);
            assertNull(d.object(), yaml);
            assertTrue(d.error().toString().contains(r.getValue()), () -> d.error() + " should say " + r.getValue());
        }
    }
}
