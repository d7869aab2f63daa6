package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.container.ContainerProtocol.AwaitJournal;
import io.kukeon.supervisor.container.ContainerProtocol.Changed;
import io.kukeon.supervisor.container.ContainerProtocol.Check;
import io.kukeon.supervisor.container.ContainerProtocol.Define;
import io.kukeon.supervisor.container.ContainerProtocol.Delete;
import io.kukeon.supervisor.container.ContainerProtocol.Start;
import io.kukeon.supervisor.container.ContainerProtocol.Stop;
import io.kukeon.supervisor.container.ContainerWork.Call;
import io.kukeon.supervisor.container.ContainerWork.Calling;
import io.kukeon.supervisor.container.ContainerWork.Retired;
import io.kukeon.supervisor.container.ContainerRecord.Phase;
import io.kukeon.supervisor.tree.Blocking;
import io.kukeon.supervisor.tree.Broadcast;
import io.kukeon.supervisor.tree.CommandTable;
import io.kukeon.supervisor.tree.Failures;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.supervisor.tree.TreeNode;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One container of a cell: its containerd container and task, its log file and its restart
 * bookkeeping, which lives in the journal so that a daemon restart continues a backoff where it
 * was. The cell tells it what to run ({@link Define}) and when ({@link Start}, {@link Stop},
 * {@link Delete}) — see {@link ContainerProtocol}; containerd's event stream tells it when its task
 * exits. Its work in flight is one {@link ContainerWork} value beside its {@link ContainerRecord}.
 */
public final class ContainerActor extends TreeNode<ContainerEvent, ContainerRecord> {

    // results of runtime calls and timers: to itself only
    private record TaskResult(TaskInfo task, Throwable error) implements TreeCommand {}

    private record StopResult(TaskInfo task, Throwable error) implements TreeCommand {}

    /** @param start a start that found the record running and asked containerd first (null: none) */
    private record CheckResult(TaskInfo task, Throwable error, List<ActorRef<StatusReply<ContainerStatus>>> askers,
                               Start start) implements TreeCommand {}

    private record DeleteResult(Throwable error) implements TreeCommand {}

    /** Look at the task again, nobody waiting: after recovery, and when containerd comes back. */
    private record Recheck() implements TreeCommand {}

    /** What ran or was left against the record (a task, a group) was removed, or could not be: {@code error}. */
    private record HostTidied(Throwable error) implements TreeCommand {}

    private record RestartDue() implements TreeCommand {}

    /** The restart gate opened: a start a crash interrupted goes on (see {@link io.kukeon.supervisor.RestartGate}). */
    private record GateOpened() implements TreeCommand {}

    /** How far the pull of the container's image has come (sent at most twice a second). */
    private record PullProgressed(long done, long total) implements TreeCommand {}

    /** The pull of the container's image waits its turn at its registry. */
    private record PullWaiting(String why) implements TreeCommand {}

    /**
     * What containerd told this incarnation that the record does not hold.
     *
     * @param runtimeDown containerd does not answer: the container's state is not known
     * @param oomPending  an OOM kill was reported; the next exit carries it
     */
    private record Observed(boolean runtimeDown, boolean oomPending) {}

    /** Reason a starting container shows while its image pull waits for a slot of its registry. */
    static final String PULL_WAITING = "PullWaiting";

    // ---- factory ----

