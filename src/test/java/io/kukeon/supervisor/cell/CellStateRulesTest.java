package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.RestartPolicy;
import io.kukeon.supervisor.TreeSettings;
import io.kukeon.supervisor.cell.CellEvent.CellCreated;
import io.kukeon.supervisor.cell.CellEvent.CgroupProvisioned;
import io.kukeon.supervisor.cell.CellEvent.StartRequested;
import io.kukeon.supervisor.cell.CellEvent.Started;
import io.kukeon.supervisor.cell.CellEvent.StopRequested;
import io.kukeon.supervisor.cell.CellEvent.Stopped;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.kukeon.testing.Specs.cell;
import static io.kukeon.testing.Specs.container;
import static io.kukeon.testing.Specs.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The cell's displayed state, rule by rule. */
class CellStateRulesTest {
    private static final CellSpec TWO = cell(container("web").build(),
            container("side").restart(RestartPolicy.ALWAYS).build());
    private static final CellSpec ROOT_ONLY = cell(container("app").root().build());
    private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    private static Map<String, ContainerStatus> reported(ContainerState root, ContainerState web, Integer webExit,
                                                         ContainerState side) {
        Map<String, ContainerStatus> m = new HashMap<>();
        m.put("root", status("root", root).build());
        m.put("web", status("web", web).exitCode(webExit).build());
        m.put("side", status("side", side).build());
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
        m.put("side", status("side", ContainerState.Error).exitCode(1).restartOwedAt(Instant.now().plusSeconds(5)).build());
        assertEquals(CellState.Degraded, derive(m));
    }

    @Test
    void aCellOfOnlyItsRootFollowsTheRoot() {
        assertEquals(CellState.Ready, CellStateRules.derive(ROOT_ONLY, Map.of("app", status("app", ContainerState.Ready).build()), false));
        assertEquals(CellState.Exited, CellStateRules.derive(ROOT_ONLY,
                Map.of("app", status("app", ContainerState.Exited).exitCode(0).build()), false));
        assertEquals(CellState.Error, CellStateRules.derive(ROOT_ONLY,
                Map.of("app", status("app", ContainerState.Error).exitCode(2).build()), false));
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
        CellRecord created = CellRecord.empty().created(new CellCreated(TWO, Map.of(), Map.of(), true, T));
        assertEquals(CellState.Pending, CellStateRules.display(created, Map.of(), false), "created by apply, not started yet");
        CellRecord running = created.provisioned(new CgroupProvisioned(GroupStatus.missing("/kukeon/c"), T, null))
                .startRequested(new StartRequested(T)).started(new Started(42, T, null));
        assertEquals(CellState.Ready, CellStateRules.display(running, all, false));
        assertEquals(CellState.Error, CellStateRules.display(running.failed("WorkloadFailed", "x", T, CellState.Error), all,
                false), "sticky");
        CellRecord stopped = running.stopRequested(new StopRequested(false, T)).stopped(new Stopped(T));
        assertEquals(CellState.Stopped, CellStateRules.display(stopped, all, false));
    }

    private static final TreeSettings.RestartBackoff BACKOFF =
            new TreeSettings.RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(300), Duration.ofMinutes(10));

    private static CellRecord running(CellSpec spec) {
        return CellRecord.empty().created(new CellCreated(spec, Map.of(), Map.of(), true, T))
                .provisioned(new CgroupProvisioned(GroupStatus.missing("/kukeon/c"), T, null))
                .startRequested(new StartRequested(T)).started(new Started(42, T, null));
    }

    private static Map<String, ContainerStatus> rootAnd(ContainerStatus root, ContainerStatus web) {
        return Map.of(root.name(), root, web.name(), web);
    }

    /**
     * A user's root under policy never exits while its workload runs: the cell owes a restart around
     * a new root, at once, then with the initial delay; not when the root's policy brings it back,
     * when the workloads are done, when the root was stopped, nor for an autoDelete cell.
     */
    @Test
    void aRootThatExitsForGoodOwesARestartWhenTheCellHasWorkLeft() {
        CellSpec spec = cell(container("main").root().build(), container("web").build());
        ContainerStatus killed = status("main", ContainerState.Error).pid(42).exitCode(137).build();
        ContainerStatus webRuns = status("web", ContainerState.Ready).build();
        CellEvent.RootExited first = CellStateRules.rootExit(running(spec), rootAnd(killed, webRuns), BACKOFF, T);
        assertEquals(new CellEvent.RootExited("main", 42, 137, false, 1, T, T), first);

        CellRecord owed = running(spec).rootExited(first);
        assertEquals(CellState.Degraded, CellStateRules.display(owed, rootAnd(killed, webRuns), false));
        assertNull(CellStateRules.rootExit(owed, rootAnd(killed, webRuns), BACKOFF, T), "written once");
        CellRecord again = owed.startRequested(new StartRequested(T)).started(new Started(43, T, null));
        CellEvent.RootExited second = CellStateRules.rootExit(again, rootAnd(killed, webRuns), BACKOFF, T);
        assertEquals(2, second.attempt());
        assertEquals(T.plusSeconds(1), second.due());

        ContainerStatus comesBack = status("main", ContainerState.Error).exitCode(137).restartOwedAt(T).build();
        assertNull(CellStateRules.rootExit(running(spec), rootAnd(comesBack, webRuns), BACKOFF, T), "its own policy restarts it");
        ContainerStatus webDone = status("web", ContainerState.Exited).exitCode(0).build();
        assertNull(CellStateRules.rootExit(running(spec), rootAnd(killed, webDone), BACKOFF, T), "nothing left to run");
        CellSpec always = cell(container("main").root().build(), container("web").restart(RestartPolicy.ALWAYS).build());
        assertNotNull(CellStateRules.rootExit(running(always), rootAnd(killed, webDone), BACKOFF, T), "web is meant to run always");
        ContainerStatus stopped = status("main", ContainerState.Stopped).build();
        assertNull(CellStateRules.rootExit(running(spec), rootAnd(stopped, webRuns), BACKOFF, T), "stopped by an operator");
        assertNull(CellStateRules.rootExit(running(spec.withAutoDelete(true)), rootAnd(killed, webRuns), BACKOFF, T));
        assertNull(CellStateRules.rootExit(running(spec).stopRequested(new StopRequested(false, T)), rootAnd(killed, webRuns),
                BACKOFF, T), "a cell being stopped");
    }
}
