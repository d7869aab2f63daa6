package io.kukeon.supervisor;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.TaskInfo;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One container of a cell: its containerd container and task, its log file and its restart
 * bookkeeping, which lives in the journal so that a daemon restart continues a backoff where it
 * was. The cell tells it what to run ({@link Define}) and when ({@link Start}, {@link Stop},
 * {@link Delete}); containerd's event stream tells it when its task exits.
 */
public final class ContainerActor extends TreeNode<ContainerActor.Event, ContainerActor.State> {

    /** Restarts allowed under on-failure when the spec names no limit (the reference's default). */
    static final int DEFAULT_MAX_RETRIES = 5;

    // ---- protocol (from the cell) ----

    /** Sets the spec; replies what it means for the container's task. Nothing runs until {@link Start}. */
    public record Define(ContainerSpec spec, ActorRef<StatusReply<Definition>> replyTo) implements TreeCommand {}

    /**
     * @param stale its task runs (or starts) from an older spec: it must be restarted to take this one
     * @param idle  nothing runs and nothing exited on its own: never started, stopped by us, or failed to start
     */
    public record Definition(boolean stale, boolean idle) {}

    /**
     * Runs the container (a running task is kept as it is). Answers as soon as containerd shows the
     * task running, while {@link TaskStarted} is still being written: a workload waits for its
     * root's pid, not for the root's journal. Whoever reports the outcome further asks
     * {@link AwaitJournal} first.
     *
     * @param joins        namespaces of the cell's root to join: {@code network}, {@code ipc}, {@code uts} → {@code /proc/<pid>/ns/...}
     * @param cellIntent   the cell has journaled an intent that covers this start (its own start, or an
     *                     update): the container starts the task at once and writes its own
     *                     {@link StartRequested} alongside; a cell recovering that intent repeats the start
     */
    public record Start(Map<String, String> joins, boolean cellIntent, ActorRef<StatusReply<ContainerStatus>> replyTo)
            implements TreeCommand {}

    /** Answers the status once everything the container has answered before is in its journal. */
    public record AwaitJournal(ActorRef<StatusReply<ContainerStatus>> replyTo) implements TreeCommand {}

    /** Stops the task (SIGTERM, then SIGKILL after the timeout; at once when {@code kill}); no restart follows. */
    public record Stop(Duration timeout, boolean kill, ActorRef<StatusReply<ContainerStatus>> replyTo) implements TreeCommand {}

    /** Asks containerd now, records an exit it finds, replies the status. */
    public record Check(ActorRef<StatusReply<ContainerStatus>> replyTo) implements TreeCommand {}

    /** Removes task, container record, snapshot and log. */
    public record Delete(ActorRef<StatusReply<Done>> replyTo) implements TreeCommand {}

    /** To the cell, after every change: the container's status now. */
    public record Changed(String name, ContainerStatus status) implements TreeCommand {}

    private record TaskResult(TaskInfo task, Throwable error) implements TreeCommand {}

    private record StopResult(TaskInfo task, Throwable error) implements TreeCommand {}

    private record CheckResult(TaskInfo task, Throwable error, ActorRef<StatusReply<ContainerStatus>> replyTo)
            implements TreeCommand {}

    private record DeleteResult(Throwable error) implements TreeCommand {}

    private record RestartDue() implements TreeCommand {}

    /** How far the pull of the container's image has come (sent at most twice a second). */
    private record Pulled(long done, long total) implements TreeCommand {}

    // ---- events ----

    public sealed interface Event extends JournalEvent
            permits Defined, StartRequested, TaskStarted, StartFailed, TaskExited, RestartScheduled, RestartsExhausted,
            StopRequested, TaskStopped, DeleteRequested, ContainerDeleted {}

    public record Defined(ContainerSpec spec, Instant at) implements Event {
        public String summary() {
            return "defined: image " + spec.image();
        }
    }

    /** @param restart a restart by the restart policy, not a start by the cell */
    public record StartRequested(Map<String, String> joins, boolean restart, Instant at) implements Event {
        public String summary() {
            return restart ? "restart requested" : "start requested";
        }
    }

    public record TaskStarted(int pid, Instant at) implements Event {
        public String summary() {
            return "started, pid " + pid;
        }
    }