    /** @param realm the realm's namespace and registry logins, as the cell knows them */
    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> cell, Ports ports, RealmAccess realm) {
        return supervised(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                new ContainerActor(context, timers, path, cell, ports, realm))));
    }

    private final TimerScheduler<TreeCommand> timers;
    private final ContainerRuntimeCalls calls;
    private final ContainerRecord.Identity identity;
    private ContainerWork work = ContainerWork.IDLE;
    private Observed observed = new Observed(false, false);
    /** Recovered as running: the first look at containerd confirms the task and logs its adoption. */
    private boolean adopting;

    private ContainerActor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, ObjectPath path,
                           ActorRef<TreeCommand> cell, Ports ports, RealmAccess realm) {
        super(context, PersistenceIds.of(path), path, cell, ports, realm);
        this.timers = timers;
        this.calls = new ContainerRuntimeCalls(ports, path);
        this.identity = new ContainerRecord.Identity(path.name(), calls.containerdId(), calls.logDir().current().toString(),
                ports.ids().cgroup(path).toString());
    }

    @Override
    public ContainerRecord emptyState() {
        return ContainerRecord.empty();
    }

    // ---- commands ----

    @Override
    protected boolean busy() {
        return work.busy();
    }

    @Override
    protected boolean waitsWhileBusy(TreeCommand command) {
        return command instanceof Define || command instanceof Start || command instanceof AwaitJournal
                || command instanceof Stop || command instanceof Delete || command instanceof RestartDue;
    }

    /** The handlers, built once for all containers (see {@link CommandTable}). */
    private static final CommandTable<ContainerActor, TreeCommand, ContainerEvent, ContainerRecord> COMMANDS = commands();

    private static CommandTable<ContainerActor, TreeCommand, ContainerEvent, ContainerRecord> commands() {
        CommandTable.Builder<ContainerActor, TreeCommand, ContainerEvent, ContainerRecord> table = CommandTable.builder();
        table.forState((actor, s) -> actor.work instanceof Retired)
                .on(Define.class, (actor, s, define) -> actor.replyError(define.replyTo(), actor.notFound()));
        whileBusy(table);
        return inAnyState(table)
                .on(Define.class, ContainerActor::onDefine)
                .on(Start.class, ContainerActor::onStart)
                .on(AwaitJournal.class, (actor, state, await) -> actor.reply(await.replyTo(), state))
                .on(Stop.class, ContainerActor::onStop)
                .on(Check.class, (actor, state, check) -> actor.check(state, List.of(check.replyTo())))
                .on(Recheck.class, (actor, state, recheck) -> actor.sweptCheck(state))
                .on(HostTidied.class, ContainerActor::onHostTidied)
                .on(Delete.class, ContainerActor::onDelete)
                .on(Routed.class, ContainerActor::onRouted)
                .on(TaskResult.class, ContainerActor::onTaskResult)
                .on(StopResult.class, ContainerActor::onStopResult)
                .on(CheckResult.class, ContainerActor::onCheckResult)
                .on(DeleteResult.class, ContainerActor::onDeleteResult)
                .on(RestartDue.class, ContainerActor::onRestartDue)
                .on(GateOpened.class, (actor, state, opened) -> {
                    if (state.phase() == Phase.STARTING && !actor.busy()) {
                        actor.startTask(state);
                    }
                    return actor.Effect().none();
                })
                .on(PullProgressed.class, ContainerActor::onPullProgressed)
                .on(PullWaiting.class, ContainerActor::onPullWaiting)
                .on(Broadcast.class, ContainerActor::onBroadcast)
                .build();
    }

    @Override
    public CommandHandler<TreeCommand, ContainerEvent, ContainerRecord> commandHandler() {
        return COMMANDS.handlerFor(this);
    }

    private Effect<ContainerEvent, ContainerRecord> onHostTidied(ContainerRecord state, HostTidied done) {
        if (done.error() != null) {
            context.getLog().warn("{}: what runs or was left against the record could not be removed: {}", path,
                    done.error().getMessage());
        }
        publish(state);
        return Effect().none();
    }

    private Effect<ContainerEvent, ContainerRecord> onDefine(ContainerRecord state, Define define) {
        if (state.exists() && define.spec().equals(state.spec()) && define.nestedCgroups() == state.nestedCgroups()) {
            // Unchanged now, but a task started before a crash interrupted an update may still be stale.
            define.replyTo().tell(StatusReply.success(state.definition()));
            return Effect().none();
        }
        return Effect().persist(new ContainerEvent.Defined(define.spec(), Instant.now(), define.nestedCgroups()))
                .thenRun(s -> {
                    publish(s);
                    define.replyTo().tell(StatusReply.success(s.definition()));
                });
    }

    private Effect<ContainerEvent, ContainerRecord> onStart(ContainerRecord state, Start start) {
        if (!state.exists()) {
            return replyError(start.replyTo(), notFound());
        }
        if (state.phase() == Phase.RUNNING) {
            // already running: confirmed with containerd, or started anew if its task is gone (onCheckResult)
            return check(state, List.of(), start, access -> CompletableFuture.supplyAsync(() -> calls.task(access),
                    Blocking.runtime(context)));
        }
        timers.cancel(RestartDue.class);
        ContainerEvent.StartRequested intent = new ContainerEvent.StartRequested(start.joins(), false, Instant.now(),
                start.bringUpGrace() == null ? null : start.bringUpGrace().toMillis());
        work = ContainerWork.recording(start.replyTo());
        if (start.cellIntent()) {
            // The cell's intent is durable already: the task starts while ours is written, one
            // journal write less between a cell's start and its running containers.
            startTask(state.startRequested(intent));
            return Effect().persist(intent).thenRun(this::publish);
        }
        return Effect().persist(intent).thenRun(s -> {
            startTask(s);
            publish(s);
        });
    }

    private void startTask(ContainerRecord state) {
        work = work.calling(Call.START);
        ContainerSpec spec = state.spec();
        Map<String, String> joins = state.joins();
        RealmAccess access = realm;
        PullProgress progress = everyHalfSecond(context.getSelf());
        Blocking.pipe(context, calls.start(access, spec, joins, spec.root(), state.nestedCgroups(), progress, Blocking.runtime(context),
                Blocking.pulls(context.getSystem())), TaskResult::new);
    }

    /** Pull progress as messages to the actor, at most two a second (and the last one always). */
    private static PullProgress everyHalfSecond(ActorRef<TreeCommand> self) {
        return new PullProgress() {
            private long lastSent;

            @Override
            public void bytes(long done, long total) {
                long now = System.nanoTime();
                if (total == 0) {
                    self.tell(new PullProgressed(done, total));   // started, size not known yet: never held back
                } else if (now - lastSent > 500_000_000L || done >= total) {
                    lastSent = now;
                    self.tell(new PullProgressed(done, total));
                }
            }

            @Override
            public void waiting(String why) {
                self.tell(new PullWaiting(why));
            }
        };
    }

    private Effect<ContainerEvent, ContainerRecord> onPullProgressed(ContainerRecord state, PullProgressed pulled) {
        if (work instanceof Calling calling && calling.call() == Call.START && state.phase() == Phase.STARTING) {
            work = calling.pulling(new ContainerStatus.Pull(pulled.done(), pulled.total()));
            publish(state);
        }
        return Effect().none();
    }

    private Effect<ContainerEvent, ContainerRecord> onPullWaiting(ContainerRecord state, PullWaiting waiting) {
        if (work instanceof Calling calling && calling.call() == Call.START && state.phase() == Phase.STARTING) {
            work = calling.pullWaiting(waiting.why());
            publish(state);
        }
        return Effect().none();
    }

    private Effect<ContainerEvent, ContainerRecord> onTaskResult(ContainerRecord state, TaskResult result) {
        Notice.TaskExited exitedMeanwhile = work instanceof Calling calling ? calling.exitedMeanwhile() : null;
        List<ActorRef<StatusReply<ContainerStatus>>> waiting = settle();
        if (result.error() != null) {
            Throwable e = result.error();
            ContainerEvent.StartFailed failed = new ContainerEvent.StartFailed(Failures.reasonOf(e, "StartContainerFailed"),
                    Failures.describe(e), Instant.now());
            return Effect().persist(failed)
                    .thenRun(s -> {
                        LifecycleLog.written(context.getLog(), path, failed);
                        publishAndAnswer(s, waiting);
                    })
                    .thenUnstashAll();
        }
        TaskInfo task = result.task();
        if (task.status() != TaskInfo.Status.RUNNING) {
            return recordExit(state, List.of(), task.pid(), task.exitCode() == null ? -1 : task.exitCode(), task.exitedAt(), waiting);
        }
        ContainerEvent.TaskStarted started = new ContainerEvent.TaskStarted(task.pid(), Instant.now());
        if (exitedMeanwhile != null && (exitedMeanwhile.pid() == 0 || exitedMeanwhile.pid() == task.pid())) {
            // its exit came first and was kept: the start and the exit are written together
            return recordExit(state.started(started), List.of(started), task.pid(), exitedMeanwhile.exitCode(),
                    exitedMeanwhile.exitedAt(), waiting);
        }
        answer(state.started(started), waiting);   // what containerd shows; AwaitJournal waits behind this write
        return Effect().persist(started).thenRun(this::publish).thenUnstashAll();
    }

    private Effect<ContainerEvent, ContainerRecord> onStop(ContainerRecord state, Stop stop) {
        timers.cancel(RestartDue.class);
        boolean active = state.phase() == Phase.RUNNING || state.phase() == Phase.STARTING || state.phase() == Phase.STOPPING;
        if (!active && !state.wantRunning()) {
            return reply(stop.replyTo(), state);   // nothing runs and no restart is owed
        }
        Duration timeout = stop.timeout() != null ? stop.timeout() : ports.settings().stopTimeout();
        work = ContainerWork.recording(stop.replyTo());
        return Effect().persist(new ContainerEvent.StopRequested(stop.kill(), Instant.now()))
                .thenRun(s -> stopTask(s, timeout, stop.kill()));
    }

    private void stopTask(ContainerRecord state, Duration timeout, boolean kill) {
        work = work.calling(Call.STOP);
        publish(state);
        RealmAccess access = realm;
        Blocking.pipe(context, () -> calls.stop(access, timeout, kill), StopResult::new);
    }

    private Effect<ContainerEvent, ContainerRecord> onStopResult(ContainerRecord state, StopResult result) {
        List<ActorRef<StatusReply<ContainerStatus>>> waiting = settle();
        if (result.error() != null) {
            waiting.forEach(replyTo -> replyTo.tell(StatusReply.error(result.error())));
            noticeRuntime(result.error());
            return Effect().unstashAll();
        }
        Integer code = result.task() == null ? null : result.task().exitCode();
        return Effect().persist(new ContainerEvent.TaskStopped(code, Instant.now()))
                .thenRun(s -> publishAndAnswer(s, waiting))
                .thenUnstashAll();
    }

    private Effect<ContainerEvent, ContainerRecord> check(ContainerRecord state,
                                                         List<ActorRef<StatusReply<ContainerStatus>>> askers) {
        return check(state, askers, null, access -> CompletableFuture.supplyAsync(() -> calls.task(access), Blocking.runtime(context)));
    }

    /** A check nobody waits for, made with every other container's of the moment (adoption, relist): one list a namespace. */
    private Effect<ContainerEvent, ContainerRecord> sweptCheck(ContainerRecord state) {
        return check(state, List.of(), null, access -> calls.sweptTask(access, Blocking.runtime(context)));
    }

    private Effect<ContainerEvent, ContainerRecord> check(ContainerRecord state, List<ActorRef<StatusReply<ContainerStatus>>> askers,
                                                         Start start, Function<RealmAccess, CompletableFuture<TaskInfo>> lookup) {
        if (!state.exists() || state.phase() == Phase.DEFINED) {
            answer(state, askers);
            return Effect().none();
        }
        RealmAccess access = realm;
        Blocking.pipe(context, lookup.apply(access), (task, error) -> new CheckResult(task, error, askers, start));
        return Effect().none();
    }

    private Effect<ContainerEvent, ContainerRecord> onCheckResult(ContainerRecord state, CheckResult result) {
        if (result.error() != null) {
            noticeRuntime(result.error());
            answer(state, answered(result));
            return Effect().none();
        }
        observed = new Observed(false, observed.oomPending());
        TaskInfo task = result.task();
        if (adopting && state.phase() == Phase.RUNNING && task.status() == TaskInfo.Status.RUNNING) {
            LifecycleLog.adopted(context.getLog(), path, task.pid());
        }
        adopting = false;
        boolean lost = state.phase() == Phase.RUNNING && !busy() && task.status() != TaskInfo.Status.RUNNING
                && task.status() != TaskInfo.Status.PAUSED && task.status() != TaskInfo.Status.PAUSING;
        if (lost) {
            int code = task.status() == TaskInfo.Status.STOPPED && task.exitCode() != null ? task.exitCode() : -1;
            startAgain(result.start());
            return recordExit(state, List.of(), task.pid(), code, task.exitedAt(), result.askers());
        }
        if (result.start() != null && state.phase() == Phase.EXITED) {
            startAgain(result.start());   // its exit was recorded while the start asked (the check at recovery, say)
            return Effect().none();
        }
        if (nothingShouldRun(state) && task.status() == TaskInfo.Status.RUNNING) {
            // A start containerd carried out after its failure was written (it went down meanwhile):
            // the record says nothing runs, so the task is stopped.
            RealmAccess access = realm;
            Blocking.pipe(context, () -> calls.stop(access, Duration.ZERO, true), (stopped, error) -> new HostTidied(error));
        } else if (nothingShouldRun(state) && task.status() == TaskInfo.Status.NO_TASK) {
            // A task deleted while containerd went down may leave its group behind (runc never removed it).
            Blocking.pipe(context, () -> {
                calls.removeLeftGroup();
                return Boolean.TRUE;
            }, (done, error) -> new HostTidied(error));
        }
        answer(state, answered(result));
        publish(state);
        return Effect().none();
    }

    /**
     * A start that found the record running but the task gone (it died while kukeond was down, say)
     * starts a new task, as a start does after any exit: taken again once the exit is written
     * (commands wait while it is), never answered with the exit.
     */
    private void startAgain(Start start) {
        if (start != null) {
            context.getSelf().tell(start);
        }
    }

    /** Who is told the status as the check leaves it: its askers, or the start that found its task there (or containerd away). */
    private static List<ActorRef<StatusReply<ContainerStatus>>> answered(CheckResult result) {
        return result.start() == null ? result.askers() : List.of(result.start().replyTo());
    }

    private Effect<ContainerEvent, ContainerRecord> onDelete(ContainerRecord state, Delete delete) {
        timers.cancel(RestartDue.class);
        if (!state.exists()) {
            return reply(delete.replyTo(), state);
        }
        work = ContainerWork.recording(delete.replyTo());
        return Effect().persist(new ContainerEvent.DeleteRequested(Instant.now())).thenRun(s -> deleteTask());
    }

    private void deleteTask() {
        work = work.calling(Call.DELETE);
        RealmAccess access = realm;
        Blocking.pipe(context, () -> {
            calls.delete(access);
            return Boolean.TRUE;
        }, (done, error) -> new DeleteResult(error));
    }

    private Effect<ContainerEvent, ContainerRecord> onDeleteResult(ContainerRecord state, DeleteResult result) {
        List<ActorRef<StatusReply<ContainerStatus>>> waiting = settle();
        if (result.error() != null) {
            waiting.forEach(replyTo -> replyTo.tell(StatusReply.error(result.error())));
            return Effect().unstashAll();
        }
        return Effect().persist(new ContainerEvent.ContainerDeleted(Instant.now()))
                .thenRun(s -> {
                    work = new Retired();
                    ports.index().remove(path);
                    answer(s, waiting);
                })
                .thenUnstashAll();
    }

    /** The API's Get, and containerd's notices, routed down by the cell. */
    private Effect<ContainerEvent, ContainerRecord> onRouted(ContainerRecord state, Routed routed) {
        Routed.Addressed message = routed.message();
        if (message instanceof ObjectCommand.Get get) {
            if (!state.exists()) {
                get.fail(notFound());
            } else if (state.phase() == Phase.RUNNING) {
                RealmAccess access = realm;
                readUsage(get, () -> calls.usage(access));
            } else {
                get.reply(Reply.of(view(state, null), Reply.Outcome.DONE));
            }
        } else if (message instanceof ObjectCommand other) {
            other.fail(new IllegalStateException("the cell handles " + other.getClass().getSimpleName()
                    + " of its containers"));
        } else if (message instanceof Notice.TaskOomKilled) {
            observed = new Observed(observed.runtimeDown(), true);
        } else if (message instanceof Notice.InjectedFailure && ports.settings().failureInjection()) {
            throw new IllegalStateException("failure injected into " + path + " (test hook)");
        } else if (message instanceof Notice.TaskExited exited) {
            boolean ours = state.phase() == Phase.RUNNING && (state.pid() == null || exited.pid() == 0
                    || state.pid() == exited.pid());
            if (ours && !busy()) {   // a stop in flight records the exit itself
                return recordExit(state, List.of(), exited.pid(), exited.exitCode(), exited.exitedAt(), List.of());
            }
            if (state.phase() == Phase.STARTING && work instanceof Calling calling && calling.call() == Call.START) {
                work = calling.exited(exited);   // recorded with the start's result, which has not come yet
            }
        }
        return Effect().none();
    }

    // ---- exits and restarts ----

    /** @param before events written with the exit, first (and {@code state} is after them) */
    private Effect<ContainerEvent, ContainerRecord> recordExit(ContainerRecord state, List<ContainerEvent> before, int pid,
                                                              int exitCode, Instant exitedAt,
                                                              List<ActorRef<StatusReply<ContainerStatus>>> waiting) {
        boolean oom = observed.oomPending();
        observed = new Observed(observed.runtimeDown(), false);
        Instant at = exitedAt != null ? exitedAt : Instant.now();
        List<ContainerEvent> events = new ArrayList<>(before);
        events.add(new ContainerEvent.TaskExited(pid, exitCode, oom, at));
        RestartRules.afterExit(state, exitCode, at, ports.settings().restartBackoff(), Instant.now()).ifPresent(events::add);
        return Effect().persist(events)
                .thenRun(s -> {
                    LifecycleLog.written(context.getLog(), path, events);
                    publishAndAnswer(s, waiting);
                    scheduleRestart(s);
                })
                .thenUnstashAll();
    }

    /**
     * Pekko's scheduler takes no delay beyond about 248 days (at its default tick), and a restart
     * may be owed later than that (a large max-backoff): the timer wakes at least once a day and
     * looks again.
     */
    private static final Duration LONGEST_TIMER = Duration.ofDays(1);

    private void scheduleRestart(ContainerRecord state) {
        if (state.restarts().nextAt() == null || !state.wantRunning() || work instanceof Retired) {
            return;
        }
        Duration delay = Duration.between(Instant.now(), state.restarts().nextAt());
        Duration wait = delay.isNegative() ? Duration.ZERO : delay.compareTo(LONGEST_TIMER) > 0 ? LONGEST_TIMER : delay;
        timers.startSingleTimer(RestartDue.class, new RestartDue(), wait);
    }

    private Effect<ContainerEvent, ContainerRecord> onRestartDue(ContainerRecord state, RestartDue due) {
        if (state.phase() != Phase.EXITED || !state.wantRunning() || state.restarts().nextAt() == null) {
            return Effect().none();
        }
        if (state.restarts().nextAt().isAfter(Instant.now())) {
            scheduleRestart(state);   // a timer capped at LONGEST_TIMER woke early
            return Effect().none();
        }
        if (afterTheGate(new RestartDue())) {
            return Effect().none();
        }
        return Effect().persist(new ContainerEvent.StartRequested(state.joins(), true, Instant.now(), null)).thenRun(s -> {
            startTask(s);
            publish(s);
        });
    }

    // ---- broadcasts and recovery ----

    private Effect<ContainerEvent, ContainerRecord> onBroadcast(ContainerRecord state, Broadcast broadcast) {
        boolean wasDown = observed.runtimeDown();
        observed = new Observed(!broadcast.runtimeAvailable(), observed.oomPending());
        if (!broadcast.runtimeAvailable()) {
            publish(state);
            return Effect().none();
        }
        if (state.phase() == Phase.RUNNING && !busy()) {
            return sweptCheck(state);
        }
        if (nothingShouldRun(state)) {
            return sweptCheck(state);
        }
        if ((state.phase() == Phase.STOPPING || state.phase() == Phase.DELETING) && !busy()) {
            carryOutOpenIntent(state);   // written while containerd did not answer: as after a recovery
            return Effect().none();
        }
        if (wasDown) {
            publish(state);
        }
        return Effect().none();
    }

    /** The record says no task runs, and no call is in flight that could change that. */
    private boolean nothingShouldRun(ContainerRecord state) {
        return (state.phase() == Phase.FAILED || state.phase() == Phase.STOPPED) && !busy();
    }

    private void noticeRuntime(Throwable error) {
        if (error instanceof UnavailableException) {
            observed = new Observed(true, observed.oomPending());
        }
    }

    @Override
    public EventHandler<ContainerRecord, ContainerEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(ContainerRecord::apply);
    }

    /**
     * After a journal failure Pekko restarts this behaviour on this same object, and a runtime call
     * in flight still answers here: it stays in flight, so commands wait for it and recovery starts
     * no second call. A start whose own intent failed to be written is thus still recorded before a
     * stop, which then reaches its task.
     */
    @Override
    protected void abandonWork(UnavailableException why) {
        work = work.abandoned(why);
    }

    /** Carries out an interrupted intent, adopts a running task, or finds an exit that happened meanwhile. */
    @Override
    protected void onRecovered(ContainerRecord state) {
        if (busy()) {   // restarted with a runtime call in flight: its result decides
            publish(state);
            return;
        }
        carryOutOpenIntent(state);
        publish(state);
    }

    /** An intent written without its outcome: carried out again (each step is idempotent). */
    private void carryOutOpenIntent(ContainerRecord state) {
        switch (state.phase()) {
            case STARTING -> {
                if (!afterTheGate(new GateOpened())) {
                    startTask(state);
                }
            }
            case STOPPING -> stopTask(state, ports.settings().stopTimeout(), false);
            case DELETING -> deleteTask();
            case RUNNING -> {
                adopting = true;
                context.getSelf().tell(new Recheck());
            }
            case EXITED -> scheduleRestart(state);
            default -> { }
        }
    }

    /**
     * True when the restart gate is still closed: {@code then} comes back to this actor once it
     * opens, and the start waits for it.
     */
    private boolean afterTheGate(TreeCommand then) {
        if (ports.restarts().isOpen()) {
            return false;
        }
        ActorRef<TreeCommand> self = context.getSelf();
        ports.restarts().opened().thenRun(() -> self.tell(then));
        return true;
    }

    // ---- answers and the view ----

    /** Ends the work in flight; returns who waited for it. */
    private List<ActorRef<StatusReply<ContainerStatus>>> settle() {
        List<ActorRef<StatusReply<ContainerStatus>>> waiting = work.waiting();
        work = ContainerWork.IDLE;
        return waiting;
    }

    private void publishAndAnswer(ContainerRecord state, List<ActorRef<StatusReply<ContainerStatus>>> waiting) {
        publish(state);
        answer(state, waiting);
    }

    private void answer(ContainerRecord state, List<ActorRef<StatusReply<ContainerStatus>>> waiting) {
        ContainerStatus status = status(state);
        waiting.forEach(replyTo -> replyTo.tell(StatusReply.success(status)));
    }

    private Effect<ContainerEvent, ContainerRecord> reply(ActorRef<StatusReply<ContainerStatus>> replyTo,
                                                         ContainerRecord state) {
        replyTo.tell(StatusReply.success(status(state)));
        return Effect().none();
    }

    private <T> Effect<ContainerEvent, ContainerRecord> replyError(ActorRef<StatusReply<T>> replyTo, Throwable error) {
        replyTo.tell(StatusReply.error(error));
        return Effect().none();
    }

    private void publish(ContainerRecord state) {
        if (!state.exists() || work instanceof Retired) {
            return;
        }
        TreeObject.Container view = view(state, null);
        ports.index().put(view);
        parent.tell(new Changed(view));
    }

    private ContainerStatus status(ContainerRecord s) {
        ContainerStatus.Pull pulled = work instanceof Calling calling ? calling.pulled() : null;
        ContainerStatus status = s.status(identity, observed.runtimeDown(), pulled);
        String pullWait = work instanceof Calling calling ? calling.pullWait() : null;
        return pullWait == null || observed.runtimeDown() ? status : status.withReason(PULL_WAITING, pullWait);
    }

    @Override
    protected boolean exists(ContainerRecord state) {
        return state.exists();
    }

    @Override
    protected TreeObject.Container view(ContainerRecord s, io.kukeon.model.GroupStatus.Usage usage) {
        return new TreeObject.Container(path, new Metadata(path.name(), Map.of(), s.generations().current()), s.spec(),
                usage == null ? status(s) : status(s).withUsage(usage));
    }
}
