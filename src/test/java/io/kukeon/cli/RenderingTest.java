package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.Metadata;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code kuke} prints for objects and results, against golden files. */
class RenderingTest {

    private static List<ObjectDoc> of(Kind kind) {
        return switch (kind) {
            case REALM -> SampleDocs.realms();
            case SPACE -> SampleDocs.spaces();
            case STACK -> SampleDocs.stacks();
            case CELL -> SampleDocs.cells();
            case CONTAINER -> SampleDocs.containers();
        };
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindInEveryFormat(Kind kind) throws Exception {
        // jsonpath prints what a template picks: JsonPathTest
        for (OutputFormat f : List.of(OutputFormat.table, OutputFormat.wide, OutputFormat.yaml, OutputFormat.json, OutputFormat.name)) {
            String out = ObjectOutput.render(of(kind), kind, new Output(f, null), false, "unused", SampleDocs.NOW);
            Golden.assertMatches(kind.label() + "s." + (f == OutputFormat.wide ? "wide.txt" : f == OutputFormat.table
                    ? "table.txt" : f.name()), out);
        }
    }

    @Test
    void objectsFromAFleetNameTheirNodesAfterTheAge() {
        List<ObjectDoc> cells = SampleDocs.cells().stream().map(d -> d.toBuilder().setNode("node-b").build()).toList();
        List<String> lines = ObjectOutput.render(cells, Kind.CELL, new Output(OutputFormat.table, null), false, "", SampleDocs.NOW)
                .lines().toList();
        assertTrue(lines.get(0).matches("NAME +REALM +SPACE +STACK +STATE +AGE +NODE"), lines.get(0));
        assertTrue(lines.stream().skip(1).allMatch(l -> l.endsWith(" node-b")), String.join("\n", lines));
        String wide = ObjectOutput.render(cells, Kind.CELL, new Output(OutputFormat.wide, null), false, "", SampleDocs.NOW);
        assertTrue(wide.lines().findFirst().orElseThrow().matches("NAME +REALM +SPACE +STACK +STATE +AGE +NODE +CONTAINERS .*"), wide);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void yamlAndJsonOutputReadBackAsTheSameObjects(Kind kind) {
        List<TreeObject> expected = of(kind).stream().map(ObjectMapping::fromProto).map(RenderingTest::asApplied).toList();
        for (OutputFormat f : List.of(OutputFormat.yaml, OutputFormat.json)) {
            String out = ObjectOutput.render(of(kind), kind, new Output(f, null), false, "", SampleDocs.NOW);
            List<ManifestDocument> docs = ManifestReader.read(out.getBytes(StandardCharsets.UTF_8));
            docs.forEach(d -> assertEquals(null, d.error(), f + ": " + d.error()));
            assertEquals(expected, docs.stream().map(ManifestDocument::object).toList(), f.name());
        }
    }

    /** An object as apply reads it: no status, generation 0. */
    private static TreeObject asApplied(TreeObject o) {
        Metadata m = new Metadata(o.metadata().name(), o.metadata().labels(), 0);
        if (o instanceof TreeObject.Realm r) {
            return new TreeObject.Realm(r.path(), m, r.spec(), null);
        } else if (o instanceof TreeObject.Space s) {
            return new TreeObject.Space(s.path(), m, s.spec(), null);
        } else if (o instanceof TreeObject.Stack s) {
            return new TreeObject.Stack(s.path(), m, s.spec(), null);
        } else if (o instanceof TreeObject.Cell c) {
            return new TreeObject.Cell(c.path(), m, c.spec(), null);
        }
        TreeObject.Container c = (TreeObject.Container) o;
        return new TreeObject.Container(c.path(), m, c.spec(), null);
    }

    @Test
    void oneObjectByNameIsOneRowOrOneBareJsonObject() throws Exception {
        List<ObjectDoc> one = List.of(SampleDocs.cells().get(0));
        Golden.assertMatches("cell.table.txt", ObjectOutput.render(one, Kind.CELL, new Output(OutputFormat.table, null), true, "", SampleDocs.NOW));
        Golden.assertMatches("cell.json", ObjectOutput.render(one, Kind.CELL, new Output(OutputFormat.json, null), true, "", SampleDocs.NOW));
    }

    @Test
    void anEmptyListPrintsTheNothingFoundLineOrAnEmptyDocument() {
        String line = "No cells found in stack \"default\".";
        assertEquals(line + "\n", ObjectOutput.render(List.of(), Kind.CELL, new Output(OutputFormat.table, null), false, line, SampleDocs.NOW));
        assertEquals("", ObjectOutput.render(List.of(), Kind.CELL, new Output(OutputFormat.yaml, null), false, line, SampleDocs.NOW));
        assertEquals("{\n  \"items\": []\n}\n",
                ObjectOutput.render(List.of(), Kind.CELL, new Output(OutputFormat.json, null), false, line, SampleDocs.NOW));
    }

    @Test
    void applyReportShowsOutcomesChangesWarningsAndErrors() throws Exception {
        ApplyResponse r = ApplyResponse.newBuilder()
                .addResults(ApplyResult.newBuilder().setKind("Realm").setName("demo").setOutcome("unchanged").setLine(3))
                .addResults(ApplyResult.newBuilder().setKind("Cell").setName("hello-world").setOutcome("updated").setLine(9)
                        .addChanges("spec.containers[web].image: busybox -> alpine")
                        .addChanges("spec.containers[sidecar]: added")
                        .addWarnings("spec.containers[0].image \"busybox\" names no tag: busybox:latest is used"))
                .addResults(ApplyResult.newBuilder().setKind("Cell").setName("broken").setOutcome("failed").setLine(40)
                        .setError("spec.containers[0].image: is required"))
                .addResults(ApplyResult.newBuilder().setKind("").setName("").setOutcome("failed").setLine(51)
                        .setError("line 51, column 3: not valid YAML: mapping values are not allowed here"))
                .build();
        Golden.assertMatches("apply.txt", ApplyReport.render(r, false));
        ApplyResponse placed = ApplyResponse.newBuilder().addResults(ApplyResult.newBuilder().setKind("Cell").setName("web")
                .setOutcome("created").setLine(1).setObject(io.kukeon.wire.v1.ObjectDoc.newBuilder().setNode("b"))).build();
        assertEquals("Cell \"web\": created on node b\n", ApplyReport.render(placed, false), "in a fleet, where a cell runs");
        ApplyResponse pending = ApplyResponse.newBuilder().addResults(ApplyResult.newBuilder().setKind("Cell").setName("big")
                .setOutcome("pending").setLine(1).setObject(io.kukeon.wire.v1.ObjectDoc.newBuilder().setStatus(
                        io.kukeon.wire.v1.Status.newBuilder().setState("Pending")
                                .setMessage("no node can run cell \"r/s/t/big\": a: it is Unreachable")))).build();
        assertEquals("Cell \"big\": pending\n  Pending: no node can run cell \"r/s/t/big\": a: it is Unreachable\n",
                ApplyReport.render(pending, false), "in a fleet, a new cell that no node can run yet");
        assertEquals(0, ApplyReport.failures(pending), "a pending cell is not a failure: the fleet runs it once a node can");
        Golden.assertMatches("apply-dry-run.txt", ApplyReport.render(r, true));
        assertEquals(2, ApplyReport.failures(r));
    }

    @Test
    void eventsStatusAndImages() throws Exception {
        StringBuilder events = new StringBuilder();
        for (Event e : List.of(
                Event.newBuilder().setOffset(1).setKind("Cell").setPath("default/default/default/hello-world")
                        .setType("CellCreated").setSummary("created with 2 containers").setTimestamp("2026-11-29T11:58:00Z").build(),
                Event.newBuilder().setOffset(7).setKind("Container").setPath("default/default/default/hello-world/fetch")
                        .setType("ContainerExited").setSummary("exit code 1;\nrestart in 2s").setTimestamp("2026-11-29T11:59:02Z").build())) {
            events.append(EventLine.of(e)).append('\n');
        }
        Golden.assertMatches("events.txt", events.toString());
        Golden.assertMatches("status.txt", StatusCommand.render(StatusResponse.newBuilder()
                .addChecks(StatusResponse.Check.newBuilder().setName("daemon").setLevel("OK").setDetail("kukeond 0.1.0, up 2h"))
                .addChecks(StatusResponse.Check.newBuilder().setName("journal").setLevel("OK").setDetail("h2 /var/lib/kukeon/journal"))
                .addChecks(StatusResponse.Check.newBuilder().setName("containerd").setLevel("FAIL").setDetail("/run/containerd/containerd.sock: connection refused"))
                .addChecks(StatusResponse.Check.newBuilder().setName("cgroup-driver").setLevel("WARN").setDetail("cgroup v1: memory.min not applied"))
                .build()));
        Golden.assertMatches("images.txt", ImageListCommand.render(List.of(new ImageListCommand.RealmImage("default",
                Image.newBuilder().setName("docker.io/library/busybox:latest")
                        .setDigest("sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79").setSize(2_155_000)
                        .addUsedBy("default/default/default/api").addUsedBy("default/default/default/web").build()),
                new ImageListCommand.RealmImage("demo", Image.newBuilder().setName("docker.io/library/alpine:3")
                        .setDigest("sha256:0123456789abcdef0123").setSize(3_500_000).build())), new ScopeFilter()));
        assertEquals("No images found in realm \"r\".\n", ImageListCommand.render(List.of(), new ScopeFilter("r")));
        assertEquals("No images found.\n", ImageListCommand.render(List.of(), new ScopeFilter()));
    }
}
