package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.CellNetworkStatus;
import io.kukeon.network.CniFailure;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.FakeCniNetworks;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.TreeSettings;
import io.kukeon.supervisor.cell.CellRecord.Activity;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.testing.ActorTestBed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kukeon.testing.ActorTestBed.await;
import static io.kukeon.testing.Specs.cell;
import static io.kukeon.testing.Specs.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One cell actor, driven directly, with its container actors as its children on the fake runtime:
 * each command, the events the cell writes, its answers, its containers' commands, recovery of an
 * interrupted intent, a journal failure, and a failed start. The stack is a probe.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CellActorTest {
    private static final String NS = "r.kukeon.io";
    private static final AtomicInteger CELLS = new AtomicInteger();
    @JUnit5TestKit
    public final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("cell-actor").withCustomConfig(ActorTestBed.CONFIG)
            .build();

    ActorTestBed bed;
    TestProbe<TreeCommand> stack;
    ObjectPath path;
    String name;
    EventSourcedBehaviorTestKit<TreeCommand, CellEvent, CellRecord> actor;

    @BeforeEach
    void newCell() {
        newCell(new ActorTestBed());
    }

    private void newCell(ActorTestBed testBed) {
        bed = testBed;
        stack = testKit.createTestProbe();
        name = "c" + CELLS.incrementAndGet();
        path = ObjectPath.parse("r/s/t/" + name);
        actor = EventSourcedBehaviorTestKit.create(testKit.system(),
                CellActor.create(path, testKit.spawn(bed.hostAnsweringSubnets(stack.ref())), bed.ports, new RealmAccess(NS, List.of())), ActorTestBed.SERIALIZATION);
    }

    private static CellSpec app(ContainerSpec workload) {
        return cell(workload);
    }

    private static ContainerSpec sleeper() {
        return container("app").args("sleep").build();
    }

    private Reply ask(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<Reply>>, ObjectCommand> command,
                      ObjectPath target) {
        StatusReply<Reply> reply = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(target, command.apply(replyTo)))
                .reply();
        if (reply.isError()) {
            throw new AssertionError("failed: " + reply.getError(), reply.getError());
        }
        return reply.getValue();
    }

    private Reply upsert(CellSpec spec, ObjectCommand.Mode mode) {
        TreeObject.Cell desired = new TreeObject.Cell(path, new Metadata(name, Map.of("tier", "web"), 0), spec, null);
        return ask(replyTo -> new ObjectCommand.Upsert(desired, mode, replyTo), path);
    }

    private TaskInfo task(String container) {
        var c = bed.runtime.container(NS, "s_t_" + name + "_" + container);
        return c == null ? null : c.task();
    }

    private boolean runs(String container) {
        TaskInfo t = task(container);
        return t != null && t.status() == TaskInfo.Status.RUNNING;
    }

    private List<Class<?>> written() {
        return ActorTestBed.written(actor, "Cell|" + path);
    }

    private static String state(Reply reply) {
        return reply.object().state();
    }

    // ---- create, start, stop ----

    @Test
    void anApplyCreatesProvisionsAndStartsTheCell() {
        Reply reply = upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        assertEquals(Reply.Outcome.CREATED, reply.outcome());
        assertEquals("Ready", state(reply));
        assertEquals(List.of(CellEvent.CellCreated.class, CellEvent.CgroupProvisioned.class, CellEvent.StartRequested.class,
                CellEvent.NetworkAttached.class, CellEvent.Started.class), written());
        assertTrue(runs("root") && runs("app"), "both tasks run");
        assertTrue(bed.cgroups.groups().containsKey("/kukeon/r/s/t/" + name), "the cell's cgroup");
        assertEquals(task("root").pid(), actor.getState().run().rootPid());
        assertEquals("web", bed.index.get(path).orElseThrow().metadata().labels().get("tier"), "in the index");
    }

    /**
     * A memory limit the host refuses (below what the cell uses) is not reported as in force: the
     * cell is Failed, the same apply tries again and fails again rather than saying "unchanged",
     * a start does not run the cell on it, and once the host can take it, the apply succeeds.
     */
    @Test
    void aLimitTheHostRefusesIsNeverReportedAsInForce() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        bed.cgroups.memoryInUse(64L << 20);
        CellSpec lower = new CellSpec(app(sleeper()).containers(), null, false,
                new Resources(32L << 20, null, null, null, null, null, null));

        Reply refused = upsert(lower, ObjectCommand.Mode.APPLY);
        assertEquals("Failed", state(refused));
        assertTrue(((TreeObject.Cell) refused.object()).status().message().contains("Device or resource busy"));
        Reply again = upsert(lower, ObjectCommand.Mode.APPLY);
        assertEquals(Reply.Outcome.UPDATED, again.outcome(), "tried again, not unchanged");
        assertEquals("Failed", state(again));
        assertEquals("Failed", state(ask(ObjectCommand.Start::new, path)), "a start provisions first, and fails");
        assertFalse(actor.getState().specInForce());

        bed.cgroups.memoryInUse(0);
        Reply applied = upsert(lower, ObjectCommand.Mode.APPLY);
        assertEquals("Ready", state(applied));
        assertEquals(32L << 20, bed.cgroups.groups().get("/kukeon/r/s/t/" + name).memoryMax());
        assertTrue(actor.getState().specInForce());
    }

    @Test
    void aCreatedCellIsNotStartedAndTheSameApplyStartsIt() {
        assertEquals("Pending", state(upsert(app(sleeper()), ObjectCommand.Mode.CREATE)));
        assertFalse(runs("root"));
        Reply again = upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        assertEquals(Reply.Outcome.UNCHANGED, again.outcome(), "same spec");
        assertEquals("Ready", state(again), "but a cell that never ran is started by apply");
    }

    @Test
    void aStopWritesItsIntentThenStoppedAndEveryTaskIsGone() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        Reply stopped = ask(replyTo -> new ObjectCommand.Stop(Duration.ofSeconds(1), replyTo), path);
        assertEquals("Stopped", state(stopped));
        List<Class<?>> events = written();
        assertEquals(List.of(CellEvent.StopRequested.class, CellEvent.Stopped.class), events.subList(events.size() - 2, events.size()));
        assertFalse(runs("root") || runs("app"));
    }

    @Test
    void aRestartStopsThenStartsWithANewRoot() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int root = task("root").pid();
        Reply restarted = ask(replyTo -> new ObjectCommand.Restart(Duration.ofSeconds(1), replyTo), path);
        assertEquals("Ready", state(restarted));
        assertNotEquals(root, task("root").pid());
        assertTrue(runs("app"));
    }

    @Test
    void aStartThatFailsLeavesNothingRunningAndTheCellFailedWithTheReason() {
        bed.runtime.unknownImage("nowhere/app:1");
        Reply reply = upsert(app(container("app").image("nowhere/app:1").build()), ObjectCommand.Mode.APPLY);
        TreeObject.Cell cell = (TreeObject.Cell) reply.object();
        assertEquals(CellState.Failed, cell.status().state());
        assertTrue(cell.status().message().contains("app"), cell.status().message());
        await("the root killed", () -> !runs("root"));
        assertEquals(CellEvent.StartFailed.class, written().get(written().size() - 1));
    }

    @Test
    void aWorkloadThatExitsNonZeroPutsACellMeantToRunInError() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int pid = task("app").pid();
        bed.runtime.exitSilently(NS, "s_t_" + name + "_app", 3);
        actor.runCommand(new Routed(path.child("app"), new Notice.TaskExited(pid, 3, Instant.now())));
        await("the verdict written", () -> written().contains(CellEvent.WorkloadFailed.class));
        assertEquals(CellState.Error, actor.getState().sticky());
        assertTrue(actor.getState().message().contains("exited with code 3"), actor.getState().message());
    }

    // ---- the bring-up check: the start answers at once, the verdict follows ----

    /** The cell again, on a bed whose startup grace is {@code grace}. */
    private void newCellWithGrace(Duration grace) {
        newCellWith(grace, null);
    }

    /** The cell again, on a bed whose startup grace and restart backoff are these (null: the bed's). */
    private void newCellWith(Duration grace, TreeSettings.RestartBackoff backoff) {
        TreeSettings defaults = new ActorTestBed().ports.settings();
        newCell(new ActorTestBed(new TreeSettings(defaults.snapshotEvery(), defaults.stopTimeout(), grace, defaults.logDir(),
                defaults.cellsDir(), backoff != null ? backoff : defaults.restartBackoff(), defaults.failureInjection(),
                defaults.logDefaults())));
    }

    private static CellSpec restartingAlways() {
        return app(container("app").args("sleep").restart(RestartPolicy.ALWAYS).backoffSeconds(0).build());
    }

    private TreeObject.Cell get() {
        return (TreeObject.Cell) ask(ObjectCommand.Get::new, path).object();
    }

    /**
     * The start answers once its tasks run, with the end of the window in its status; a workload that
     * exits within it fails the cell with the reason the start gave when it waited, and its restart
     * policy (always, no backoff) does not bring it back: the cell kills what ran instead.
     */
    @Test
    void aWorkloadThatExitsWithinTheBringUpFailsTheCellAndIsNotRestarted() {
        newCellWithGrace(Duration.ofSeconds(5));
        Reply reply = upsert(restartingAlways(), ObjectCommand.Mode.APPLY);
        TreeObject.Cell started = (TreeObject.Cell) reply.object();
        assertEquals(CellState.Ready, started.status().state(), "answered while the window is open");
        assertNotNull(started.status().bringUpDue());
        assertTrue(started.status().bringUpDue().isAfter(Instant.now()), "answered without waiting for the grace");
        assertEquals(CellEvent.Started.class, written().get(written().size() - 1), "the window written with the start");
        assertEquals(List.of("app"), actor.getState().bringUp().workloads());
        exits("app", 3);
        await("the bring-up failed", () -> actor.getState().sticky() == CellState.Failed);
        assertEquals("ContainerExitedEarly", actor.getState().reason());
        assertTrue(actor.getState().message().contains("exited within 5000 ms of its start (exit code 3)"),
                actor.getState().message());
        await("what ran killed", () -> !runs("root"));
        stack.expectNoMessage(Duration.ofMillis(300));
        assertNeverRestarted("app");
        assertFalse(runs("app"));
        TreeObject.Cell failed = get();
        assertEquals(CellState.Failed, failed.status().state());
        assertNull(failed.status().bringUpDue(), "judged");
        assertNull(failed.status().network(), "its address released");
    }

    /** Past the window, an exit is its restart policy's; the verdict came at the window's end. */
    @Test
    void anExitAfterTheBringUpIsLeftToTheRestartPolicy() {
        newCellWithGrace(Duration.ofMillis(200));
        upsert(restartingAlways(), ObjectCommand.Mode.APPLY);
        await("judged at the window's end", () -> get().status().bringUpDue() == null);
        int pid = task("app").pid();
        exits("app", 3);
        await("restarted by its policy", () -> runs("app") && task("app").pid() != pid);
        assertFalse(written().contains(CellEvent.StartFailed.class));
        assertNull(actor.getState().sticky());
    }

    /** An exit nobody reported (its event lost) is found by asking containerd at the window's end. */
    @Test
    void anUnreportedExitWithinTheWindowIsFoundAtItsEnd() {
        newCellWithGrace(Duration.ofMillis(300));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        bed.runtime.exitSilently(NS, "s_t_" + name + "_app", 1);
        await("the bring-up failed", () -> actor.getState().sticky() == CellState.Failed);
        assertEquals("ContainerExitedEarly", actor.getState().reason());
        assertEquals(CellEvent.StartFailed.class, written().get(written().size() - 1));
    }

    /** Exit 0 within the window did its job: no failure. */
    @Test
    void anExitZeroWithinTheWindowIsNoFailure() {
        newCellWithGrace(Duration.ofMillis(300));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        exits("app", 0);
        await("judged", () -> get().status().bringUpDue() == null);
        assertEquals(CellState.Exited, get().status().state());
        assertFalse(written().contains(CellEvent.StartFailed.class));
    }

    /** kukeond killed within the window: the workload's exit meanwhile is found at recovery and fails the cell. */
    @Test
    void anExitWithinTheWindowWhileKukeondWasDownFailsTheCellAtRecovery() {
        newCellWithGrace(Duration.ofSeconds(5));
        upsert(restartingAlways(), ObjectCommand.Mode.APPLY);
        bed.runtime.exitSilently(NS, "s_t_" + name + "_app", 2);
        actor.restart();
        await("the bring-up failed", () -> actor.getState().sticky() == CellState.Failed);
        await("what ran killed", () -> !runs("root"));
        assertNeverRestarted("app");
    }

    private void assertNeverRestarted(String container) {
        List<Class<?>> containerJournal = ActorTestBed.written(actor, "Container|" + path.child(container));
        assertTrue(containerJournal.contains(io.kukeon.supervisor.container.ContainerEvent.TaskExited.class), containerJournal.toString());
        assertFalse(containerJournal.contains(io.kukeon.supervisor.container.ContainerEvent.RestartScheduled.class),
                "never restarted by its policy: " + containerJournal);
    }

    /** A window that ended while kukeond was down counts as passed: no verdict pending, nothing failed. */
    @Test
    void aWindowThatEndedWhileKukeondWasDownCountsAsPassed() {
        newCellWithGrace(Duration.ofMillis(100));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        await("judged", () -> get().status().bringUpDue() == null);
        actor.restart();
        TreeObject.Cell recovered = get();
        assertNull(recovered.status().bringUpDue());
        await("Ready after adoption", () -> get().status().state() == CellState.Ready);
        assertFalse(written().contains(CellEvent.StartFailed.class));
    }

    // ---- autoDelete ----

    private static CellSpec autoDeleting(ContainerSpec workload) {
        return new CellSpec(List.of(workload), null, true, null).normalized();
    }

    private void exits(String container, int code) {
        int pid = task(container).pid();
        bed.runtime.exitSilently(NS, "s_t_" + name + "_" + container, code);
        actor.runCommand(new Routed(path.child(container), new Notice.TaskExited(pid, code, Instant.now())));
    }

    /** {@code docker run --rm}: once the workload exited, whatever its code, the cell deletes itself, intent first. */
    @Test
    void anAutoDeleteCellDeletesItselfOnceItsWorkloadsExitedWhateverTheCode() {
        for (int code : new int[] {0, 3}) {
            newCell();
            upsert(autoDeleting(sleeper()), ObjectCommand.Mode.APPLY);
            exits("app", code);
            ChildMessages.Gone gone = stack.expectMessageClass(ChildMessages.Gone.class);
            assertEquals(name, gone.name());
            assertEquals(new ChildMessages.Resumed(), gone.origin(), "nobody asked: the stack forgets it all the same");
            assertTrue(written().contains(CellEvent.DeleteRequested.class));
            assertFalse(written().contains(CellEvent.WorkloadFailed.class), "deleted, not kept in Error");
            assertTrue(bed.runtime.containers().isEmpty(), "nothing left in containerd");
            assertTrue(bed.index.get(path).isEmpty());
        }
    }

    /** A workload still owed a restart, or a cell an operator stopped, is not done. */
    @Test
    void anAutoDeleteCellStaysWhileARestartIsOwedAndWhenStopped() {
        upsert(autoDeleting(container("app").args("sleep").restart(RestartPolicy.ALWAYS).backoffSeconds(0).build()),
                ObjectCommand.Mode.APPLY);
        exits("app", 0);
        await("restarted by its policy", () -> runs("app"));
        ask(replyTo -> new ObjectCommand.Stop(null, replyTo), path);
        stack.expectNoMessage(java.time.Duration.ofMillis(300));
        assertFalse(written().contains(CellEvent.DeleteRequested.class));
        assertTrue(actor.getState().exists());
    }

    /** kukeond killed after the workload exited, before the cell wrote its delete: recovery finds it done and deletes it. */
    @Test
    void anAutoDeleteCellWhoseWorkloadExitedDuringACrashIsDeletedAtRecovery() {
        upsert(autoDeleting(sleeper()), ObjectCommand.Mode.APPLY);
        bed.runtime.exitSilently(NS, "s_t_" + name + "_app", 0);
        actor.restart();
        ChildMessages.Gone gone = stack.expectMessageClass(ChildMessages.Gone.class, java.time.Duration.ofSeconds(10));
        assertEquals(name, gone.name());
        assertTrue(bed.runtime.containers().isEmpty(), "nothing left in containerd");
    }

    // ---- its network ----

    private String rootId() {
        return "s_t_" + name + "_root";
    }

    private List<FakeCniNetworks.Call> cniCalls(String command) {
        return bed.networks.cni.calls().stream().filter(c -> c.command().equals(command)).toList();
    }

    @Test
    void theRootIsAttachedToItsSpacesNetworkAndTheAddressIsInTheStatus() {
        Reply reply = upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        CellNetworkStatus network = ((TreeObject.Cell) reply.object()).status().network();
        assertEquals(new CellNetworkStatus("10.88.0.2", 24, "10.88.0.1", SpaceNetwork.bridgeName("r-s")), network);
        FakeCniNetworks.Call add = cniCalls("ADD").get(0);
        assertEquals(rootId(), add.containerId());
        assertEquals("eth0", add.ifName());
        assertEquals(Path.of("/proc/" + task("root").pid() + "/ns/net"), add.attachment().netns(), "the root's own namespace");
        assertEquals(network, actor.getState().run().network(), "journaled");
    }

    @Test
    void aStopReleasesTheAddressAndTheNextStartAttachesAgain() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        ask(replyTo -> new ObjectCommand.Stop(Duration.ofSeconds(1), replyTo), path);
        assertNull(actor.getState().run().network());
        assertTrue(bed.networks.cni.attachments("r-s").isEmpty());
        assertNull(cniCalls("DEL").get(0).attachment().netns(), "the root's namespace is gone: DEL does not enter a path a new process may own");

        Reply started = ask(ObjectCommand.Start::new, path);
        assertEquals("10.88.0.2", ((TreeObject.Cell) started.object()).status().network().address());
        assertEquals(1, bed.networks.cni.attachments("r-s").size());
    }

    @Test
    void anAttachmentThatFailsFailsTheStartAndLeavesNothingRunning() {
        bed.networks.cni.failNext("ADD", new CniFailure("bridge", 11, "fake: the bridge cannot be made"));
        Reply reply = upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        TreeObject.Cell cell = (TreeObject.Cell) reply.object();
        assertEquals(CellState.Failed, cell.status().state());
        assertTrue(cell.status().message().contains("the bridge cannot be made"), cell.status().message());
        assertNull(cell.status().network());
        await("the root killed", () -> !runs("root"));
        assertFalse(runs("app"), "no workload started without the network");
        assertTrue(bed.networks.cni.attachments("r-s").isEmpty());
    }

    /**
     * A root that its own restart policy brings back has new namespaces: the cell releases the old
     * address, attaches the new root and moves its workloads in, as a pod does around a new sandbox.
     */
    @Test
    void aRootRestartedByItsPolicyIsAttachedAgainAndItsWorkloadsMoveIntoItsNamespaces() {
        ContainerSpec root = container("main").root().args("sleep").restart(RestartPolicy.ALWAYS).build();
        upsert(new CellSpec(List.of(root, sleeper()), null, false, null).normalized(), ObjectCommand.Mode.APPLY);
        int oldRoot = task("main").pid();
        int oldApp = task("app").pid();
        bed.runtime.exitSilently(NS, "s_t_" + name + "_main", 137);
        actor.runCommand(new Routed(path.child("main"), new Notice.TaskExited(oldRoot, 137, Instant.now())));

        await("the cell started again around the new root", () -> actor.getState().activity() == Activity.NONE
                && actor.getState().run().rootPid() != null && actor.getState().run().rootPid() != oldRoot);
        int newRoot = task("main").pid();
        assertEquals(newRoot, actor.getState().run().rootPid(), "journaled");
        List<FakeCniNetworks.Call> adds = cniCalls("ADD");
        assertEquals(Path.of("/proc/" + newRoot + "/ns/net"), adds.get(adds.size() - 1).attachment().netns(),
                "attached in the new root's namespace");
        assertNull(cniCalls("DEL").get(0).attachment().netns(), "the old namespace is not entered");
        assertEquals(1, bed.networks.cni.attachments("r-s").size(), "the old address released: one per cell");
        assertNotEquals(oldApp, task("app").pid(), "the workload moved into the new namespaces");
        assertTrue(runs("app"));
        assertEquals(actor.getState().run().network(), ((TreeObject.Cell) ask(ObjectCommand.Get::new, path).object()).status().network());
    }

    // ---- its root exits for good: the cell restarts around a new one ----

    private List<CellEvent> events() {
        return actor.persistenceTestKit().persistedInStorage("Cell|" + path).stream()
                .map(e -> e instanceof org.apache.pekko.persistence.journal.Tagged t ? t.payload() : e)
                .map(CellEvent.class::cast).toList();
    }

    private List<CellEvent.RootExited> rootExits() {
        return events().stream().filter(CellEvent.RootExited.class::isInstance).map(CellEvent.RootExited.class::cast).toList();
    }

    private void awaitStartedAroundANewRoot(int oldRoot) {
        await("the cell started again around a new root", () -> actor.getState().activity() == Activity.NONE
                && actor.getState().run().rootPid() != null && actor.getState().run().rootPid() != oldRoot);
    }

    /**
     * The synthesized pause root killed (restart policy never): the cell writes why and restarts
     * around a new root as a pod around a new sandbox, its workload moved into the new namespaces
     * and its address taken there, nobody waiting.
     */
    @Test
    void aPauseRootThatExitsRestartsTheCellAroundANewRoot() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int oldRoot = task("root").pid();
        int oldApp = task("app").pid();
        exits("root", 137);

        awaitStartedAroundANewRoot(oldRoot);
        List<Class<?>> events = written();
        int exit = events.indexOf(CellEvent.RootExited.class);
        assertEquals(List.of(CellEvent.RootExited.class, CellEvent.StartRequested.class, CellEvent.NetworkAttached.class,
                CellEvent.Started.class), events.subList(exit, events.size()), "the exit written, then the start it owes");
        CellEvent.RootExited recorded = rootExits().get(0);
        assertEquals(new CellEvent.RootExited("root", oldRoot, 137, false, 1, recorded.at(), recorded.at()), recorded,
                "the first of its run: at once");
        assertTrue(recorded.summary().contains("root container \"root\" (pid " + oldRoot + ") exited with code 137"),
                recorded.summary());
        int newRoot = task("root").pid();
        assertEquals(newRoot, actor.getState().run().rootPid());
        assertNotEquals(oldApp, task("app").pid(), "the workload moved into the new namespaces");
        assertTrue(runs("root") && runs("app"));
        List<FakeCniNetworks.Call> adds = cniCalls("ADD");
        assertEquals(Path.of("/proc/" + newRoot + "/ns/net"), adds.get(adds.size() - 1).attachment().netns());
        assertEquals(1, bed.networks.cni.attachments("r-s").size(), "one address");
        TreeObject.Cell shown = get();
        assertEquals(CellState.Ready, shown.status().state());
        assertNotNull(shown.status().network());
        assertFalse(actor.getState().rootRestartOwed());
    }

    /**
     * Deaths in a row back off as a container's restarts do (the first at once, then the initial
     * delay); while one is owed the cell shows Degraded with the reason, a daemon restart neither
     * loses nor doubles it, and a stop meanwhile ends it: nothing restarts.
     */
    @Test
    void rootDeathsInARowBackOffAndAStopMeanwhileCancelsTheRestart() {
        newCellWith(Duration.ZERO, new TreeSettings.RestartBackoff(Duration.ofHours(1), Duration.ofHours(4), Duration.ofMinutes(10)));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int first = task("root").pid();
        exits("root", 137);
        awaitStartedAroundANewRoot(first);
        int second = task("root").pid();
        exits("root", 137);

        await("the second exit written", () -> rootExits().size() == 2);
        CellEvent.RootExited again = rootExits().get(1);
        assertEquals(2, again.attempt());
        assertEquals(Duration.ofHours(1), Duration.between(again.at(), again.due()), "the initial delay");
        TreeObject.Cell owed = get();
        assertEquals(CellState.Degraded, owed.status().state());
        assertEquals("RootExited", owed.status().reason());
        assertTrue(owed.status().message().contains("in 3600s (restart 2"), owed.status().message());
        await("the workload stopped while the restart waits (it would join the dead root)", () -> !runs("app"));

        actor.restart();
        await("recovered", () -> bed.index.get(path).isPresent() && actor.getState().rootRestartOwed());
        assertEquals(2, rootExits().size(), "the exit found again at recovery is not written twice");
        assertEquals(second, actor.getState().run().rootPid(), "not restarted before its due time");

        assertEquals("Stopped", state(ask(replyTo -> new ObjectCommand.Stop(Duration.ofSeconds(1), replyTo), path)));
        assertFalse(actor.getState().rootRestartOwed());
        actor.runCommand(new CellActor.RootRestartDue(again.due()));   // as its timer would, had the stop not come
        assertFalse(runs("root") || runs("app"), "a stopped cell is not restarted");
        assertEquals(CellEvent.Stopped.class, written().get(written().size() - 1));
    }

    /** A node that may not run its cells now (a fleet's member before it rejoined, or downed) holds the restart back. */
    @Test
    void aRestartAroundANewRootWaitsForTheRestartGate() {
        io.kukeon.supervisor.RestartGate gate = io.kukeon.supervisor.RestartGate.open();
        newCell(new ActorTestBed(new ActorTestBed().ports.settings(), gate));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int oldRoot = task("root").pid();
        gate.close();
        exits("root", 137);

        await("the exit written", () -> rootExits().size() == 1);
        stack.expectNoMessage(Duration.ofMillis(300));   // time enough for a restart that does not wait
        assertInstanceOf(CellEvent.RootExited.class, events().get(events().size() - 1), "no start written: " + written());
        assertFalse(runs("root"));
        gate.letThrough();
        awaitStartedAroundANewRoot(oldRoot);
        assertTrue(runs("root") && runs("app"));
    }

    /** The root died while kukeond was down (a reboot takes every task): found at recovery, the cell comes back whole. */
    @Test
    void aRootThatDiedWhileKukeondWasDownIsFoundAndTheCellRestartedAtRecovery() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int oldRoot = task("root").pid();
        bed.runtime.exitSilently(NS, rootId(), 137);
        actor.restart();

        awaitStartedAroundANewRoot(oldRoot);
        assertEquals(1, rootExits().size());
        assertTrue(runs("root") && runs("app"));
    }

    /** kukeond killed after it wrote the root's exit, before the start it owes: recovery carries it out once. */
    @Test
    void aRootExitWrittenBeforeACrashIsRestartedAtRecoveryOnce() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int oldRoot = task("root").pid();
        bed.runtime.exitSilently(NS, rootId(), 137);
        Instant now = Instant.now();
        actor.persistenceTestKit().persistForRecovery("Cell|" + path,
                List.of(new CellEvent.RootExited("root", oldRoot, 137, false, 1, now, now)));
        actor.restart();

        awaitStartedAroundANewRoot(oldRoot);
        assertEquals(1, rootExits().size());
        assertEquals(1, events().subList(events().indexOf(rootExits().get(0)), events().size()).stream()
                .filter(CellEvent.StartRequested.class::isInstance).count(), "one start");
        assertTrue(runs("root") && runs("app"));
    }

    /**
     * A change applied while the root is dead and its restart waits out its backoff: nothing starts
     * into the dead root's namespaces. The change waits for the new root, as a pod's containers for
     * their new sandbox, and its workloads join the new root when the restart comes; a workload's
     * own start meanwhile is refused with the reason.
     */
    @Test
    void aChangeWhileTheRootIsDeadWaitsForTheNewRootAndItsWorkloadsJoinIt() {
        newCellWith(Duration.ZERO, new TreeSettings.RestartBackoff(Duration.ofHours(1), Duration.ofHours(4), Duration.ofMinutes(10)));
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int first = task("root").pid();
        exits("root", 137);
        awaitStartedAroundANewRoot(first);
        int dead = task("root").pid();
        exits("root", 137);
        await("the second exit written, the workload stopped", () -> rootExits().size() == 2 && !runs("app"));

        StatusReply<Reply> started = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path.child("app"),
                new ObjectCommand.Start(replyTo))).reply();
        assertTrue(started.isError() && started.getError().getMessage().contains("restarts around a new root"),
                "a workload's own start is refused: " + started);
        assertFalse(runs("app"), "nothing started into the dead root's namespaces");

        Reply changed = upsert(app(container("app").args("sleep", "60").build()), ObjectCommand.Mode.APPLY);
        assertEquals("Degraded", state(changed), "the restart around a new root is still owed");
        assertFalse(runs("app"), "nothing started into the dead root's namespaces");
        assertTrue(actor.getState().rootRestartOwed(), "the backoff is not cut short");
        assertEquals(dead, actor.getState().run().rootPid());

        actor.runCommand(new CellActor.RootRestartDue(rootExits().get(1).due()));   // as its timer would
        assertTheChangedWorkloadJoinedANewRoot(dead);
    }

    /** kukeond killed during such a change: resumed at recovery, the change still waits for the restart, which comes. */
    @Test
    void aChangeInterruptedWhileTheRootIsDeadIsFollowedByTheRestartItWaitedFor() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int dead = task("root").pid();
        bed.runtime.exitSilently(NS, rootId(), 137);
        Instant now = Instant.now();
        actor.persistenceTestKit().persistForRecovery("Cell|" + path, List.of(
                new CellEvent.RootExited("root", dead, 137, false, 2, now.plusSeconds(2), now),
                new CellEvent.CellUpdated(app(container("app").args("sleep", "60").build()), Map.of("tier", "web"), Map.of(),
                        actor.getState().generations().current() + 1, false, now)));
        actor.restart();
        assertTheChangedWorkloadJoinedANewRoot(dead);
    }

    /** The cell started around a root other than {@code dead}, its app on the changed spec (sleep 60) in the new root's namespaces. */
    private void assertTheChangedWorkloadJoinedANewRoot(int dead) {
        awaitStartedAroundANewRoot(dead);
        int newRoot = task("root").pid();
        assertTrue(runs("root") && runs("app"));
        var app = bed.runtime.container(NS, "s_t_" + name + "_app").request();
        assertEquals(CellOperations.joinsOf(newRoot), app.joinNamespaces(), "the workload joined the new root");
        assertTrue(app.args().contains("60"), "on the new spec: " + app.args());
    }

    /**
     * No restart around a new root when nothing asks for one: a root of the user's alone in its cell
     * (it is the workload: its policy, never, decides), a cell whose workloads finished, and a cell
     * that runs to its completion (kuke run --rm), which finishes as before.
     */
    @Test
    void aRootExitIsLeftAloneWhenTheCellHasNothingLeftToRun() {
        upsert(new CellSpec(List.of(container("main").root().args("sleep").build()), null, false, null).normalized(),
                ObjectCommand.Mode.APPLY);
        exits("main", 137);
        await("the cell in Error", () -> actor.getState().sticky() == CellState.Error);
        assertTrue(rootExits().isEmpty(), written().toString());

        newCell();
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        exits("app", 0);
        await("the workload's exit reported", () -> get().status().state() == CellState.Exited);
        exits("root", 137);
        await("the root's exit reported", () -> get().status().containers().stream()
                .anyMatch(c -> c.name().equals("root") && c.state() == ContainerState.Error));
        assertTrue(rootExits().isEmpty(), "its work is done: " + written());
        assertFalse(runs("app"), "not run again");

        newCell();
        upsert(autoDeleting(sleeper()), ObjectCommand.Mode.APPLY);
        exits("root", 137);
        await("the root's exit reported", () -> get().status().containers().stream()
                .anyMatch(c -> c.name().equals("root") && c.state() == ContainerState.Error));
        assertTrue(rootExits().isEmpty(), written().toString());
        exits("app", 0);
        assertEquals(name, stack.expectMessageClass(ChildMessages.Gone.class).name(), "deleted once its workload is done");
    }

    /** A daemon killed after the ADD, before it wrote it: the start, resumed, finds the same address, not a second one. */
    @Test
    void aStartInterruptedAfterItsAttachmentGetsTheSameAddressAtRecovery() {
        upsert(app(sleeper()), ObjectCommand.Mode.CREATE);
        bed.networks.ensure("r", "s", SpaceNetworkSource.pooled(Ipv4Subnet.parse("10.88.0.0/24", "test")));   // as the space's host gives it
        bed.networks.attach("r", "s", "s_t_other_root", Path.of("/proc/1/ns/net"), List.of());   // another cell has .2
        String first = bed.networks.attach("r", "s", rootId(), Path.of("/proc/1/ns/net"), List.of()).address();
        actor.persistenceTestKit().persistForRecovery("Cell|" + path, List.of(new CellEvent.StartRequested(Instant.now())));
        actor.restart();
        await("the start carried out", () -> actor.getState().activity() == Activity.NONE && actor.getState().run().rootPid() != null);
        assertEquals(first, actor.getState().run().network().address());
        assertEquals(2, bed.networks.cni.attachments("r-s").size(), "one address per cell");
    }

    /**
     * Every container binds the cell's /etc/hostname, /etc/hosts and /etc/resolv.conf; its hosts
     * lists the cell's own address and the other cells of the space, and theirs list it while it
     * has its address.
     */
    @Test
    void theCellsNameFilesListItAndTheOtherCellsOfItsSpace() throws Exception {
        ObjectPath peerPath = ObjectPath.parse("r/s/other/db");
        Path peerHosts = bed.ports.settings().cellDir(peerPath).resolve("etc/hosts");
        Files.createDirectories(peerHosts.getParent());
        Files.writeString(peerHosts, "");
        bed.index.put(new TreeObject.Cell(peerPath, new Metadata("db", Map.of(), 1), app(sleeper()),
                new io.kukeon.model.CellStatus(CellState.Ready, null, null, null, List.of(), true,
                        new CellNetworkStatus("10.88.0.9", 24, "10.88.0.1", "k-x"), null, null, null, 1)));

        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        Path etc = bed.ports.settings().cellDir(path).resolve("etc");
        assertEquals(name + "\n", Files.readString(etc.resolve("hostname")));
        String hosts = Files.readString(etc.resolve("hosts"));
        assertTrue(hosts.contains("10.88.0.2\t" + name + "\n") && hosts.contains("10.88.0.9\tdb\n"), hosts);
        assertTrue(Files.readString(peerHosts).contains("10.88.0.2\t" + name + "\n"), "the other cell's file lists it");
        List<String> bound = bed.runtime.container(NS, "s_t_" + name + "_app").request().mounts().stream()
                .map(m -> m.destination() + "<-" + m.source()).toList();
        assertEquals(List.of("/etc/hostname<-" + etc.resolve("hostname"), "/etc/hosts<-" + etc.resolve("hosts"),
                "/etc/resolv.conf<-" + etc.resolve("resolv.conf")), bound);

        ask(replyTo -> new ObjectCommand.Stop(Duration.ofSeconds(1), replyTo), path);
        assertFalse(Files.readString(peerHosts).contains(name), "gone from the other cell's file once its address is released");
    }

    // ---- its containers ----

    @Test
    void aContainerDocumentAddsAContainerAndIsAnsweredWithIt() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        ObjectPath side = path.child("side");
        TreeObject.Container desired = new TreeObject.Container(side, new Metadata("side", Map.of(), 0),
                container("side").args("sleep").restart(RestartPolicy.ALWAYS).build(), null);
        Reply reply = ask(replyTo -> new ObjectCommand.Upsert(desired, ObjectCommand.Mode.APPLY, replyTo), side);
        assertEquals(Reply.Outcome.CREATED, reply.outcome());
        TreeObject.Container added = assertInstanceOf(TreeObject.Container.class, reply.object(), "the container, not the cell");
        assertEquals(ContainerState.Ready, added.status().state());
        assertTrue(runs("side"), "started into the running cell");
        assertEquals(2, actor.getState().generations().current());
    }

    @Test
    void aStopOfOneContainerStopsItAloneAndIsAnsweredWithIt() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        Reply reply = ask(replyTo -> new ObjectCommand.Stop(null, replyTo), path.child("app"));
        assertEquals("Stopped", state(reply));
        assertEquals(path.child("app"), reply.object().path());
        assertTrue(runs("root"));
        assertFalse(runs("app"));
    }

    @Test
    void theRootContainerCannotBeRemovedAlone() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        var reply = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path.child("root"),
                new ObjectCommand.Delete(false, false, replyTo))).reply();
        assertTrue(reply.isError());
        assertTrue(reply.getError().getMessage().contains("root container"));
    }

    // ---- delete ----

    @Test
    void aDeleteRemovesTasksAndCgroupAndTheParentIsToldWhatWent() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        TestProbe<StatusReply<Reply>> client = testKit.createTestProbe();
        ObjectCommand.Delete delete = new ObjectCommand.Delete(false, false, client.ref());
        actor.runCommand(new Routed(path, delete));
        ChildMessages.Gone gone = stack.expectMessageClass(ChildMessages.Gone.class);
        assertEquals(name, gone.name());
        assertEquals(new ChildMessages.Asked(delete), gone.origin());
        assertEquals(List.of(path.child("app").toString(), path.child("root").toString(), path.toString()),
                gone.reply().deleted(), "deepest first");
        assertTrue(bed.runtime.containers().isEmpty(), "nothing left in containerd");
        assertTrue(bed.networks.cni.attachments("r-s").isEmpty(), "its address released");
        assertFalse(bed.cgroups.groups().containsKey("/kukeon/r/s/t/" + name));
        assertTrue(bed.index.get(path).isEmpty());
    }

    /**
     * The verdict's timer goes with the cell's actor: a cell deleted (its actor stopped by its stack)
     * within its bring-up sends nothing to itself afterwards, which the log would show as a dead letter.
     */
    @Test
    void aCellStoppedWithinItsBringUpLeavesNoTimerBehind() {
        newCellWithGrace(Duration.ofMillis(300));
        TestProbe<org.apache.pekko.actor.DeadLetter> deadLetters = testKit.createTestProbe();
        testKit.system().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Subscribe<>(
                org.apache.pekko.actor.DeadLetter.class, deadLetters.ref()));
        ObjectPath brief = ObjectPath.parse("r/s/t/" + name + "-brief");
        var cell = testKit.spawn(CellActor.create(brief, testKit.spawn(bed.hostAnsweringSubnets(stack.ref())), bed.ports,
                new RealmAccess(NS, List.of())));
        TestProbe<StatusReply<Reply>> client = testKit.createTestProbe();
        cell.tell(new Routed(brief, new ObjectCommand.Upsert(new TreeObject.Cell(brief, new Metadata(brief.name(), Map.of(), 0),
                app(sleeper()), null), ObjectCommand.Mode.APPLY, client.ref())));
        TreeObject.Cell started = (TreeObject.Cell) client.receiveMessage(Duration.ofSeconds(10)).getValue().object();
        assertNotNull(started.status().bringUpDue(), "answered within its window");
        testKit.stop(cell);
        deadLetters.expectNoMessage(Duration.ofMillis(800));
    }

    @Test
    void aProbeOfACellThatDoesNotExistIsAnsweredAbsent() {
        actor.runCommand(new ChildMessages.Probe(stack.ref()));
        assertEquals(new ChildMessages.Absent(name), stack.expectMessageClass(ChildMessages.Absent.class));
    }

    // ---- recovery and journal failures ----

    @Test
    void aStartLeftWithoutOutcomeIsCarriedOutAtRecovery() {
        upsert(app(sleeper()), ObjectCommand.Mode.CREATE);
        actor.persistenceTestKit().persistForRecovery("Cell|" + path, List.of(new CellEvent.StartRequested(Instant.now())));
        actor.restart();
        await("the start carried out", () -> actor.getState().activity() == Activity.NONE && actor.getState().run().rootPid() != null);
        assertTrue(runs("root") && runs("app"));
        assertEquals(CellEvent.Started.class, written().get(written().size() - 1));
    }

    /** On a node that may not run its cells yet (a fleet's member rejoining), an interrupted start waits for the gate. */
    @Test
    void aStartLeftWithoutOutcomeWaitsForTheRestartGate() {
        io.kukeon.supervisor.RestartGate gate = io.kukeon.supervisor.RestartGate.open();
        newCell(new ActorTestBed(new ActorTestBed().ports.settings(), gate));
        upsert(app(sleeper()), ObjectCommand.Mode.CREATE);
        actor.persistenceTestKit().persistForRecovery("Cell|" + path, List.of(new CellEvent.StartRequested(Instant.now())));
        gate.close();
        actor.restart();
        await("recovered", () -> bed.index.get(path).isPresent());
        stack.expectNoMessage(Duration.ofMillis(300));   // time enough for a start that does not wait
        assertFalse(runs("root") || runs("app"), "nothing started while the gate is closed");
        assertEquals(Activity.STARTING, actor.getState().activity(), "the intent is kept");

        gate.letThrough();
        await("the start carried out", () -> actor.getState().activity() == Activity.NONE && actor.getState().run().rootPid() != null);
        assertTrue(runs("root") && runs("app"));
    }

    @Test
    void aStopWhoseIntentCannotBeWrittenIsAnsweredUnavailableAndStopsNothing() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        int root = task("root").pid();
        actor.persistenceTestKit().failNextPersisted("Cell|" + path);
        var reply = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path, new ObjectCommand.Stop(null, replyTo)))
                .reply();
        assertInstanceOf(UnavailableException.class, reply.getError());
        assertTrue(runs("root") && runs("app"), "nothing was stopped");
        await("restarted, its containers adopted", () -> {
            var view = bed.index.get(path);
            return view.isPresent() && view.get().state().equals("Ready");
        });
        assertEquals(root, task("root").pid(), "the same processes");
        assertEquals("Stopped", state(ask(replyTo -> new ObjectCommand.Stop(null, replyTo), path)), "and it takes the stop again");
    }

    /**
     * A stop written while containerd does not answer is not shown as done, and is carried out
     * when containerd answers again; a restart meanwhile does not start the cell over it (issue 20,
     * defect 13).
     */
    @Test
    void aStopOrRestartWrittenWhileContainerdIsDownIsCarriedOutWhenItReturns() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        bed.runtime.setAvailable(false);
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(false, false));

        var reply = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path, new ObjectCommand.Stop(null, replyTo)))
                .reply();
        assertInstanceOf(UnavailableException.class, reply.getError());
        assertTrue(reply.getError().getMessage().contains("the stop is recorded"), reply.getError().getMessage());
        TreeObject.Cell shown = (TreeObject.Cell) bed.index.get(path).orElseThrow();
        assertEquals("Unknown", shown.state(), "not Stopped: nothing has stopped");
        assertTrue(shown.status().message().contains("the stop is recorded"), shown.status().message());

        var restart = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path,
                new ObjectCommand.Restart(null, replyTo))).reply();
        assertTrue(restart.getError().getMessage().contains("its stop is recorded"), "a restart does not start over"
                + " a stop still open: " + restart.getError().getMessage());

        bed.runtime.setAvailable(true);
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));
        // the tasks end before the cell writes Stopped: wait for the write, not only the tasks
        await("stopped once containerd answers", () -> !runs("root") && !runs("app")
                && actor.getState().activity() == Activity.NONE);
        assertEquals("Stopped", bed.index.get(path).orElseThrow().state());
        assertEquals(CellEvent.Stopped.class, written().get(written().size() - 1));
    }

    /**
     * A container added to a running cell as containerd goes away (the storm's containerd restart
     * found it): its start fails as "unavailable", the change stays recorded and is carried out
     * when containerd answers again, instead of the cell taking it for a failed provision.
     */
    @Test
    void aContainerAddedAsContainerdGoesAwayIsStartedWhenItReturns() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        bed.runtime.setAvailable(false);   // no broadcast yet: the cell learns it from the container's start
        TreeObject.Cell withSide = new TreeObject.Cell(path, new Metadata(name, Map.of("tier", "web"), 0),
                cell(sleeper(), container("side").args("sleep").build()), null);
        var reply = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path,
                new ObjectCommand.Upsert(withSide, ObjectCommand.Mode.APPLY, replyTo))).reply();
        assertTrue(reply.isError(), "answered " + reply + "; written " + written());
        assertInstanceOf(UnavailableException.class, reply.getError(), String.valueOf(reply.getError()));
        assertTrue(reply.getError().getMessage().contains("the change is recorded"), reply.getError().getMessage());
        assertFalse(written().contains(CellEvent.ProvisionFailed.class), "not a failed provision: " + written());

        bed.runtime.setAvailable(true);
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));
        await("side started once containerd answers", () -> runs("side") && actor.getState().activity() == Activity.NONE);
        assertEquals("Ready", bed.index.get(path).orElseThrow().state());
    }

    /**
     * At a daemon's start a cell's group is ensured at its recovery (made again if a reboot removed
     * it), not a second time at the "containerd available" that follows; once containerd went away
     * and returns, it is ensured again.
     */
    @Test
    void theGroupIsEnsuredOnceAtRecoveryAndAgainWhenContainerdReturns() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        String group = "/kukeon/r/s/t/" + name;
        bed.cgroups.wipe();
        int before = bed.cgroups.ensures(group);

        actor.restart();
        await("made again at recovery", () -> bed.cgroups.groups().containsKey(group));
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));   // containerd available, at the start
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(false, true));   // a relist
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(false, false));   // containerd gone
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));   // and back
        await("ensured again when containerd returned", () -> bed.cgroups.ensures(group) >= before + 2);

        assertEquals(before + 2, bed.cgroups.ensures(group), "at recovery and when containerd returned, not at the start's");
    }

    /**
     * A group that is there at recovery, with no intent open, was written by a provisioning that
     * finished: it is found, not written again (the bulk of an adoption's cgroup work).
     */
    @Test
    void aGroupThatIsThereAtRecoveryIsNotWrittenAgain() {
        upsert(app(sleeper()), ObjectCommand.Mode.APPLY);
        String group = "/kukeon/r/s/t/" + name;
        int before = bed.cgroups.ensures(group);
        assertTrue(before > 0, "ensured at its provisioning");

        actor.restart();
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));   // containerd available, at the start
        await("recovered", () -> bed.index.get(path).isPresent() && actor.getState().activity() == Activity.NONE);
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(false, false));   // containerd gone
        actor.runCommand(new io.kukeon.supervisor.tree.Broadcast(true, true));   // and back: written again
        await("ensured when containerd returned", () -> bed.cgroups.ensures(group) >= before + 1);

        assertEquals(before + 1, bed.cgroups.ensures(group), "only when containerd returned");
        assertTrue(bed.cgroups.groups().containsKey(group));
    }
}
