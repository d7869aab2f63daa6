package io.kukeon.supervisor.cell;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.UnavailableException;
import io.kukeon.network.CellNetworking;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.NetworkAttachment;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.Asks;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.container.ContainerProtocol;
import io.kukeon.supervisor.tree.ChildMessages;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The multi-step work of a cell — start, stop, update, delete — as chains of asks to its
 * container actors. A {@link CellActor} persists the intent, runs one of these, and persists the
 * outcome when the chain completes. They touch no actor state: only refs and immutable specs.
 */
final class CellOperations {
    private final Ports ports;
    private final ObjectPath cell;
    /** The cell's stack: questions for the host go up through it. */
    private final ActorRef<TreeCommand> parent;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final Function<String, ActorRef<TreeCommand>> containers;
    private final CellNames names;

    /** How long one container may take to start (an image pull included). */
    static final Duration START_TIMEOUT = Duration.ofMinutes(15);

    CellOperations(Ports ports, ObjectPath cell, ActorRef<TreeCommand> parent, Scheduler scheduler, Executor blocking,
                   Function<String, ActorRef<TreeCommand>> containers) {
        this.ports = ports;
        this.cell = cell;
        this.parent = parent;
        this.names = new CellNames(ports, cell);
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.containers = containers;
    }

    /** The cell's cgroup with its limits; every container's cgroup lies below it. */
    CompletionStage<GroupStatus> ensureCgroup(CellSpec spec) {
        return CompletableFuture.supplyAsync(() -> ensureCgroupNow(spec), blocking);
    }

    /**
     * At a recovery with no intent open: the provisioning that wrote the group's limits finished
     * (a spec change is an intent until then), so only a group removed meanwhile (a reboot) is made
     * again. Checking that it exists costs a lookup a hierarchy; an ensure reads and writes every
     * limit file, which at a daemon's start was the largest part of the adoption's work.
     */
    CompletionStage<Boolean> ensureCgroupIfMissing(CellSpec spec) {
        return CompletableFuture.supplyAsync(() -> {
            if (ports.cgroups().exists(ports.ids().cgroup(cell))) {
                return false;
            }
            ensureCgroupNow(spec);
            return true;
        }, blocking);
    }

    private GroupStatus ensureCgroupNow(CellSpec spec) {
        CgroupManager.Delegation delegation = spec.nestedCgroupRuntime() ? CgroupManager.Delegation.ALL
                : CgroupManager.Delegation.NEEDED;
        return ports.cgroups().ensure(ports.ids().cgroup(cell), spec.resources(), delegation);
    }

    CompletionStage<Done> removeCgroup() {
        return CompletableFuture.supplyAsync(() -> {
            ports.cgroups().delete(ports.ids().cgroup(cell));
            return Done.getInstance();
        }, blocking);
    }

    /**
     * What {@link #provision} did: the cell's cgroup, the new root when it restarted the whole cell
     * (else null), and the workloads it started (whose bring-up the cell checks).
     */
    record Provisioning(GroupStatus cgroup, Start newRoot, List<String> workloadsStarted) {}

    /** What a new spec did to a running cell: see {@link #applyToRunning}. */
    record Applied(Start newRoot, List<String> workloadsStarted) {
        static final Applied NOTHING = new Applied(null, List.of());
    }

    /** A started cell: its root's pid and the root's place on its space's network. */
    record Start(int rootPid, CellNetworkStatus network) {}

    /**
     * Cgroup, then the removed containers deleted, then specs to the container actors, then (for a
     * running cell, {@code rootPid} set) the containers whose spec changed restarted.
     */
    CompletionStage<Provisioning> provision(CellSpec spec, Collection<String> retiring, Integer rootPid) {
        return ensureCgroup(spec).thenCompose(cgroup -> deleteAll(retiring)
                .thenCompose(done -> define(spec))
                .thenCompose(definitions -> rootPid == null ? CompletableFuture.completedFuture(Applied.NOTHING)
                        : applyToRunning(spec, definitions, rootPid).thenCompose(applied -> journaled(spec).thenApply(d -> applied)))
                .thenApply(applied -> new Provisioning(cgroup, applied.newRoot(), applied.workloadsStarted())));
    }

