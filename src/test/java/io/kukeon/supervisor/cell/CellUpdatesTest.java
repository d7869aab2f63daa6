package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Resources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kukeon.testing.Specs.container;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CellUpdatesTest {
    private static final ContainerSpec WEB = container("web").args("sleep").build();
    private static final ContainerSpec LOG = container("log").args("tail").build();

    private static CellSpec cell(ContainerSpec... containers) {
        return new CellSpec(List.of(containers), null, false, null);
    }

    @Test
    void aChangedWorkloadRestartsAloneAnAddedOneStartsARemovedOneGoes() {
        CellSpec before = cell(WEB, LOG);
        CellSpec after = cell(container("web").args("sleep", "2").build(), container("new").args("x").build());
        assertEquals(List.of("container \"web\" restarts with its new spec", "container \"new\" starts",
                "container \"log\" stops and is removed"), CellUpdates.effects(before, after, CellState.Ready));
    }

    @Test
    void aChangedRootRestartsTheWholeCell() {
        ContainerSpec root = container("main").args("serve").build().withRoot(true);
        CellSpec before = new CellSpec(List.of(root, WEB), "main", false, null);
        CellSpec after = new CellSpec(List.of(container("main").args("serve", "-v").build().withRoot(true), WEB), "main",
                false, null);
        assertEquals(List.of("the whole cell restarts: its root container \"main\" changed"),
                CellUpdates.effects(before, after, CellState.Degraded));
    }

    @Test
    void aChangedNestedCgroupRuntimeRestartsTheWholeCell() {
        CellSpec nested = new CellSpec(List.of(WEB), null, false, null, true, null);
        assertEquals(List.of("the whole cell restarts: nestedCgroupRuntime changed"),
                CellUpdates.effects(cell(WEB), nested, CellState.Ready));
    }

    @Test
    void limitsChangeInPlaceAndACellThatDoesNotRunTakesTheSpecAtItsNextStart() {
        CellSpec before = cell(WEB);
        CellSpec after = new CellSpec(List.of(WEB), null, false, new Resources(64L << 20, null, null, null, null, null, null));
        assertEquals(List.of("the cell's limits change in place"), CellUpdates.effects(before, after, CellState.Ready));
        assertEquals(List.of(), CellUpdates.effects(before, cell(LOG), CellState.Stopped));
        assertEquals(List.of(), CellUpdates.effects(before, cell(LOG), CellState.Exited));
    }
}
