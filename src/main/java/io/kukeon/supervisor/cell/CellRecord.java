package io.kukeon.supervisor.cell;

import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.StoredSecret;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;
import io.kukeon.supervisor.cell.CellEvent.CellCreated;
import io.kukeon.supervisor.cell.CellEvent.CellUpdated;
import io.kukeon.supervisor.cell.CellEvent.CgroupProvisioned;
import io.kukeon.supervisor.cell.CellEvent.StartRequested;
import io.kukeon.supervisor.cell.CellEvent.Started;
import io.kukeon.supervisor.cell.CellEvent.StopRequested;
import io.kukeon.supervisor.cell.CellEvent.Stopped;
import io.kukeon.supervisor.tree.Generations;
import io.kukeon.supervisor.tree.HeldSecrets;
import io.kukeon.supervisor.tree.Timestamps;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A cell as its journal tells it: the event-sourced state of a {@link CellActor}, and its
 * snapshot. Each transition is named for the event it applies and changes only what that event says.
 *
 * @param activity the intent being carried out (NONE at rest): written before the work, so recovery resumes it
 * @param retiring containers removed from the spec, still to be deleted
 * @param secrets  the Secrets the cell holds, by name (values sealed in the journal); gone with the cell
 * @param bringUp  the last start's bring-up window, until another start, a stop or a failure ends it
 *                 (null: none; absent from journals before the window)
 * @param rootRestart the restarts of the cell around a new root after its root exited (null: none since the
 *                    last stop; absent from journals before them)
 */