    /**
     * One container's start, stop, kill or restart, the cell supplying the root's namespaces.
     *
     * @param rootPid the cell's root when it runs (else null: only the root itself can start)
     */
    CompletionStage<ContainerStatus> onContainer(ObjectCommand command, CellSpec spec, String name, Integer rootPid) {
        if (command instanceof ObjectCommand.Stop stop) {
            return stopOne(name, stop.timeout(), false);
        }
        if (command instanceof ObjectCommand.Kill) {
            return stopOne(name, null, true);
        }
        if (!(command instanceof ObjectCommand.Start || command instanceof ObjectCommand.Restart)) {
            return CompletableFuture.failedFuture(new InvalidArgumentException("operation",
                    command.getClass().getSimpleName() + " does not apply to a container"));
        }
        boolean isRoot = name.equals(spec.rootContainerId());
        if (!isRoot && rootPid == null) {
            return CompletableFuture.failedFuture(new FailedPreconditionException("CellNotRunning",
                    "cell \"" + cell.name() + "\" is not running; start the cell first"));
        }
        Map<String, String> joins = isRoot ? Map.of() : joinsOf(rootPid);
        return command instanceof ObjectCommand.Restart restart
                ? stopOne(name, restart.timeout(), false).thenCompose(s -> startOne(name, joins, false))
                : startOne(name, joins, false);
    }

    /** Gives every container actor its spec; completes with what that means for each container's task. */
    CompletionStage<Map<String, ContainerProtocol.Definition>> define(CellSpec spec) {
        List<CompletableFuture<Map.Entry<String, ContainerProtocol.Definition>>> answers = new ArrayList<>();
        for (ContainerSpec c : spec.containers()) {
            answers.add(Asks.<TreeCommand, ContainerProtocol.Definition>askWithStatus(containers.apply(c.id()),
                            replyTo -> new ContainerProtocol.Define(c, spec.nestedCgroupRuntime(), replyTo), Duration.ofSeconds(30), scheduler)
                    .thenApply(d -> Map.entry(c.id(), d)));
        }
        return all(answers).thenApply(list -> Map.ofEntries(list.toArray(new Map.Entry[0])));
    }

    /**
     * Containers answer a start once containerd shows it running; this completes once all of the
     * spec's containers have also journaled what they answered, so the cell's own reply, sent after
     * it, never reports an outcome the journal could lose.
     */
    CompletionStage<Done> journaled(CellSpec spec) {
        List<CompletableFuture<ContainerStatus>> answers = new ArrayList<>();
        for (ContainerSpec c : spec.containers()) {
            answers.add(Asks.<TreeCommand, ContainerStatus>askWithStatus(containers.apply(c.id()),
                    ContainerProtocol.AwaitJournal::new, Duration.ofSeconds(30), scheduler));
        }
        return all(answers).thenApply(list -> Done.getInstance());
    }

    /**
     * A running cell takes a new spec: a stale root means a full restart (completes with the new
     * root's pid); else stale workloads are stopped, and they and the idle ones (new, stopped by an
     * interrupted update) are started into the root's namespaces. Completes with the workloads started.
     */
    CompletionStage<Applied> applyToRunning(CellSpec spec, Map<String, ContainerProtocol.Definition> definitions,
                                            int rootPid) {
        if (definitions.get(spec.rootContainerId()).stale()) {
            return stop(spec, null, false).thenCompose(done -> start(spec, null, null))
                    .thenApply(newRoot -> new Applied(newRoot, ids(spec.workloads())));
        }
        List<ContainerSpec> stale = spec.workloads().stream().filter(w -> definitions.get(w.id()).stale()).toList();
        List<ContainerSpec> toStart = spec.workloads().stream()
                .filter(w -> definitions.get(w.id()).stale() || definitions.get(w.id()).idle()).toList();
        List<CompletableFuture<ContainerStatus>> stops = new ArrayList<>();
        for (ContainerSpec w : stale) {
            stops.add(stopOne(w.id(), null, false));
        }
        return all(stops).thenCompose(done -> startWorkloads(toStart, joinsOf(rootPid), spec.autoDelete()))
                .thenApply(done -> new Applied(null, ids(toStart)));
    }