    public record StartFailed(String reason, String message, Instant at) implements Event {
        public String summary() {
            return "start failed: " + message;
        }
    }

    /** @param exitCode -1 when the task vanished without an exit status (e.g. after a reboot) */
    public record TaskExited(int pid, int exitCode, boolean oomKilled, Instant at) implements Event {
        public String summary() {
            return exitCode < 0 ? "task lost" : "exited with code " + exitCode + (oomKilled ? " (OOMKilled)" : "");
        }
    }

    public record RestartScheduled(int attempt, Instant due, Instant at) implements Event {
        public String summary() {
            return "restart " + attempt + " scheduled at " + due;
        }
    }

    public record RestartsExhausted(int attempts, Instant at) implements Event {
        public String summary() {
            return "gave up after " + attempts + " restarts";
        }
    }

    public record StopRequested(boolean kill, Instant at) implements Event {
        public String summary() {
            return kill ? "kill requested" : "stop requested";
        }
    }

    public record TaskStopped(Integer exitCode, Instant at) implements Event {
        public String summary() {
            return "stopped" + (exitCode == null ? "" : ", exit code " + exitCode);
        }
    }

    public record DeleteRequested(Instant at) implements Event {
        public String summary() {
            return "delete requested";
        }
    }

    public record ContainerDeleted(Instant at) implements Event {
        public String summary() {
            return "deleted";
        }
    }

    // ---- state ----

    public enum Phase { ABSENT, DEFINED, STARTING, RUNNING, EXITED, STOPPING, STOPPED, FAILED, DELETING }

