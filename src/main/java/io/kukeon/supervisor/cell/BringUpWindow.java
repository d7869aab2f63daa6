package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.tree.Blocking;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cell's bring-up window: a start answers as soon as its tasks run, and a workload that exits
 * within the startup grace after it fails the start all the same, when the window's verdict comes.
 * This holds the window whose verdict is still to come, schedules the verdict and asks containerd
 * for it; the cell's actor writes what the verdict means.
 */
final class BringUpWindow {

    /** The window ending at {@code until} is over: containerd is asked about its workloads. */
    record Due(Instant until) implements TreeCommand {}

    record Checked(Instant until, List<ContainerStatus> statuses, Throwable error) implements TreeCommand {}

    /** What ran at a failed bring-up was stopped ({@code error}: not all of it). */
    record Unwound(Throwable error) implements TreeCommand {}

    /** What a check's answer means for the cell. */
    sealed interface Verdict {}

    /** No verdict now: given already, not to be given, or tried again later. */
    record Pending() implements Verdict {}

    record Passed() implements Verdict {}

    record Failed(RuntimeFailure failure) implements Verdict {}

    /** How soon a verdict that could not be given (containerd down, the cell busy) is tried again. */
    private static final Duration RETRY = Duration.ofMillis(200);

    private final ActorContext<TreeCommand> context;
    private final TimerScheduler<TreeCommand> timers;
    private final CellOperations operations;
    /**
     * The end of the window whose verdict is still to come (null: none): shown in the cell's status,
     * so that whoever started it can wait for the verdict. Not journaled: a window that ended while
     * kukeond was down counts as passed, though exits found at adoption that fell in it still fail
     * the cell (the actor's reports).
     */
    private Instant verdictDue;

    BringUpWindow(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, CellOperations operations) {
        this.context = context;
        this.timers = timers;
        this.operations = operations;
    }

    /**
     * The check of the workloads just started, written with their start: none for a cell that runs
     * to its completion, nor with a startup grace of 0.
     */
    CellEvent.BringUpCheck checkFor(CellSpec spec, List<String> workloadsStarted) {
        Duration grace = operations.bringUpGrace();
        if (grace == null || spec.autoDelete() || workloadsStarted.isEmpty()) {
            return null;
        }
        return new CellEvent.BringUpCheck(workloadsStarted, grace.toMillis());
    }

    /** After a write that opened a window ({@code check} set): its verdict is due at the window's end. */
    void opened(CellRecord state, CellEvent.BringUpCheck check) {
        if (state.bringUp() != null && check != null) {
            verdictAt(state.bringUp().until(), Duration.between(Instant.now(), state.bringUp().until()));
        }
    }

    /** After recovery with no work in flight: a window interrupted before its end still gets its verdict. */
    void recovered(CellRecord state) {
        if (judging(state) && state.bringUp().until().isAfter(Instant.now())) {
            verdictAt(state.bringUp().until(), Duration.between(Instant.now(), state.bringUp().until()));
        }
    }

    /**
     * The window is over: containerd is asked now, as each workload may have exited unseen so far.
     *
     * @param canJudge the cell is idle and containerd answers: no verdict in the middle of other
     *                 work, nor from what cannot be seen
     */
    void due(CellRecord state, Due due, boolean canJudge) {
        if (!due.until().equals(verdictDue)) {
            return;   // a later window's, or judged already
        }
        if (!judging(state)) {
            verdictDue = null;   // ended by a stop, a start or a failure
            return;
        }
        if (!canJudge) {
            verdictAt(due.until(), RETRY);
            return;
        }
        context.pipeToSelf(operations.checkNow(state.bringUp().workloads()),
                (statuses, error) -> new Checked(due.until(), statuses, Blocking.unwrap(error)));
    }

    /** What containerd's answer about the window's workloads means; see {@link #due} for {@code canJudge}. */
    Verdict checked(CellRecord state, Checked checked, boolean canJudge) {
        if (!checked.until().equals(verdictDue) || !judging(state)) {
            return new Pending();   // judged meanwhile, or ended by a stop, a start or a failure (due forgets it)
        }
        boolean unknown = checked.error() != null
                || checked.statuses().stream().anyMatch(st -> st.state() == ContainerState.Unknown);
        if (unknown || !canJudge) {
            verdictAt(checked.until(), RETRY);
            return new Pending();
        }
        Map<String, ContainerStatus> statuses = new HashMap<>();
        checked.statuses().forEach(st -> statuses.put(st.name(), st));
        RuntimeFailure failure = operations.bringUpFailure(state.bringUp(), statuses);
        if (failure != null) {
            return new Failed(failure);
        }
        verdictDue = null;
        return new Passed();
    }

    /** A failure found in what the containers reported before the window's end (null: none). */
    RuntimeFailure failureIn(CellRecord state, Map<String, ContainerStatus> reported) {
        return judging(state) ? operations.bringUpFailure(state.bringUp(), reported) : null;
    }

    /** The verdict was given as a failure and written: no other is to come. */
    void failed() {
        verdictDue = null;
    }

    /** After a failed bring-up: what runs is killed and the address released; {@link Unwound} follows. */
    void unwind(CellRecord state) {
        context.pipeToSelf(operations.stop(state.spec(), Duration.ZERO, true),
                (done, error) -> new Unwound(Blocking.unwrap(error)));
    }

    /** The end of the window whose verdict is still to come, as the status shows it (null: none). */
    Instant shownDue(CellRecord state) {
        return verdictDue != null && judging(state) && verdictDue.equals(state.bringUp().until()) ? verdictDue : null;
    }

    /** The record holds a window a verdict can still fail: a cell meant to run, not failed since. */
    private static boolean judging(CellRecord state) {
        return state.bringUp() != null && state.run().desired() && state.sticky() == null;
    }

    private void verdictAt(Instant until, Duration delay) {
        verdictDue = until;
        timers.startSingleTimer(Due.class, new Due(until), delay.isNegative() ? Duration.ZERO : delay);   // replaces an earlier window's
    }
}