    /**
     * Root first, attached to its space's network; then every workload joins the root's net, ipc
     * and uts namespaces (whether they stay up is the cell's bring-up check, after the answer). Completes
     * with the root's pid and address, once containerd shows it all running (see {@link #journaled}).
     * Only for a cell that has journaled its intent to start or to take a new spec. When it fails
     * after the attachment, the address is released again (the actor kills what did start).
     *
     * @param previousRoot    the root's pid when the cell last started (null: never); a root that
     *                        came back with another pid has new namespaces, so workloads still in the
     *                        old ones are stopped and started again inside the new
     * @param previousNetwork the address the cell holds (null: none); a root with new namespaces
     *                        releases it first, as its eth0 went with the old ones and an ADD would
     *                        otherwise find the old attachment rather than make one in the new
     */
    CompletionStage<Start> start(CellSpec spec, Integer previousRoot, CellNetworkStatus previousNetwork) {
        ContainerSpec root = spec.rootContainer();
        return CompletableFuture.runAsync(() -> names.prepare(root.hostNetwork()), blocking)
                .thenCompose(prepared -> startOne(root.id(), Map.of(), true))
                .thenCompose(rootStatus -> {
                    if (rootStatus.state() != ContainerState.Ready || rootStatus.pid() == null) {
                        throw notRunning(rootStatus);
                    }
                    int pid = rootStatus.pid();
                    CompletionStage<Done> moved = previousRoot == null || previousRoot.equals(pid)
                            ? CompletableFuture.completedFuture(Done.getInstance())
                            : stopWorkloads(spec, null, true).thenCompose(stopped -> previousNetwork == null
                                    ? CompletableFuture.completedFuture(Done.getInstance()) : detach(spec, null));
                    return moved.thenCompose(d -> attach(spec, pid))
                            .thenCompose(network -> startWorkloads(spec.workloads(), joinsOf(pid), spec.autoDelete())
                                    .thenApply(done -> new Start(pid, network)))
                            .exceptionallyCompose(failed -> detach(spec, pid).handle((d, e) -> {
                                throw failed instanceof CompletionException c ? c : new CompletionException(failed);
                            }));
                });
    }

    /**
     * Attaches the running root to its space's network before any workload joins it (a workload
     * that starts first would see no eth0). Attaching again finds the same attachment. The space's
     * network is made sure of first, from what the host's journal gives the space (its /24, or its user's conflist): a cell
     * resumed at recovery may come before its space has made its network again (a journal from
     * before networks has none), and both making it is harmless. The cell's published ports go
     * with the attachment. A root on the host's network is not attached: completes with null.
     */
    CompletionStage<CellNetworkStatus> attach(CellSpec spec, int rootPid) {
        if (spec.rootContainer().hostNetwork()) {
            return CompletableFuture.completedFuture(null);
        }
        String rootId = ports.ids().containerdId(cell.child(spec.rootContainerId()));
        ObjectPath space = cell.ancestor(Kind.SPACE);
        return Asks.<TreeCommand, SpaceNetworkSource>askWithStatus(parent, replyTo -> new ChildMessages.ClaimSubnet(space, replyTo),
                        ChildMessages.ClaimSubnet.TIMEOUT, scheduler)
                .thenApplyAsync(source -> {
                    ports.networks().ensure(cell.realm(), space.name(), source);
                    NetworkAttachment a = ports.networks().attach(cell.realm(), space.name(), rootId,
                            Path.of("/proc/" + rootPid + "/ns/net"), CellNetworking.portMappings(spec));
                    CellNetworkStatus network = new CellNetworkStatus(a.address(), a.prefixLength(), a.gateway(), a.bridge());
                    names.addressed(network);
                    return network;
                }, blocking);
    }

    /** The cell's /etc/hosts made current with its space's cells (at each relist). */
    CompletionStage<Void> refreshNames(CellNetworkStatus network) {
        return CompletableFuture.runAsync(() -> names.refresh(network), blocking);
    }

