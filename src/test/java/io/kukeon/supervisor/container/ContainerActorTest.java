package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.container.ContainerProtocol.Changed;
import io.kukeon.supervisor.container.ContainerProtocol.Define;
import io.kukeon.supervisor.container.ContainerProtocol.Definition;
import io.kukeon.supervisor.container.ContainerProtocol.Delete;
import io.kukeon.supervisor.container.ContainerProtocol.Start;
import io.kukeon.supervisor.container.ContainerProtocol.Stop;
import io.kukeon.supervisor.container.ContainerRecord.Phase;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.testing.ActorTestBed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kukeon.testing.ActorTestBed.await;
import static io.kukeon.testing.Specs.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One container actor, driven directly: each command from each phase, the events it writes, its
 * answers, recovery from every intent left without outcome, a journal failure and runtime failures.
 * The cell is a probe; containerd is the fake runtime.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerActorTest {
    private static final String NS = "r.kukeon.io";
    private static final AtomicInteger CELLS = new AtomicInteger();
    @JUnit5TestKit
    public final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("container-actor").withCustomConfig(ActorTestBed.CONFIG)
            .build();

    ActorTestBed bed;
    ListAppender<ILoggingEvent> logLines;

    @AfterEach
    void detachLog() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .detachAppender(logLines);
    }
    TestProbe<TreeCommand> cell;
    ObjectPath path;
    String id;
    EventSourcedBehaviorTestKit<TreeCommand, ContainerEvent, ContainerRecord> actor;

    @BeforeEach
    void newContainer() {
        logLines = new ListAppender<>();
        logLines.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .addAppender(logLines);
        bed = new ActorTestBed();
        cell = testKit.createTestProbe();
        String name = "c" + CELLS.incrementAndGet();
        path = ObjectPath.parse("r/s/t/" + name + "/app");
        id = "s_t_" + name + "_app";
        actor = EventSourcedBehaviorTestKit.create(testKit.system(),
                ContainerActor.create(path, cell.ref(), bed.ports, new RealmAccess(NS, List.of())),
                ActorTestBed.SERIALIZATION);
    }

    private static ContainerSpec sleeper(RestartPolicy policy, String... extraArgs) {
        return container("app").root().args(extraArgs.length == 0 ? new String[] {"sleep"} : extraArgs).restart(policy)
                .build();
    }

    private Definition define(ContainerSpec spec) {
        return actor.<StatusReply<Definition>>runCommand(replyTo -> new Define(spec, replyTo)).reply().getValue();
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<TreeCommand, ContainerEvent, ContainerRecord,
            StatusReply<ContainerStatus>> start(boolean cellIntent) {
        return actor.runCommand(replyTo -> new Start(Map.of(), cellIntent, replyTo));
    }

    private TaskInfo task() {
        var c = bed.runtime.container(NS, id);
        return c == null ? null : c.task();
    }

    private void running(RestartPolicy policy) {
        define(sleeper(policy));
        assertEquals(ContainerState.Ready, start(false).reply().getValue().state());
    }

    // ---- define and start ----

    @Test
    void aDefinitionIsWrittenOnceAndSaysWhatItMeansForTheTask() {
        var first = actor.<StatusReply<Definition>>runCommand(replyTo -> new Define(sleeper(RestartPolicy.NEVER), replyTo));
        assertInstanceOf(ContainerEvent.Defined.class, first.event());
        assertEquals(new Definition(false, true), first.reply().getValue(), "never started: idle");
        assertEquals(Phase.DEFINED, first.state().phase());

        var again = actor.<StatusReply<Definition>>runCommand(replyTo -> new Define(sleeper(RestartPolicy.NEVER), replyTo));
        assertTrue(again.hasNoEvents(), "the same spec writes nothing");

        start(false);
        Definition changed = define(sleeper(RestartPolicy.NEVER, "sleep", "60"));
        assertEquals(new Definition(true, false), changed, "its task runs from the older spec: stale");
        assertFalse(actor.getState().nestedCgroups());
        assertEquals(2, actor.getState().generations().current());
        assertEquals(1, actor.getState().generations().started());
    }

    @Test
    void theCellsNestedCgroupRuntimeIsPartOfTheDefinitionAndReachesTheRuntime() {
        define(sleeper(RestartPolicy.NEVER));
        start(false);
        assertFalse(bed.runtime.container(NS, id).request().nestedCgroupRuntime());

        var nested = actor.<StatusReply<Definition>>runCommand(
                replyTo -> new Define(sleeper(RestartPolicy.NEVER), true, replyTo));
        assertEquals(new ContainerEvent.Defined(sleeper(RestartPolicy.NEVER), ((ContainerEvent.Defined) nested.event()).at(),
                true), nested.event());
        assertEquals(new Definition(true, false), nested.reply().getValue(), "same spec, but the task runs without it: stale");
        actor.<StatusReply<ContainerStatus>>runCommand(replyTo -> new Stop(null, false, replyTo));
        start(false);
        assertTrue(bed.runtime.container(NS, id).request().nestedCgroupRuntime());
        actor.restart();
        assertTrue(actor.getState().nestedCgroups(), "replayed from the journal");
    }

    @Test
    void aStartWritesItsIntentThenTheTaskContainerdShows() {
        define(sleeper(RestartPolicy.NEVER));
        var result = start(false);
        assertEquals(List.of(ContainerEvent.StartRequested.class, ContainerEvent.TaskStarted.class),
                result.events().stream().map(Object::getClass).toList());
        ContainerStatus status = result.reply().getValue();
        assertEquals(ContainerState.Ready, status.state());
        assertEquals(task().pid(), status.pid());
        assertEquals(Phase.RUNNING, result.state().phase());
        assertTrue(result.state().wantRunning());
        Changed report = cell.expectMessageClass(Changed.class);
        assertEquals("app", report.name(), "the cell hears of every change");
    }

    @Test
    void aStartOfARunningContainerAsksContainerdAndStartsNothing() {
        running(RestartPolicy.NEVER);
        int starts = bed.runtime.starts();
        var again = start(false);
        assertTrue(again.hasNoEvents());
        assertEquals(ContainerState.Ready, again.reply().getValue().state());
        assertEquals(starts, bed.runtime.starts());
    }

    /**
     * The journal says running, but the task died unseen (while kukeond was down, say): a start
     * records the exit it finds and starts a new task, as containerd's users expect of a start.
     */
    @Test
    void aStartOfAContainerWhoseTaskDiedUnseenRecordsTheExitAndStartsANewTask() {
        running(RestartPolicy.NEVER);
        int dead = task().pid();
        bed.runtime.exitSilently(NS, id, 137);

        ContainerStatus status = start(false).reply().getValue();
        assertEquals(ContainerState.Ready, status.state(), "started anew, not answered with the exit: " + status);
        assertNotEquals(dead, status.pid());
        assertEquals(task().pid(), status.pid());
        assertEquals(TaskInfo.Status.RUNNING, task().status());
        await("the new task written", () -> actor.getState().phase() == Phase.RUNNING
                && status.pid().equals(actor.getState().pid()));
        List<Class<?>> events = written();
        int exit = events.lastIndexOf(ContainerEvent.TaskExited.class);
        assertEquals(List.of(ContainerEvent.TaskExited.class, ContainerEvent.StartRequested.class, ContainerEvent.TaskStarted.class),
                events.subList(exit, events.size()), "the exit recorded, then the start");
    }

    @Test
    void aStartOfAContainerNeverDefinedIsNotFound() {
        var result = start(false);
        assertTrue(result.hasNoEvents());
        assertTrue(result.reply().isError());
        assertInstanceOf(NotFoundException.class, result.reply().getError());
    }

    @Test
    void anImageThatCannotBePulledIsAFailedStartWithItsReason() {
        bed.runtime.unknownImage("nowhere/app:1");
        define(container("app").root().image("nowhere/app:1").build());
        var result = start(false);
        assertEquals(ContainerEvent.StartFailed.class, result.events().get(result.events().size() - 1).getClass());
        ContainerStatus status = result.reply().getValue();
        assertEquals(ContainerState.Failed, status.state());
        assertNotNull(status.reason());
        assertFalse(result.state().wantRunning(), "a failed start owes no restart");
    }

    // ---- exits and the restart policy ----

    @Test
    void anExitUnderAlwaysIsWrittenWithItsRestartAndTheRestartRuns() {
        running(RestartPolicy.ALWAYS);
        int pid = task().pid();
        bed.runtime.exitSilently(NS, id, 3);
        actor.runCommand(new Routed(path, new Notice.TaskExited(pid, 3, Instant.now())));
        await("the restart", () -> actor.getState().phase() == Phase.RUNNING && actor.getState().restarts().count() == 1);
        List<Class<?>> events = written();
        assertTrue(events.containsAll(List.of(ContainerEvent.TaskExited.class, ContainerEvent.RestartScheduled.class)), events.toString());
        assertEquals(ContainerEvent.TaskStarted.class, events.get(events.size() - 1));
        assertTrue(task().pid() != pid, "a new process");
    }

    @Test
    void onFailureGivesUpAfterItsRetries() {
        define(container("app").root().args("sleep").restart(RestartPolicy.ON_FAILURE).maxRetries(1).build());
        start(false);
        for (int exit = 0; exit < 2; exit++) {
            int restarts = actor.getState().restarts().count();
            int pid = task().pid();
            bed.runtime.exitSilently(NS, id, 1);
            actor.runCommand(new Routed(path, new Notice.TaskExited(pid, 1, Instant.now())));
            if (exit == 0) {
                await("the first restart", () -> actor.getState().restarts().count() == restarts + 1
                        && actor.getState().phase() == Phase.RUNNING);
            }
        }
        ContainerRecord gaveUp = actor.getState();
        assertTrue(gaveUp.restarts().gaveUp());
        String log = logged();
        assertTrue(log.contains("INFO container " + path + " exited with code 1\n"), log);
        assertTrue(log.contains("INFO container " + path + " restarts in "), log);
        assertTrue(log.contains("WARN container " + path + " gave up after 1 restarts\n"), log);
        assertEquals("RestartsExhausted", gaveUp.problem().reason());
        assertEquals(Phase.EXITED, gaveUp.phase());
    }

    @Test
    void anExitThatIsNotOursOrCleanUnderOnFailureSchedulesNothing() {
        define(container("app").root().args("sleep").restart(RestartPolicy.ON_FAILURE).build());
        start(false);
        int pid = task().pid();
        assertTrue(actor.runCommand(new Routed(path, new Notice.TaskExited(pid + 1, 1, Instant.now()))).hasNoEvents(),
                "another process's exit");
        bed.runtime.exitSilently(NS, id, 0);
        var clean = actor.runCommand(new Routed(path, new Notice.TaskExited(pid, 0, Instant.now())));
        assertEquals(List.of(ContainerEvent.TaskExited.class), clean.events().stream().map(Object::getClass).toList());
        assertEquals(null, clean.state().restarts().nextAt());
    }

    @Test
    void anOomKillIsCarriedByTheNextExit() {
        running(RestartPolicy.NEVER);
        int pid = task().pid();
        actor.runCommand(new Routed(path, new Notice.TaskOomKilled()));
        var exit = actor.runCommand(new Routed(path, new Notice.TaskExited(pid, 137, Instant.now())));
        ContainerEvent.TaskExited exited = exit.eventOfType(ContainerEvent.TaskExited.class);
        assertTrue(exited.oomKilled());
        assertEquals("OOMKilled", exit.state().problem().reason());
    }

    // ---- stop and delete ----

    @Test
    void aStopWritesItsIntentThenTheStopAndNoRestartFollows() {
        running(RestartPolicy.ALWAYS);
        var result = actor.<StatusReply<ContainerStatus>>runCommand(replyTo -> new Stop(Duration.ofSeconds(1), false, replyTo));
        assertEquals(List.of(ContainerEvent.StopRequested.class, ContainerEvent.TaskStopped.class),
                result.events().stream().map(Object::getClass).toList());
        assertEquals(ContainerState.Stopped, result.reply().getValue().state());
        assertFalse(result.state().wantRunning());
        assertEquals(TaskInfo.Status.NO_TASK, task().status(), "no task left");
    }

    @Test
    void aStopOfAContainerThatDoesNotRunWritesNothing() {
        define(sleeper(RestartPolicy.NEVER));
        var result = actor.<StatusReply<ContainerStatus>>runCommand(replyTo -> new Stop(null, false, replyTo));
        assertTrue(result.hasNoEvents());
        assertEquals(ContainerState.NotCreated, result.reply().getValue().state());
    }

    @Test
    void aDeleteRemovesEverythingAndTheActorTakesNoNewDefinition() {
        running(RestartPolicy.NEVER);
        var result = actor.<StatusReply<ContainerStatus>>runCommand(Delete::new);
        assertEquals(List.of(ContainerEvent.DeleteRequested.class, ContainerEvent.ContainerDeleted.class),
                result.events().stream().map(Object::getClass).toList());
        assertFalse(result.reply().isError());
        assertEquals(null, bed.runtime.container(NS, id), "no container left in containerd");
        assertTrue(bed.index.get(path).isEmpty(), "nor in the index");
        var define = actor.<StatusReply<Definition>>runCommand(replyTo -> new Define(sleeper(RestartPolicy.NEVER), replyTo));
        assertTrue(define.hasNoEvents(), "a deleted container's actor is done");
        assertInstanceOf(NotFoundException.class, define.reply().getError());
    }

    @Test
    void aGetOfARunningContainerShowsItsUsage() {
        running(RestartPolicy.NEVER);
        var result = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path, new ObjectCommand.Get(replyTo)));
        TreeObject.Container view = (TreeObject.Container) result.reply().getValue().object();
        assertEquals(ContainerState.Ready, view.status().state());
        assertNotNull(view.status().usage(), "live usage read from containerd");
    }

    // ---- recovery: every intent without its outcome ----

    @Test
    void aStartLeftWithoutOutcomeIsCarriedOutAtRecovery() {
        ContainerSpec spec = sleeper(RestartPolicy.NEVER);
        actor.initialize(new ContainerEvent.Defined(spec, Instant.now()),
                new ContainerEvent.StartRequested(Map.of(), false, Instant.now(), null));
        await("the start carried out", () -> actor.getState().phase() == Phase.RUNNING);
        assertEquals(TaskInfo.Status.RUNNING, task().status());
        assertEquals(1, bed.runtime.starts());
    }

    @Test
    void aRunningTaskIsAdoptedAtRecoveryWithoutAStart() {
        running(RestartPolicy.NEVER);
        int pid = task().pid();
        int starts = bed.runtime.starts();
        actor.restart();
        await("containerd asked", () -> bed.runtime.taskQueries(NS, id) > 0);
        assertEquals(Phase.RUNNING, actor.getState().phase());
        assertEquals(pid, actor.getState().pid());
        assertEquals(starts, bed.runtime.starts(), "adopted, not started");
        await("the adoption logged", () -> logged().contains("INFO container " + path + " adopted, still running as pid " + pid));
    }

    /** What kukeond's log got: level and message of each line since the test began. */
    private String logged() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(logLines.list)) {
            out.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
        }
        return out.toString();
    }

    @Test
    void aTaskThatVanishedWhileTheDaemonWasAwayIsRecordedLost() {
        running(RestartPolicy.NEVER);
        bed.runtime.exitSilently(NS, id, 0);
        bed.runtime.deleteContainer(NS, id);
        actor.restart();
        await("the loss recorded", () -> actor.getState().phase() == Phase.EXITED);
        assertEquals("TaskLost", actor.getState().problem().reason());
    }

    @Test
    void aStopLeftWithoutOutcomeIsCarriedOutAtRecovery() {
        running(RestartPolicy.ALWAYS);
        actor.persistenceTestKit().persistForRecovery(persistenceId(),
                List.of(new ContainerEvent.StopRequested(false, Instant.now())));
        actor.restart();
        await("the stop carried out", () -> actor.getState().phase() == Phase.STOPPED);
        assertEquals(TaskInfo.Status.NO_TASK, task().status());
    }

    @Test
    void aDeleteLeftWithoutOutcomeIsCarriedOutAtRecovery() {
        running(RestartPolicy.NEVER);
        actor.persistenceTestKit().persistForRecovery(persistenceId(),
                List.of(new ContainerEvent.DeleteRequested(Instant.now())));
        actor.restart();
        await("the delete carried out", () -> !actor.getState().exists());
        assertEquals(null, bed.runtime.container(NS, id));
    }

    @Test
    void aRestartOwedWhenTheDaemonStoppedHappensAfterRecovery() {
        running(RestartPolicy.ALWAYS);
        int pid = task().pid();
        bed.runtime.exitSilently(NS, id, 1);
        actor.persistenceTestKit().persistForRecovery(persistenceId(), List.of(
                new ContainerEvent.TaskExited(pid, 1, false, Instant.now()),
                new ContainerEvent.RestartScheduled(2, Instant.now().minusSeconds(1), Instant.now())));
        actor.restart();
        await("the restart", () -> actor.getState().phase() == Phase.RUNNING);
        assertEquals(1, actor.getState().restarts().count());
    }

    /** Found by the journal fixture: Pekko's timers refuse delays beyond about 248 days. */
    @Test
    void aRestartOwedYearsAheadStaysOwedAndTheActorKeepsAnswering() {
        running(RestartPolicy.ALWAYS);
        int pid = task().pid();
        bed.runtime.exitSilently(NS, id, 1);
        Instant due = Instant.now().plus(Duration.ofDays(4000));
        actor.persistenceTestKit().persistForRecovery(persistenceId(), List.of(
                new ContainerEvent.TaskExited(pid, 1, false, Instant.now()),
                new ContainerEvent.RestartScheduled(2, due, Instant.now())));
        actor.restart();
        var get = actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(path, new ObjectCommand.Get(replyTo)));
        ContainerStatus status = ((TreeObject.Container) get.reply().getValue().object()).status();
        assertEquals(ContainerState.Error, status.state());
        assertEquals(due, status.nextRestartAt(), "still owed, not started");
        assertEquals(1, bed.runtime.starts());
    }

    // ---- journal failures ----

    @Test
    void aStartWhoseIntentCannotBeWrittenIsAnsweredUnavailableAndStartsNothing() {
        define(sleeper(RestartPolicy.NEVER));
        actor.persistenceTestKit().failNextPersisted();
        var result = start(false);
        assertTrue(result.reply().isError());
        assertInstanceOf(UnavailableException.class, result.reply().getError());
        assertEquals(0, bed.runtime.starts(), "nothing ran");
        await("restarted and replayed", () -> actor.getState().phase() == Phase.DEFINED);
        assertEquals(ContainerState.Ready, start(false).reply().getValue().state(), "and it takes the start again");
    }

    /**
     * A cell's start runs the task while the container's own intent is written; that write fails,
     * and the actor restarts with the call still out. A stop must wait for it and reach the task.
     */
    @Test
    void aRuntimeCallInFlightOutlivesARestartAndAStopWaitsForIt() {
        define(sleeper(RestartPolicy.NEVER, "sleep", "slow-start=500"));
        actor.persistenceTestKit().failNextPersisted();
        var result = start(true);
        assertInstanceOf(UnavailableException.class, result.reply().getError());
        var stop = actor.<StatusReply<ContainerStatus>>runCommand(replyTo -> new Stop(null, true, replyTo));
        assertFalse(stop.reply().isError(), String.valueOf(stop.reply()));
        assertEquals(TaskInfo.Status.NO_TASK, task().status(), "the task that started meanwhile was stopped");
        assertEquals(1, bed.runtime.starts(), "one start, not a second one at recovery");
    }

    private List<Class<?>> written() {
        return ActorTestBed.written(actor, "Container|" + path);
    }

    private String persistenceId() {
        return "Container|" + path;
    }
}
