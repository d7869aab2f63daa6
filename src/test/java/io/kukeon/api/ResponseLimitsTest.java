package io.kukeon.api;

import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.HistoryResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Responses whose size follows the journal or the manifest stay within their budget. */
class ResponseLimitsTest {
    private static Event event(long offset) {
        return Event.newBuilder().setOffset(offset).setType("ContainerExited").setSummary("x".repeat(100)).build();
    }

    @Test
    void aHistoryKeepsItsNewestEventsThatFitAndCountsTheOthers() {
        NewestEvents history = new NewestEvents(1000);
        for (long i = 1; i <= 50; i++) {
            history = history.add(event(i));
        }
        HistoryResponse response = history.response();
        assertTrue(response.getSerializedSize() <= 1000 + 20, "within the budget: " + response.getSerializedSize());
        assertEquals(50, response.getEventsCount() + response.getLeftOut());
        assertEquals(50, response.getEvents(response.getEventsCount() - 1).getOffset(), "the newest is kept");
        assertEquals(response.getLeftOut() + 1, response.getEvents(0).getOffset(), "oldest first, the oldest left out");
        assertEquals(0, new NewestEvents(1000).add(event(1)).response().getLeftOut(), "a short history is whole");
    }

    @Test
    void anApplyResponseOverItsBudgetLeavesTheObjectsOut() {
        ApplyResponse.Builder small = ApplyResponse.newBuilder().addResults(result("a"));
        assertTrue(ApplyService.withinResponseLimit(small, 10_000).getResults(0).hasObject(), "it fits: kept");
        ApplyResponse.Builder large = ApplyResponse.newBuilder();
        for (int i = 0; i < 40; i++) {
            large.addResults(result("c" + i));
        }
        ApplyResponse bounded = ApplyService.withinResponseLimit(large, 10_000);
        assertEquals(40, bounded.getResultsCount(), "every result is still there");
        assertFalse(bounded.getResultsList().stream().anyMatch(ApplyResult::hasObject));
        assertEquals("created", bounded.getResults(39).getOutcome());
    }

    private static ApplyResult result(String name) {
        return ApplyResult.newBuilder().setKind("Cell").setName(name).setPath("r/s/t/" + name).setOutcome("created")
                .setObject(Docs.cell("r/s/t/" + name, Map.of(), Docs.container("app", "y".repeat(500)))).build();
    }
}