    /**
     * Releases the root's address.
     *
     * @param liveRootPid the root when it still runs (its eth0 is taken out too); null once it is
     *                    gone, so that a namespace path whose pid was reused is never entered
     */
    CompletionStage<Done> detach(CellSpec spec, Integer liveRootPid) {
        if (spec.rootContainer().hostNetwork()) {
            return CompletableFuture.completedFuture(Done.getInstance());   // never attached
        }
        String rootId = ports.ids().containerdId(cell.child(spec.rootContainerId()));
        Path netns = liveRootPid == null ? null : Path.of("/proc/" + liveRootPid + "/ns/net");
        return CompletableFuture.supplyAsync(() -> {
            ports.networks().detach(cell.realm(), cell.nameAt(Kind.SPACE), rootId, netns);
            names.unaddressed();
            return Done.getInstance();
        }, blocking);
    }

    /**
     * Starts the given workloads into an already running root's namespaces; completes once each
     * runs (or did its job). Whether they stay up is checked by the cell for {@link #bringUpGrace}
     * after its answer, unless the cell runs to its completion ({@code autoDelete}, as
     * {@code kuke run --rm}): there an early exit is the workload's answer, not a failed start.
     */
    CompletionStage<Done> startWorkloads(List<ContainerSpec> workloads, Map<String, String> joins, boolean runToCompletion) {
        Duration grace = runToCompletion ? null : bringUpGrace();
        List<CompletableFuture<ContainerStatus>> started = new ArrayList<>();
        for (ContainerSpec w : workloads) {
            started.add(startOne(w.id(), joins, true, grace));
        }
        return all(started).thenApply(statuses -> {
            for (ContainerStatus s : statuses) {
                if (!startedOrDone(s, runToCompletion)) {
                    throw notRunning(s);
                }
            }
            return Done.getInstance();
        });
    }

    /** How long a started workload must go on running: the startup grace; null when it is 0 (not checked). */
    Duration bringUpGrace() {
        Duration grace = ports.settings().startupGrace();
        return grace.isZero() || grace.isNegative() ? null : grace;
    }

    /** Asks containerd now about each workload of a bring-up window (each container records an exit it finds). */
    CompletionStage<List<ContainerStatus>> checkNow(Collection<String> workloads) {
        List<CompletableFuture<ContainerStatus>> checks = new ArrayList<>();
        for (String w : workloads) {
            checks.add(Asks.<TreeCommand, ContainerStatus>askWithStatus(containers.apply(w),
                    ContainerProtocol.Check::new, Duration.ofSeconds(30), scheduler));
        }
        return all(checks);
    }

    /**
     * The bring-up's verdict on what the window's workloads report: the first that exited on its own
     * by the window's end, other than with 0, fails it (null: none did so far). An exit after the
     * window is the restart policy's; a stop by the user is no exit of its own.
     */
    RuntimeFailure bringUpFailure(CellRecord.BringUp window, Map<String, ContainerStatus> reported) {
        for (String w : window.workloads()) {
            ContainerStatus s = reported.get(w);
            boolean exitedOnItsOwn = s != null && (s.state() == ContainerState.Exited || s.state() == ContainerState.Error);
            if (exitedOnItsOwn && !startedOrDone(s, false)
                    && (s.finishTime() == null || !s.finishTime().isAfter(window.until()))) {
                return new RuntimeFailure("ContainerExitedEarly", "container \"" + s.name()
                        + "\" exited within " + window.graceMillis() + " ms of its start" + exit(s)
                        + "; see kuke logs " + cell.name() + " --container " + s.name());
            }
        }
        return null;
    }

    private static List<String> ids(List<ContainerSpec> containers) {
        return containers.stream().map(ContainerSpec::id).toList();
    }

    /**
     * Running, or already done: a workload that did its job at once (exit code 0) did not fail to
     * start, nor did one of a cell that runs to completion that exited with any code.
     */
    static boolean startedOrDone(ContainerStatus s, boolean runToCompletion) {
        boolean exited = (s.state() == ContainerState.Exited || s.state() == ContainerState.Error) && s.exitCode() != null;
        return s.state().isActive() || (exited && (runToCompletion || s.exitCode() == 0));
    }

    /** @param cellIntent see {@link ContainerProtocol.Start}: the cell has journaled an intent covering this start */
    CompletableFuture<ContainerStatus> startOne(String name, Map<String, String> joins, boolean cellIntent) {
        return startOne(name, joins, cellIntent, null);
    }

