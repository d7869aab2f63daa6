package io.kukeon.api;

import io.kukeon.fleet.ScopesForCells;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scope's copies on several nodes as one name: where its document goes, its apply's result, its list row. */
class ScopeCopiesTest {
    @Test
    void theCopiesOfOnePathAreOneRowNamingEveryHolderThisNodesCopyShown() {
        List<ObjectDoc> rows = ScopeCopies.oneRowPerName(List.of(doc("r/s", "a", "from-a"), doc("r/s", "b", "from-b"),
                doc("r/t", "c", "only"), doc("x/s", "a", "a1"), doc("x/s", "c", "c1")), "b");
        assertEquals(List.of("r/s@a,b from-b", "r/t@c only", "x/s@a,c a1"), rows.stream()
                .map(d -> d.getPath() + "@" + d.getNode() + " " + d.getMetadata().getLabelsMap().get("from")).toList());
    }

    @Test
    void theHoldersAreNamedByName() {
        assertEquals("a,b,c", ScopeCopies.named(List.of("c", "a", "b")));
    }

    @Test
    void aDocumentIsAppliedHereWhenThisNodeHoldsItNoNodeDoesOrThisApplyKeepsSomethingInIt() {
        assertTrue(ScopeCopies.appliedHere(true, true, false));
        assertTrue(ScopeCopies.appliedHere(false, false, false), "no node holds it: made here");
        assertTrue(ScopeCopies.appliedHere(false, true, true), "a secret of the same apply is kept here");
        assertFalse(ScopeCopies.appliedHere(false, true, false), "held elsewhere only: applied there only");
    }

    @Test
    void aCopyHeldForCellsStaysLabelledSoWhereItIsHeld() {
        TreeObject space = new TreeObject.Space(ObjectPath.parse("r/s"), new Metadata("s", Map.of("tier", "web"), 0),
                SpaceSpec.DEFAULT, null);
        TreeObject forCells = ScopeCopies.forHolder(space, ObjectDoc.newBuilder().setMetadata(io.kukeon.wire.v1.Metadata
                .newBuilder().putLabels(ScopesForCells.LABEL, "true")).build());
        assertEquals(Map.of("tier", "web", ScopesForCells.LABEL, "true"), forCells.metadata().labels());
        assertSame(space, ScopeCopies.forHolder(space, ObjectDoc.getDefaultInstance()), "a user's copy takes the document as given");
    }

    @Test
    void appliedOnEveryHolderTheResultIsTheMostTellingOutcomeWithThisNodesCopyNamingAll() {
        ApplyResult merged = ScopeCopies.merged(started(), "c", Map.of(
                "a", applied("unchanged", "a"), "c", applied("updated", "c", "metadata.labels.tier: web"),
                "b", applied("updated", "b", "metadata.labels.tier: web")));
        assertEquals("updated", merged.getOutcome());
        assertEquals(List.of("metadata.labels.tier: web"), merged.getChangesList());
        assertEquals("a,b,c", merged.getObject().getNode());
        assertEquals("c", merged.getObject().getMetadata().getLabelsMap().get("copy"), "this node's copy is shown");
        assertEquals(7, merged.getLine(), "the document's own line");
        assertEquals("unchanged", ScopeCopies.merged(started(), "z", Map.of("a", applied("unchanged", "a"),
                "b", applied("unchanged", "b"))).getOutcome());
        assertEquals("a", ScopeCopies.merged(started(), "z", Map.of("a", applied("unchanged", "a"),
                "b", applied("unchanged", "b"))).getObject().getMetadata().getLabelsMap().get("copy"), "else the first");
    }

    @Test
    void failedOnAnyHolderTheDocumentFailsNamingEachNodesErrorAndWhereItWasApplied() {
        ApplyResult failedOnB = ApplyResult.newBuilder().setOutcome("failed").setErrorKind("NodeUnavailable")
                .setError("node \"b\" did not answer within 5 minutes").build();
        ApplyResult merged = ScopeCopies.merged(started(), "a", Map.of("a", applied("updated", "a"), "b", failedOnB));
        assertEquals("failed", merged.getOutcome());
        assertEquals("NodeUnavailable", merged.getErrorKind());
        assertEquals("on node(s) b: node \"b\" did not answer within 5 minutes; applied on node(s) a", merged.getError());
        assertFalse(merged.hasObject(), "what needs it is not applied");
        ApplyResult invalid = ApplyResult.newBuilder().setOutcome("failed").setErrorKind("InvalidArgument")
                .setError("spec.x: must be y").build();
        assertEquals("on node(s) a, b: spec.x: must be y; applied on no node",
                ScopeCopies.merged(started(), "a", Map.of("a", invalid, "b", invalid)).getError());
    }

    @Test
    void oneCopyIsItsNodesResultNamingIt() {
        ApplyResult one = ScopeCopies.merged(started(), "a", Map.of("a", applied("created", "a")));
        assertEquals("created", one.getOutcome());
        assertEquals("a", one.getObject().getNode());
        ApplyResult refused = ScopeCopies.merged(started(), "a", Map.of("a", ApplyResult.newBuilder().setOutcome("failed")
                .setErrorKind("InvalidArgument").setError("spec.x: must be y").build()));
        assertEquals("spec.x: must be y", refused.getError(), "as the node said it");
    }

    private static ApplyResult.Builder started() {
        return ApplyResult.newBuilder().setKind("Space").setName("s").setPath("r/s").setLine(7);
    }

    private static ApplyResult applied(String outcome, String copy, String... changes) {
        return ApplyResult.newBuilder().setOutcome(outcome).addAllChanges(List.of(changes)).setObject(doc("r/s", "", copy)).build();
    }

    private static ObjectDoc doc(String path, String node, String from) {
        return ObjectDoc.newBuilder().setKind("Space").setPath(path).setNode(node)
                .setMetadata(io.kukeon.wire.v1.Metadata.newBuilder().putLabels("from", from).putLabels("copy", from)).build();
    }
}