    /**
     * @param wantRunning started by the cell and not stopped since: exits are restarted per policy
     * @param attempt     restarts in the current run of failures (resets after a healthy run)
     */
    public record State(Phase phase, ContainerSpec spec, long generation, long startedGeneration,
                        Map<String, String> joins, Integer pid,
                        Instant startedAt, Instant finishedAt, Integer exitCode, boolean oomKilled, String reason,
                        String message, int restartCount, int attempt, Instant nextRestartAt, boolean wantRunning,
                        boolean gaveUp, Instant createdAt, Instant updatedAt) implements CborSerializable {

        static State empty() {
            return new State(Phase.ABSENT, null, 0, 0, Map.of(), null, null, null, null, false, null, null, 0, 0, null,
                    false, false, null, null);
        }

        boolean exists() {
            return phase != Phase.ABSENT;
        }

        State with(Phase p) {
            return new State(p, spec, generation, startedGeneration, joins, pid, startedAt, finishedAt, exitCode, oomKilled, reason, message,
                    restartCount, attempt, nextRestartAt, wantRunning, gaveUp, createdAt, updatedAt);
        }

        State defined(Defined e) {
            Phase p = phase == Phase.ABSENT ? Phase.DEFINED : phase;
            return new State(p, e.spec(), generation + 1, startedGeneration, joins, pid, startedAt, finishedAt, exitCode, oomKilled,
                    reason, message, restartCount, phase == Phase.ABSENT ? 0 : attempt, nextRestartAt,
                    phase != Phase.ABSENT && wantRunning, false, createdAt == null ? e.at() : createdAt, e.at());
        }

        State startRequested(StartRequested e) {
            return new State(Phase.STARTING, spec, generation, generation, e.joins(), pid, startedAt, finishedAt, exitCode, oomKilled,
                    null, null, e.restart() ? restartCount + 1 : restartCount, e.restart() ? attempt : 0, null, true,
                    false, createdAt, e.at());
        }

        State started(TaskStarted e) {
            return new State(Phase.RUNNING, spec, generation, startedGeneration, joins, e.pid(), e.at(), null, null, false, null, null,
                    restartCount, attempt, null, wantRunning, false, createdAt, e.at());
        }

        State startFailed(StartFailed e) {
            return new State(Phase.FAILED, spec, generation, startedGeneration, joins, null, startedAt, e.at(), exitCode, oomKilled,
                    e.reason(), e.message(), restartCount, attempt, null, false, false, createdAt, e.at());
        }

        State exited(TaskExited e) {
            return new State(Phase.EXITED, spec, generation, startedGeneration, joins, null, startedAt, e.at(),
                    e.exitCode() < 0 ? null : e.exitCode(), e.oomKilled(),
                    e.exitCode() < 0 ? "TaskLost" : e.oomKilled() ? "OOMKilled" : null,
                    e.exitCode() < 0 ? "the task disappeared without an exit status" : null,
                    restartCount, attempt, null, wantRunning, false, createdAt, e.at());
        }

        State restartScheduled(RestartScheduled e) {
            return new State(phase, spec, generation, startedGeneration, joins, pid, startedAt, finishedAt, exitCode, oomKilled, reason,
                    message, restartCount, e.attempt(), e.due(), wantRunning, false, createdAt, e.at());
        }

        State exhausted(RestartsExhausted e) {
            return new State(phase, spec, generation, startedGeneration, joins, pid, startedAt, finishedAt, exitCode, oomKilled,
                    "RestartsExhausted", "gave up after " + e.attempts() + " restarts", restartCount, attempt, null,
                    wantRunning, true, createdAt, e.at());
        }

        State stopRequested(StopRequested e) {
            return new State(Phase.STOPPING, spec, generation, startedGeneration, joins, pid, startedAt, finishedAt, exitCode, oomKilled,
                    reason, message, restartCount, 0, null, false, false, createdAt, e.at());
        }

        State stopped(TaskStopped e) {
            return new State(Phase.STOPPED, spec, generation, startedGeneration, joins, null, startedAt, e.at(), e.exitCode(), false,
                    null, null, restartCount, 0, null, false, false, createdAt, e.at());
        }

        State deleted(ContainerDeleted e) {
            return new State(Phase.ABSENT, null, generation, startedGeneration, Map.of(), null, null, null, null, false,
                    null, null, 0, 0, null, false, false, null, null);
        }

        /** See {@link Definition}. */
        Definition definition() {
            boolean running = phase == Phase.RUNNING || phase == Phase.STARTING;
            return new Definition(running && startedGeneration != generation,
                    phase == Phase.DEFINED || phase == Phase.STOPPED || phase == Phase.FAILED);
        }

        ContainerState display(boolean runtimeDown) {
            if (runtimeDown && (phase == Phase.RUNNING || phase == Phase.STARTING || phase == Phase.STOPPING)) {
                return ContainerState.Unknown;
            }
            return switch (phase) {
                case ABSENT, DEFINED -> ContainerState.NotCreated;
                case STARTING -> ContainerState.Pending;
                case RUNNING, STOPPING -> ContainerState.Ready;
                case EXITED -> exitCode != null && exitCode == 0 ? ContainerState.Exited : ContainerState.Error;
                case STOPPED, DELETING -> ContainerState.Stopped;
                case FAILED -> ContainerState.Failed;
            };
        }
    }