    private CompletableFuture<ContainerStatus> startOne(String name, Map<String, String> joins, boolean cellIntent,
                                                        Duration bringUpGrace) {
        return Asks.askWithStatus(containers.apply(name),
                replyTo -> new ContainerProtocol.Start(joins, cellIntent, bringUpGrace, replyTo), START_TIMEOUT, scheduler);
    }

    /** Workloads first (in parallel), then the root, then its address released. */
    CompletionStage<Done> stop(CellSpec spec, Duration timeout, boolean kill) {
        return stopWorkloads(spec, timeout, kill).thenCompose(done -> stopOne(spec.rootContainerId(), timeout, kill))
                .thenCompose(status -> detach(spec, null));
    }

    private CompletionStage<Done> stopWorkloads(CellSpec spec, Duration timeout, boolean kill) {
        List<CompletableFuture<ContainerStatus>> stops = new ArrayList<>();
        for (ContainerSpec w : spec.workloads()) {
            stops.add(stopOne(w.id(), timeout, kill));
        }
        return all(stops).thenApply(done -> Done.getInstance());
    }

    CompletableFuture<ContainerStatus> stopOne(String name, Duration timeout, boolean kill) {
        Duration askTimeout = (timeout == null ? ports.settings().stopTimeout() : timeout).plusSeconds(60);
        return Asks.askWithStatus(containers.apply(name), replyTo -> new ContainerProtocol.Stop(timeout, kill, replyTo),
                askTimeout, scheduler);
    }

    /** Workloads first, then the root, then its address, then the cell's cgroup. */
    CompletionStage<Done> delete(CellSpec spec, Collection<String> alsoRemove) {
        List<String> workloads = new ArrayList<>(spec.workloads().stream().map(ContainerSpec::id).toList());
        workloads.addAll(alsoRemove);
        return deleteAll(workloads)
                .thenCompose(done -> deleteAll(List.of(spec.rootContainerId())))
                .thenCompose(done -> detach(spec, null))
                .thenCompose(done -> CompletableFuture.runAsync(names::delete, blocking))
                .thenCompose(done -> removeCgroup());
    }

    CompletionStage<Done> deleteAll(Collection<String> names) {
        List<CompletableFuture<ContainerStatus>> deletes = new ArrayList<>();
        for (String name : names) {
            deletes.add(Asks.<TreeCommand, ContainerStatus>askWithStatus(containers.apply(name),
                    ContainerProtocol.Delete::new, ports.settings().stopTimeout().plusSeconds(60), scheduler));
        }
        return all(deletes).thenApply(list -> Done.getInstance());
    }

    static Map<String, String> joinsOf(int rootPid) {
        return Map.of("network", "/proc/" + rootPid + "/ns/net", "ipc", "/proc/" + rootPid + "/ns/ipc",
                "uts", "/proc/" + rootPid + "/ns/uts");
    }

    /**
     * Why a container is not running after its start. When containerd did not answer, that is what
     * the cell is told (UnavailableException): it keeps its intent and carries it out when containerd
     * answers again, rather than taking it for a failure of the container.
     */
    private RuntimeException notRunning(ContainerStatus s) {
        String why = s.message() != null ? s.message() : "state " + s.state() + exit(s);
        String message = "container \"" + s.name() + "\" did not start: " + why;
        if (UnavailableException.RUNTIME_UNAVAILABLE.equals(s.reason())) {
            return new UnavailableException(UnavailableException.RUNTIME_UNAVAILABLE, message);
        }
        if (s.reason() == null && s.exitCode() != null) {   // it ran, and ended as it started
            return new RuntimeFailure("ContainerExitedEarly", "container \"" + s.name() + "\" exited as it started"
                    + exit(s) + "; see kuke logs " + cell.name() + " --container " + s.name());
        }
        return new FailedPreconditionException(s.reason() != null ? s.reason() : "StartContainerFailed", message);
    }

    private static String exit(ContainerStatus s) {
        return s.exitCode() == null ? "" : " (exit code " + s.exitCode() + ")";
    }

    static <T> CompletionStage<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture[0]))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }
}
