package io.kukeon.supervisor;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cell's displayed state, rule by rule. */
class CellStateRulesTest {
    private static final CellSpec TWO = new CellSpec(List.of(ContainerSpec.of("web", "busybox", null, List.of()),
            new ContainerSpec("side", false, "busybox", null, List.of(), List.of(), null, null, RestartPolicy.ALWAYS,
                    null, null, null)), null, false, null).normalized();
    private static final CellSpec ROOT_ONLY = new CellSpec(List.of(ContainerSpec.of("app", "busybox", null, List.of())
            .withRoot(true)), null, false, null).normalized();

    private static ContainerStatus status(String name, ContainerState state, Integer exit, Instant nextRestart) {
        return new ContainerStatus(name, "id", state, null, 0, null, null, exit, null, false, null, null, nextRestart,
                null, null, null, null);
    }

    private static Map<String, ContainerStatus> reported(ContainerState root, ContainerState web, Integer webExit,
                                                         ContainerState side) {
        Map<String, ContainerStatus> m = new HashMap<>();
        m.put("root", status("root", root, null, null));
        m.put("web", status("web", web, webExit, null));
        m.put("side", status("side", side, null, null));
        return m;
    }

    private static CellState derive(Map<String, ContainerStatus> reported) {
        return CellStateRules.derive(TWO, reported, false);
    }

    @Test
    void workloadsDecide() {
        assertEquals(CellState.Ready, derive(reported(ContainerState.Ready, ContainerState.Ready, null, ContainerState.Ready)));
        assertEquals(CellState.Ready, derive(reported(ContainerState.Ready, ContainerState.Exited, 0, ContainerState.Ready)),
                "a clean exit under policy never is not a fault");
        assertEquals(CellState.Degraded, derive(reported(ContainerState.Ready, ContainerState.Error, 1, ContainerState.Ready)));
        assertEquals(CellState.Degraded, derive(reported(ContainerState.Ready, ContainerState.Ready, null, ContainerState.Exited)),
                "side is meant to run always");
        assertEquals(CellState.Degraded, derive(reported(ContainerState.Exited, ContainerState.Ready, null, ContainerState.Ready)),
                "the root is down");
        assertEquals(CellState.Error, derive(reported(ContainerState.Ready, ContainerState.Error, 3, ContainerState.Exited)));
        assertEquals(CellState.Exited, derive(reported(ContainerState.Ready, ContainerState.Exited, 0, ContainerState.Exited)));
        assertEquals(CellState.Unknown, derive(reported(ContainerState.Ready, ContainerState.Unknown, null, ContainerState.Ready)));
    }

    @Test
    void aRestartOwedKeepsTheCellDegraded() {
        Map<String, ContainerStatus> m = reported(ContainerState.Ready, ContainerState.Exited, 0, ContainerState.Exited);
        m.put("side", status("side", ContainerState.Error, 1, Instant.now().plusSeconds(5)));
        assertEquals(CellState.Degraded, derive(m));
    }

    @Test
    void aCellOfOnlyItsRootFollowsTheRoot() {
        assertEquals(CellState.Ready, CellStateRules.derive(ROOT_ONLY, Map.of("app", status("app", ContainerState.Ready, null, null)), false));
        assertEquals(CellState.Exited, CellStateRules.derive(ROOT_ONLY, Map.of("app", status("app", ContainerState.Exited, 0, null)), false));
        assertEquals(CellState.Error, CellStateRules.derive(ROOT_ONLY, Map.of("app", status("app", ContainerState.Error, 2, null)), false));
    }

    @Test
    void withoutContainerdOrReportsNothingIsKnown() {
        Map<String, ContainerStatus> all = reported(ContainerState.Ready, ContainerState.Ready, null, ContainerState.Ready);
        assertEquals(CellState.Unknown, CellStateRules.derive(TWO, all, true));
        all.remove("side");
        assertEquals(CellState.Unknown, derive(all), "a container that has not reported yet");
    }

    @Test
    void intentComesFirst() {
        Map<String, ContainerStatus> all = reported(ContainerState.Ready, ContainerState.Ready, null, ContainerState.Ready);
        CellActor.State running = new CellActor.State(true, TWO, Map.of(), 1, 1, CellActor.Activity.NONE, true, java.util.Set.of(),
                null, 42, null, null, null, true, true, null, null, null);
        assertEquals(CellState.Ready, CellStateRules.display(running, all, false));
        assertEquals(CellState.Error, CellStateRules.display(withSticky(running, CellState.Error), all, false), "sticky");
        CellActor.State stopped = new CellActor.State(true, TWO, Map.of(), 1, 1, CellActor.Activity.NONE, false,
                java.util.Set.of(), null, null, null, null, null, true, true, null, null, null);
        assertEquals(CellState.Stopped, CellStateRules.display(stopped, all, false));
        CellActor.State fresh = new CellActor.State(true, TWO, Map.of(), 1, 0, CellActor.Activity.PROVISIONING, true,
                java.util.Set.of(), null, null, null, null, null, false, false, null, null, null);
        assertEquals(CellState.Pending, CellStateRules.display(fresh, Map.of(), false), "created by apply, not started yet");
    }

    private static CellActor.State withSticky(CellActor.State s, CellState sticky) {
        return new CellActor.State(s.exists(), s.spec(), s.labels(), s.generation(), s.observedGeneration(), s.activity(),
                s.desiredRunning(), s.retiring(), s.cgroup(), s.rootPid(), sticky, "WorkloadFailed", "x", s.readyObserved(),
                s.everStarted(), s.createdAt(), s.updatedAt(), s.readyAt());
    }
}