@JournalName("cell.Record")
public record CellRecord(boolean exists, CellSpec spec, Map<String, String> labels, Map<String, String> annotations,
                         Generations generations,
                         Activity activity, Run run, Set<String> retiring, GroupStatus cgroup, Problem problem,
                         Timestamps times, Map<String, StoredSecret> secrets, BringUp bringUp, RootRestart rootRestart)
        implements Journaled {

    /** The intent the cell is carrying out; NONE when it is at rest. */
    public enum Activity { NONE, PROVISIONING, STARTING, STOPPING, DELETING }

    /**
     * @param desired       started and not stopped since
     * @param everStarted   it ran at least once (a cell never started shows Pending, not Stopped)
     * @param rootPid       the root's pid when the cell last started
     * @param readyObserved the last start reached Ready
     * @param network       the root's place on its space's network since it was attached; null once
     *                      the root stopped (its address is released then) and in journals from before networks
     */
    public record Run(boolean desired, boolean everStarted, Integer rootPid, boolean readyObserved,
                      CellNetworkStatus network) {
        static final Run NEVER = new Run(false, false, null, false, null);

        Run withNetwork(CellNetworkStatus attached) {
            return new Run(desired, everStarted, rootPid, readyObserved, attached);
        }
    }

    /**
     * Why the cell is not as wanted.
     *
     * @param sticky Failed or Error, kept until the next start or delete (null: the containers decide)
     */
    public record Problem(CellState sticky, String reason, String message) {}

    /**
     * Workloads that must still run (or have exited 0) {@code graceMillis} after {@code openedAt}:
     * one that exits within that window fails the cell's start.
     */
    public record BringUp(List<String> workloads, long graceMillis, Instant openedAt) {
        public BringUp {
            workloads = workloads == null ? List.of() : List.copyOf(workloads);
        }

        public Instant until() {
            return openedAt.plusMillis(graceMillis);
        }
    }

    /**
     * The run of root exits the cell restarted after (see {@link CellEvent.RootExited}).
     *
     * @param attempt the last one's number in the run
     * @param due     when the restart it owes is carried out; null once it was (its StartRequested written)
     */
    public record RootRestart(int attempt, Instant due) {}

    public CellRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);   // absent from journals before annotations
        retiring = retiring == null ? Set.of() : Set.copyOf(retiring);
        generations = generations == null ? Generations.NONE : generations;
        run = run == null ? Run.NEVER : run;
        times = times == null ? Timestamps.NONE : times;
        activity = activity == null ? Activity.NONE : activity;
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);   // absent from journals before Secrets
    }

    public static CellRecord empty() {
        return new CellRecord(false, null, null, null, null, Activity.NONE, null, null, null, null, null, null, null, null);
    }

    /** A restart around a new root is owed and not yet written as a start. */
    boolean rootRestartOwed() {
        return rootRestart != null && rootRestart.due() != null;
    }

    /** Whether the host was brought to the current spec: not so after a provisioning that failed. */
    boolean specInForce() {
        return generations.observed() == generations.current();
    }

    CellState sticky() {
        return problem == null ? null : problem.sticky();
    }

    String reason() {
        return problem == null ? null : problem.reason();
    }

    String message() {
        return problem == null ? null : problem.message();
    }

    /** The names of the spec's containers. */
    Set<String> containerNames() {
        return names(spec);
    }

    static Set<String> names(CellSpec spec) {
        return spec.containers().stream().map(ContainerSpec::id).collect(Collectors.toSet());
    }

    // ---- transitions, one per event ----

    /** The event handler: this record after {@code event}, and nothing else. */
    public CellRecord apply(CellEvent event) {
        if (event instanceof CellEvent.CellCreated e) {
            return created(e);
        } else if (event instanceof CellEvent.CellUpdated e) {
            return updated(e);
        } else if (event instanceof CellEvent.CgroupProvisioned e) {
            return provisioned(e);
        } else if (event instanceof CellEvent.ProvisionFailed e) {
            return failed(e.reason(), e.message(), e.at(), CellState.Failed);
        } else if (event instanceof CellEvent.StartRequested e) {
            return startRequested(e);
        } else if (event instanceof CellEvent.Started e) {
            return started(e);
        } else if (event instanceof CellEvent.NetworkAttached e) {
            return networkAttached(e);
        } else if (event instanceof CellEvent.RootExited e) {
            return rootExited(e);
        } else if (event instanceof CellEvent.StartFailed e) {
            return startFailed(e);
        } else if (event instanceof CellEvent.StopRequested e) {
            return stopRequested(e);
        } else if (event instanceof CellEvent.Stopped e) {
            return stopped(e);
        } else if (event instanceof CellEvent.WorkloadFailed e) {
            return failed("WorkloadFailed", e.message(), e.at(), CellState.Error);
        } else if (event instanceof CellEvent.DeleteRequested e) {
            return deleteRequested(e.at());
        } else if (event instanceof CellEvent.Deleted) {
            return deleted();
        } else if (event instanceof CellEvent.SecretPut e) {
            return secretPut(e);
        } else if (event instanceof CellEvent.SecretRemoved e) {
            return secretRemoved(e);
        } else if (event instanceof CellEvent.DeleteFailed e) {
            return failed(e.reason(), e.message(), e.at(), sticky());
        }
        throw new IllegalArgumentException("a cell has no transition for " + event);
    }


    CellRecord created(CellCreated e) {
        return new CellRecord(true, e.spec(), e.labels(), e.annotations(), generations.next(), Activity.PROVISIONING,
                new Run(e.start(), false, null, false, null), Set.of(), null, null, Timestamps.createdAt(e.at()), secrets, null, null);
    }

    CellRecord updated(CellUpdated e) {
        Set<String> gone = new TreeSet<>(retiring);
        gone.addAll(containerNames());
        gone.removeAll(names(e.spec()));
        Run wanted = new Run(run.desired() || e.start(), run.everStarted(), run.rootPid(), run.readyObserved(), run.network());
        return new CellRecord(true, e.spec(), e.labels(), e.annotations(), generations.at(e.generation()), Activity.PROVISIONING, wanted, gone, cgroup, problem, times.touched(e.at()), secrets,
                bringUp, rootRestart);
    }

    CellRecord provisioned(CgroupProvisioned e) {
        // A failed provisioning is over once provisioning succeeds (a cell meant to run that does
        // not is started next, and that start decides).
        Problem kept = sticky() == CellState.Failed && (!run.desired() || !specInForce())
                ? new Problem(null, problem.reason(), problem.message()) : problem;
        return new CellRecord(true, spec, labels, annotations, generations.observedNow(), Activity.NONE, run, Set.of(), e.cgroup(), kept, times.touched(e.at()), secrets,
                opened(e.bringUp(), e.at()), rootRestart);
    }

    /** ProvisionFailed, StartFailed (Failed), WorkloadFailed (Error), DeleteFailed (the sticky state as it was): the bring-up is judged. */
    CellRecord failed(String reason, String message, Instant at, CellState as) {
        return with(Activity.NONE, run, new Problem(as, reason, message), times.touched(at)).withBringUp(null);
    }

    /** A window opened while another is still open (an update during a start's) covers both's workloads. */
    private BringUp opened(CellEvent.BringUpCheck check, Instant at) {
        if (check == null) {
            return bringUp;
        }
        Set<String> workloads = new java.util.LinkedHashSet<>();
        if (bringUp != null && bringUp.until().isAfter(at)) {
            workloads.addAll(bringUp.workloads());
        }
        workloads.addAll(check.workloads());
        return new BringUp(List.copyOf(workloads), check.graceMillis(), at);
    }

    /** A restart around a new root owed by the root's exit is carried out by this start. */
    CellRecord startRequested(StartRequested e) {
        return with(Activity.STARTING, new Run(true, run.everStarted(), run.rootPid(), false, run.network()), null,
                times.touched(e.at())).withBringUp(null)
                .withRootRestart(rootRestart == null ? null : new RootRestart(rootRestart.attempt(), null));
    }

    /** Not sticky: the cell shows why it is about to restart, until the restart's start. */
    CellRecord rootExited(CellEvent.RootExited e) {
        return with(activity, run, new Problem(null, "RootExited", e.summary()), times.touched(e.at()))
                .withRootRestart(new RootRestart(e.attempt(), e.due()));
    }

    CellRecord networkAttached(CellEvent.NetworkAttached e) {
        return with(activity, run.withNetwork(e.network()), problem, times);
    }

    CellRecord started(Started e) {
        return with(Activity.NONE, new Run(true, true, e.rootPid(), true, run.network()), null, times.ready(e.at()))
                .withBringUp(opened(e.bringUp(), e.at()));
    }

    /** What did start was stopped and its address released (see CellOperations#start). */
    CellRecord startFailed(CellEvent.StartFailed e) {
        return failed(e.reason(), e.message(), e.at(), CellState.Failed).withRun(run.withNetwork(null));
    }

    /** A deliberate stop ends the run of root exits, and any restart it owed. */
    CellRecord stopRequested(StopRequested e) {
        return with(Activity.STOPPING, new Run(false, run.everStarted(), run.rootPid(), run.readyObserved(), run.network()),
                null, times.touched(e.at())).withBringUp(null).withRootRestart(null);
    }

    CellRecord stopped(Stopped e) {
        return with(Activity.NONE, new Run(false, true, null, run.readyObserved(), null), null, times.touched(e.at()));
    }

    CellRecord deleteRequested(Instant at) {
        return with(Activity.DELETING, run, problem, times.touched(at));
    }

    CellRecord deleted() {
        return new CellRecord(false, null, null, null, generations, Activity.NONE, null, null, null, null, null, null, null, null);
    }

    private CellRecord withRun(Run newRun) {
        return with(activity, newRun, problem, times);
    }

    private CellRecord with(Activity newActivity, Run newRun, Problem newProblem, Timestamps newTimes) {
        return new CellRecord(true, spec, labels, annotations, generations, newActivity, newRun, retiring, cgroup, newProblem, newTimes,
                secrets, bringUp, rootRestart);
    }

    private CellRecord withBringUp(BringUp window) {
        return new CellRecord(exists, spec, labels, annotations, generations, activity, run, retiring, cgroup, problem, times,
                secrets, window, rootRestart);
    }

    private CellRecord withRootRestart(RootRestart restart) {
        return new CellRecord(exists, spec, labels, annotations, generations, activity, run, retiring, cgroup, problem, times,
                secrets, bringUp, restart);
    }

    CellRecord secretPut(CellEvent.SecretPut e) {
        return withSecrets(HeldSecrets.put(secrets, e.name(), e.data(), e.at()));
    }

    CellRecord secretRemoved(CellEvent.SecretRemoved e) {
        return withSecrets(HeldSecrets.remove(secrets, e.name()));
    }

    private CellRecord withSecrets(Map<String, StoredSecret> s) {
        return new CellRecord(exists, spec, labels, annotations, generations, activity, run, retiring, cgroup, problem, times, s,
                bringUp, rootRestart);
    }
}