    // ---- factory ----

    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> cell, Ports ports) {
        return supervised(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                        new ContainerActor(context, timers, path, cell, ports))));
    }


    private final ActorContext<TreeCommand> context;
    private final TimerScheduler<TreeCommand> timers;
    private final ObjectPath path;
    private final ActorRef<TreeCommand> cell;
    private final ContainerRuntimeCalls calls;

    // Transient: the callers waiting for the side effect in flight; lost (and the intent replayed) on a restart.
    private final List<ActorRef<StatusReply<ContainerStatus>>> waiting = new ArrayList<>();
    private ActorRef<StatusReply<Done>> deleteWaiting;
    private boolean effectInFlight;
    private boolean oomSeen;
    /** While a start pulls the image: how far it got, shown as the status message. */
    private String pulling;
    private boolean runtimeDown;
    private boolean retired;

    private ContainerActor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, ObjectPath path,
                           ActorRef<TreeCommand> cell, Ports ports) {
        super(PersistenceIds.of(path), ports);
        this.context = context;
        this.timers = timers;
        this.path = path;
        this.cell = cell;
        this.calls = new ContainerRuntimeCalls(ports, path);
    }

    @Override
    public State emptyState() {
        return State.empty();
    }

    // ---- commands ----

    @Override
    public CommandHandler<TreeCommand, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Define.class, this::onDefine)
                .onCommand(Start.class, this::onStart)
                .onCommand(AwaitJournal.class, this::onAwaitJournal)
                .onCommand(Stop.class, this::onStop)
                .onCommand(Check.class, this::onCheck)
                .onCommand(Delete.class, this::onDelete)
                .onCommand(Request.class, this::onRequest)
                .onCommand(TaskResult.class, this::onTaskResult)
                .onCommand(StopResult.class, this::onStopResult)
                .onCommand(CheckResult.class, this::onCheckResult)
                .onCommand(DeleteResult.class, this::onDeleteResult)
                .onCommand(RestartDue.class, this::onRestartDue)
                .onCommand(Pulled.class, this::onPulled)
                .onCommand(UsageRead.class, (state, read) -> {
                    read.request().reply(Reply.of(view(state, read.usage()), Reply.Outcome.DONE));
                    return Effect().none();
                })
                .onCommand(Broadcast.class, this::onBroadcast)
                .build();
    }

    private Effect<Event, State> onDefine(State state, Define define) {
        if (effectInFlight) {
            return Effect().stash();
        }
        if (state.exists() && define.spec().equals(state.spec())) {
            // Unchanged now, but a task started before a crash interrupted an update may still be stale.
            define.replyTo().tell(StatusReply.success(state.definition()));
            return Effect().none();
        }
        return Effect().persist(new Defined(define.spec(), Instant.now()))
                .thenRun(s -> {
                    publish(s);
                    define.replyTo().tell(StatusReply.success(s.definition()));
                });
    }

    private Effect<Event, State> onStart(State state, Start start) {
        if (effectInFlight) {
            return Effect().stash();
        }
        if (!state.exists() || retired) {
            start.replyTo().tell(StatusReply.error(new NotFoundException(path.kind(), path)));
            return Effect().none();
        }
        if (state.phase() == Phase.RUNNING) {
            // Already running: confirm with containerd rather than trust the journal.
            return onCheck(state, new Check(start.replyTo()));
        }
        timers.cancel(RestartDue.class);
        waiting.add(start.replyTo());
        StartRequested intent = new StartRequested(start.joins(), false, Instant.now());
        if (start.cellIntent()) {
            // The cell's intent is durable already: the task starts while ours is written, one
            // journal write less between a cell's start and its running containers.
            runStart(state.startRequested(intent));
            return Effect().persist(intent).thenRun(this::publish);
        }
        return Effect().persist(intent).thenRun(this::publishAndStart);
    }

    /** Pekko holds commands back while a write is in flight: this runs once what was answered is written. */
    private Effect<Event, State> onAwaitJournal(State state, AwaitJournal await) {
        if (effectInFlight) {
            return Effect().stash();   // a start repeated after a journal failure: answer once it is recorded
        }
        await.replyTo().tell(StatusReply.success(status(state)));
        return Effect().none();
    }

    private void runStart(State state) {
        effectInFlight = true;
        ContainerSpec spec = state.spec();
        Map<String, String> joins = state.joins();
        boolean root = spec.root();
        ActorRef<TreeCommand> self = context.getSelf();
        long[] lastSent = {0};
        PullProgress progress = (done, total) -> {
            long now = System.nanoTime();
            if (now - lastSent[0] > 500_000_000L || done >= total) {
                lastSent[0] = now;
                self.tell(new Pulled(done, total));
            }
        };
        Blocking.pipe(context, () -> calls.start(spec, joins, root, progress), TaskResult::new);
    }

    private Effect<Event, State> onPulled(State state, Pulled pulled) {
        if (state.phase() == Phase.STARTING && effectInFlight) {
            pulling = "pulling " + state.spec().image() + ": " + Sizes.progress(pulled.done(), pulled.total());
            publish(state);
        }
        return Effect().none();
    }

    private Effect<Event, State> onTaskResult(State state, TaskResult result) {
        effectInFlight = false;
        pulling = null;
        if (result.error() != null) {
            Throwable e = result.error();
            String reason = e instanceof io.kukeon.model.KukeonException k ? k.kind() : "StartContainerFailed";
            return Effect().persist(new StartFailed(reason, ScopeProvisioning.describe(e), Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        replyAll(s);
                    })
                    .thenUnstashAll();
        }
        TaskInfo task = result.task();
        if (task.status() != TaskInfo.Status.RUNNING) {
            return recordExit(state, task.pid(), task.exitCode() == null ? -1 : task.exitCode(), task.exitedAt());
        }
        TaskStarted started = new TaskStarted(task.pid(), Instant.now());
        replyAll(state.started(started));   // what containerd shows; AwaitJournal waits behind this write
        return Effect().persist(started).thenRun(this::publish).thenUnstashAll();
    }

    private Effect<Event, State> onStop(State state, Stop stop) {
        if (effectInFlight) {
            return Effect().stash();
        }
        timers.cancel(RestartDue.class);
        if (state.phase() != Phase.RUNNING && state.phase() != Phase.STARTING && state.phase() != Phase.STOPPING) {
            // Nothing runs (or it already exited): only make sure no restart follows.
            if (!state.wantRunning()) {
                stop.replyTo().tell(StatusReply.success(status(state)));
                return Effect().none();
            }
        }
        waiting.add(stop.replyTo());
        return Effect().persist(new StopRequested(stop.kill(), Instant.now())).thenRun(s -> runStop(s, stop));
    }

    private void runStop(State state, Stop stop) {
        effectInFlight = true;
        publish(state);
        Duration timeout = stop.timeout() != null ? stop.timeout() : ports.settings().stopTimeout();
        Blocking.pipe(context, () -> calls.stop(timeout, stop.kill()), StopResult::new);
    }

    private Effect<Event, State> onStopResult(State state, StopResult result) {
        effectInFlight = false;
        if (result.error() != null) {
            return failWaiting(result.error());
        }
        Integer code = result.task() == null ? null : result.task().exitCode();
        return Effect().persist(new TaskStopped(code, Instant.now()))
                .thenRun(s -> {
                    publish(s);
                    replyAll(s);
                })
                .thenUnstashAll();
    }

    private Effect<Event, State> onCheck(State state, Check check) {
        if (!state.exists() || state.phase() == Phase.DEFINED) {
            check.replyTo().tell(StatusReply.success(status(state)));
            return Effect().none();
        }
        Blocking.pipe(context, calls::task, (task, error) -> new CheckResult(task, error, check.replyTo()));
        return Effect().none();
    }

    private Effect<Event, State> onCheckResult(State state, CheckResult result) {
        if (result.error() != null) {
            markRuntime(result.error());
            if (result.replyTo() != null) {
                result.replyTo().tell(StatusReply.success(status(state)));
            }
            return Effect().none();
        }
        runtimeDown = false;
        TaskInfo task = result.task();
        boolean lost = state.phase() == Phase.RUNNING && !effectInFlight && task.status() != TaskInfo.Status.RUNNING
                && task.status() != TaskInfo.Status.PAUSED && task.status() != TaskInfo.Status.PAUSING;
        if (lost) {
            if (result.replyTo() != null) {
                waiting.add(result.replyTo());
            }
            int code = task.status() == TaskInfo.Status.STOPPED && task.exitCode() != null ? task.exitCode() : -1;
            return recordExit(state, task.pid(), code, task.exitedAt());
        }
        if (result.replyTo() != null) {
            result.replyTo().tell(StatusReply.success(status(state)));
        }
        publish(state);
        return Effect().none();
    }

    private Effect<Event, State> onDelete(State state, Delete delete) {
        if (effectInFlight) {
            return Effect().stash();
        }
        timers.cancel(RestartDue.class);
        if (!state.exists()) {
            delete.replyTo().tell(StatusReply.success(Done.getInstance()));
            return Effect().none();
        }
        deleteWaiting = delete.replyTo();
        return Effect().persist(new DeleteRequested(Instant.now())).thenRun(this::runDelete);
    }

    private void runDelete(State state) {
        effectInFlight = true;
        Blocking.pipe(context, () -> {
            calls.delete();
            return Done.getInstance();
        }, (done, error) -> new DeleteResult(error));
    }

    private Effect<Event, State> onDeleteResult(State state, DeleteResult result) {
        effectInFlight = false;
        ActorRef<StatusReply<Done>> replyTo = deleteWaiting;
        deleteWaiting = null;
        if (result.error() != null) {
            if (replyTo != null) {
                replyTo.tell(StatusReply.error(result.error()));
            }
            return Effect().unstashAll();
        }
        return Effect().persist(new ContainerDeleted(Instant.now()))
                .thenRun(s -> {
                    retired = true;
                    ports.index().remove(path);
                    if (replyTo != null) {
                        replyTo.tell(StatusReply.success(Done.getInstance()));
                    }
                })
                .thenUnstashAll();
    }

    private Effect<Event, State> onRequest(State state, Request request) {
        Operation op = request.op();
        if (op instanceof Operation.Get) {
            if (!state.exists() || retired) {
                request.fail(new NotFoundException(path.kind(), path));
            } else if (state.phase() == Phase.RUNNING) {
                readUsage(context, request, () -> ports.runtime().metrics(calls.namespace(), calls.containerdId()));
            } else {
                request.reply(Reply.of(view(state, null), Reply.Outcome.DONE));
            }
            return Effect().none();
        }
        if (op instanceof Operation.TaskOomKilled) {
            oomSeen = true;
            return Effect().none();
        }
        if (op instanceof Operation.InjectFailure) {
            if (ports.settings().failureInjection()) {
                throw new IllegalStateException("failure injected into " + path + " (test hook)");
            }
            return Effect().none();
        }
        if (op instanceof Operation.TaskExited exited) {
            boolean ours = state.phase() == Phase.RUNNING && (state.pid() == null || exited.pid() == 0
                    || state.pid() == exited.pid());
            if (!ours || effectInFlight) {
                return Effect().none();   // a stop in flight records the exit itself
            }
            return recordExit(state, exited.pid(), exited.exitCode(), exited.exitedAt());
        }
        request.fail(new IllegalStateException("the cell handles " + op.getClass().getSimpleName()));
        return Effect().none();
    }

    // ---- exits and restarts ----

    private Effect<Event, State> recordExit(State state, int pid, int exitCode, Instant exitedAt) {
        boolean oom = oomSeen;
        oomSeen = false;
        Instant at = exitedAt != null ? exitedAt : Instant.now();
        List<Event> events = new ArrayList<>();
        events.add(new TaskExited(pid, exitCode, oom, at));
        RestartPolicy policy = state.spec().restartPolicy();
        if (state.wantRunning() && policy.restartsAfter(exitCode)) {
            Duration ran = state.startedAt() == null ? Duration.ZERO : Duration.between(state.startedAt(), at);
            int attempt = ran.compareTo(ports.settings().restartBackoff().resetAfter()) >= 0 ? 1 : state.attempt() + 1;
            int max = state.spec().restartMaxRetries() != null ? state.spec().restartMaxRetries() : DEFAULT_MAX_RETRIES;
            if (policy == RestartPolicy.ON_FAILURE && attempt > max) {
                events.add(new RestartsExhausted(attempt - 1, Instant.now()));
            } else {
                Duration initial = state.spec().restartBackoffSeconds() == null ? null
                        : Duration.ofSeconds(state.spec().restartBackoffSeconds());
                Duration delay = ports.settings().restartBackoff().delayBefore(attempt, initial);
                events.add(new RestartScheduled(attempt, Instant.now().plus(delay), Instant.now()));
            }
        }
        return Effect().persist(events)
                .thenRun(s -> {
                    publish(s);
                    replyAll(s);
                    scheduleRestart(s);
                })
                .thenUnstashAll();
    }

    private void scheduleRestart(State state) {
        if (state.nextRestartAt() == null || !state.wantRunning() || retired) {
            return;
        }
        Duration delay = Duration.between(Instant.now(), state.nextRestartAt());
        timers.startSingleTimer(RestartDue.class, new RestartDue(), delay.isNegative() ? Duration.ZERO : delay);
    }

    private Effect<Event, State> onRestartDue(State state, RestartDue due) {
        if (effectInFlight) {
            return Effect().stash();
        }
        if (state.phase() != Phase.EXITED || !state.wantRunning() || state.nextRestartAt() == null) {
            return Effect().none();
        }
        return Effect().persist(new StartRequested(state.joins(), true, Instant.now())).thenRun(this::publishAndStart);
    }

    private void publishAndStart(State state) {
        publish(state);
        runStart(state);
    }

    // ---- broadcasts and recovery ----

    private Effect<Event, State> onBroadcast(State state, Broadcast broadcast) {
        if (!broadcast.runtimeAvailable()) {
            runtimeDown = true;
            publish(state);
            return Effect().none();
        }
        boolean wasDown = runtimeDown;
        runtimeDown = false;
        if (state.phase() == Phase.RUNNING && !effectInFlight) {
            return onCheck(state, new Check(null));
        }
        if (wasDown) {
            publish(state);
        }
        return Effect().none();
    }

    private void markRuntime(Throwable error) {
        if (error instanceof UnavailableException) {
            runtimeDown = true;
        }
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Defined.class, State::defined)
                .onEvent(StartRequested.class, State::startRequested)
                .onEvent(TaskStarted.class, State::started)
                .onEvent(StartFailed.class, State::startFailed)
                .onEvent(TaskExited.class, State::exited)
                .onEvent(RestartScheduled.class, State::restartScheduled)
                .onEvent(RestartsExhausted.class, State::exhausted)
                .onEvent(StopRequested.class, State::stopRequested)
                .onEvent(TaskStopped.class, State::stopped)
                .onEvent(DeleteRequested.class, (s, e) -> s.with(Phase.DELETING))
                .onEvent(ContainerDeleted.class, State::deleted)
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return lifecycleSignals().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
    }

    @Override
    protected void abandonRequests(UnavailableException why) {
        for (ActorRef<StatusReply<ContainerStatus>> replyTo : waiting) {
            replyTo.tell(StatusReply.error(why));
        }
        waiting.clear();
        if (deleteWaiting != null) {
            deleteWaiting.tell(StatusReply.error(why));
            deleteWaiting = null;
        }
        // After a journal failure Pekko restarts this behaviour on this same object, and a runtime
        // call in flight still answers here: effectInFlight stays set, so commands wait for it and
        // recovery does not start a second call. A start whose own intent failed to be written is
        // thus still recorded before a stop, which then reaches its task.
        pulling = null;
    }

    /** Carries out an interrupted intent, adopts a running task, or finds an exit that happened meanwhile. */
    private void onRecovered(State state) {
        if (effectInFlight) {   // restarted with a runtime call in flight: its result decides
            publish(state);
            return;
        }
        switch (state.phase()) {
            case STARTING -> runStart(state);   // published below
            case STOPPING -> runStop(state, new Stop(ports.settings().stopTimeout(), false, null));
            case DELETING -> runDelete(state);
            case RUNNING -> context.getSelf().tell(new Check(null));
            case EXITED -> scheduleRestart(state);
            default -> { }
        }
        publish(state);
    }

    // ---- view ----

    private void replyAll(State state) {
        ContainerStatus status = status(state);
        for (ActorRef<StatusReply<ContainerStatus>> replyTo : waiting) {
            replyTo.tell(StatusReply.success(status));
        }
        waiting.clear();
    }

    private Effect<Event, State> failWaiting(Throwable error) {
        for (ActorRef<StatusReply<ContainerStatus>> replyTo : waiting) {
            replyTo.tell(StatusReply.error(error));
        }
        waiting.clear();
        markRuntime(error);
        return Effect().unstashAll();
    }

    private void publish(State state) {
        if (!state.exists() || retired) {
            return;
        }
        ports.index().put(view(state, null));
        cell.tell(new Changed(path.name(), status(state)));
    }

    ContainerStatus status(State s) {
        String image = s.spec() == null ? null : s.spec().image();
        return new ContainerStatus(path.name(), calls.containerdId(), s.display(runtimeDown), s.pid(), s.restartCount(),
                s.startedAt(), s.finishedAt(), s.exitCode(), ContainerStatus.signalOf(s.exitCode()), s.oomKilled(),
                runtimeDown ? "RuntimeUnavailable" : s.reason(), pulling != null ? pulling : s.message(), s.nextRestartAt(),
                calls.logFile().toString(), ports.ids().cgroup(path).toString(), image, null);
    }

    private TreeObject view(State s, io.kukeon.model.GroupStatus.Usage usage) {
        return new TreeObject.Container(path, new Metadata(path.name(), Map.of(), s.generation()), s.spec(),
                usage == null ? status(s) : status(s).withUsage(usage));
    }
}
