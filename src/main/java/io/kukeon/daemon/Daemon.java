package io.kukeon.daemon;

import io.kukeon.api.ApiServer;
import io.kukeon.api.DaemonStatus;
import io.kukeon.api.DataDirSpace;
import io.kukeon.api.HeapRoom;
import io.kukeon.api.ExecService;
import io.kukeon.api.HealthService;
import io.kukeon.api.ImageService;
import io.kukeon.api.JournalQueries;
import io.kukeon.api.KukeonService;
import io.kukeon.api.MetricsState;
import io.kukeon.api.TokenAuth;
import io.kukeon.cgroup.CgroupDrivers;
import io.kukeon.cgroup.CgroupLayout;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.cgroup.CgroupSettings;
import io.kukeon.fleet.ClusterSettings;
import io.kukeon.fleet.Fleet;
import io.kukeon.fleet.FleetExit;
import io.kukeon.fleet.FleetRecordStore;
import io.kukeon.metrics.MetricsEndpoint;
import io.kukeon.model.HostIds;
import io.kukeon.model.KukeonException;
import io.kukeon.model.UnavailableException;
import io.kukeon.network.CellNameFiles;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.secrets.FileModes;
import io.kukeon.secrets.SecretStaging;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.volumes.VolumeDirectories;
import io.kukeon.supervisor.TemplateIndex;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.supervisor.RestartGate;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.host.HostSupervisor;
import io.kukeon.supervisor.host.RuntimeEventRouter;
import io.kukeon.supervisor.tree.Blocking;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A running kukeond: journal, actor tree, runtime subscription and API server, wired together.
 * {@link #close()} (or SIGTERM, through Pekko's coordinated shutdown) unbinds the API, closes the
 * journal and leaves every container running.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final ActorSystem<TreeCommand> system;
    private final ApiServer api;
    /** Under the data dir: the pipes of the execs running (see {@link ExecService}). */
    static final String EXEC_DIR = "exec";

    private final ObjectIndex index;

    private final Fleet fleet;

    private Daemon(ActorSystem<TreeCommand> system, ApiServer api, ObjectIndex index, Fleet fleet) {
        this.system = system;
        this.api = api;
        this.index = index;
        this.fleet = fleet;
    }

    public static Daemon start(DaemonConfig settings, PortsFactory factory) throws IOException {
        ApiServer.prepare(settings.api());   // a socket path that cannot be ours fails here, before anything is touched
        DaemonConfig config = settings.withIds(InstanceRecord.settle(settings.dataDir(), settings.ids(),
                isFresh(settings), () -> chooseCgroupRoot(settings)));
        prepareDataDir(config);
        if (config.cluster().clustered()) {   // a member that cannot keep the fleet's records stops before it joins
            FleetRecordStore.prepare(FleetRecordStore.directory(config.dataDir()));
        }
        java.sql.Connection heldOpen = JournalStore.holdOpen(config.journal());   // H2 opened once for the start
        try {
            JournalSchema.apply(config.journal());
            tightenDataDir(config.dataDir());
            JournalKey.verify(config.keyFile(), config.journal());
        } catch (IOException | RuntimeException e) {
            JournalStore.closeQuietly(heldOpen);
            throw e;
        }
        TokenAuth auth = TokenAuth.fromFile(config.tokenFile());

        ContainerRuntime runtime = factory.runtime(config);
        CgroupManager cgroups = factory.cgroups(config);
        ObjectIndex index = new ObjectIndex(config.ids());
        SpaceNetworks networks = factory.networks(config);
        SecretStaging secrets = factory.secrets(config);
        Ports ports = new Ports(runtime, cgroups, networks, factory.egress(config), config.ids(), index, config.treeSettings(),
                new PullSlots(config.pullLimits()), secrets, new SecretIndex(), new VolumeIndex(),
                new VolumeDirectories(config.volumesDir()), new TemplateIndex(),
                config.cluster().clustered() ? RestartGate.closed() : RestartGate.open());
        ActorSystem<TreeCommand> system = ActorSystem.create(HostSupervisor.create(ports, config.relistInterval()),
                "kukeond", config.pekko());
        JournalStore.get(system.classicSystem()).closeOncePooled(heldOpen);
        ContainerRuntime.Subscription events = runtime.subscribe(new RuntimeEventRouter(system));

        Executor reads = Blocking.reads(system);
        JournalStore store = JournalStore.get(system.classicSystem());
        JournalQueries journal = new JournalQueries(system, index, store, config.retention(), reads);
        DataDirSpace dataDir = new DataDirSpace(config.dataDir(), config.dataDirLimits().reserve(),
                config.dataDirLimits().warn());
        Metrics metrics = startMetrics(config, index, runtime, reads);
        DaemonStatus status = new DaemonStatus(version(), journal, JournalStore.get(system.classicSystem()), dataDir,
                runtime, cgroups, networks, index, reads, metrics.state());
        ClusterSettings cluster = config.cluster();
        Fleet fleet = cluster.clustered() ? Fleet.member(system, index, ports.storedVolumes(), ports.storedSecrets(), cluster)
                : Fleet.alone(system, index, cluster.nodeName(), cluster.labels(), cluster.capacity());
        SupervisorTree tree = new SupervisorTree(system, system.scheduler(), config.askTimeout(),
                JournalStore.get(system.classicSystem()));
        ExecService execs = new ExecService(tree, config.ids(), runtime, config.dataDir().resolve(EXEC_DIR),
                Materializer.matFromSystem(system));
        execs.endLeftovers();
        KukeonService service = new KukeonService(tree,
                index, ports.storedSecrets(), ports.storedVolumes(), ports.volumeDirectories(), ports.templates(), journal, new ImageService(runtime, index, config.ids(), config.dataDir().resolve("uploads"),
                system, Blocking.pulls(system), reads, ports.pullSlots(), ImageService.PULL_DEADLINE), execs, status, config.ids(),
                dataDir, HeapRoom.ofThisJvm(), config.logDir(), reads, config.api().applyParallelism(), fleet);
        fleet.serve(service.nodeCalls(), service.cellMoves(), ports.restarts());
        ApiServer api;
        try {
            api = ApiServer.start(system, config.api(), service, new HealthService(status, reads), auth);
        } catch (IOException | RuntimeException e) {
            metrics.close();
            system.terminate();
            try {   // the journal is closed before the caller hears of the failure
                system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception stillStopping) {
                // the failure to listen is what the caller needs to hear
            }
            JournalStore.get(system.classicSystem()).closeEmbeddedDatabase();
            if (e instanceof KukeonException) {
                throw (KukeonException) e;
            }
            throw new UnavailableException("ListenFailed", "cannot listen on " + config.api().where() + ": "
                    + rootMessage(e), e);
        }

        journal.warmUp().whenComplete((done, failed) -> {
            if (failed != null) {   // only speed is lost; a journal that does not answer is said by status and the calls
                LOG.debug("the Watch's warm-up read failed: {}", failed.toString());
            }
        });
        Runnable stopRetention = JournalRetention.of(store, config.retention(), config.journal().kind()).startInBackground();
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "fence-moving-cells", () ->
                shutdown.getShutdownReason().orElse(null) != CoordinatedShutdown.clusterDowningReason()
                        ? CompletableFuture.completedFuture(Done.getInstance())
                        : DownedFence.stopMovingCells(index, runtime, config.ids(), ports.restarts(),
                                config.treeSettings().stopTimeout(), Blocking.runtime(system)).thenApply(v -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind-api",
                () -> CompletableFuture.supplyAsync(() -> {
                    metrics.close();
                    api.close();
                    return Done.getInstance();
                }));
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "stop-journal-retention", () -> {
            stopRetention.run();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-runtime", () -> {
            events.close();
            runtime.close();
            secrets.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        LOG.info("kukeond {} listening on {}, data in {}, containerd at {}, metrics {}", version(), api.where(),
                config.dataDir(), config.containerdSocket(), metrics.state().where() == null ? "off" : metrics.state().where());
        return new Daemon(system, api, index, fleet);
    }

    /** The Prometheus endpoint, when it listens, and what status says of it. */
    private record Metrics(MetricsEndpoint endpoint, MetricsState state) {
        void close() {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    /** A port that cannot be had leaves kukeond without metrics, said once in the log and in status: containers come first. */
    private static Metrics startMetrics(DaemonConfig config, ObjectIndex index, ContainerRuntime runtime, Executor reads) {
        if (config.metricsListen() == null) {
            return new Metrics(null, MetricsState.off());
        }
        try {
            MetricsEndpoint endpoint = MetricsEndpoint.start(config.metricsListen(),
                    MetricsEndpoint.registry(index, config.ids(), runtime, reads));
            return new Metrics(endpoint, MetricsState.listening(endpoint.where()));
        } catch (IOException | RuntimeException e) {
            InetSocketAddress where = config.metricsListen();
            MetricsState failed = MetricsState.failed("cannot listen on " + where.getHostString() + ":" + where.getPort()
                    + " (metrics-listen): " + rootMessage(e));
            LOG.warn("no metrics endpoint: {}", failed.problem());
            return new Metrics(null, failed);
        }
    }

    /** The API's TCP port, or -1 when it listens on its unix socket only. */
    public int port() {
        return api.tcpPort();
    }

    public ActorSystem<TreeCommand> system() {
        return system;
    }

    public ObjectIndex index() {
        return index;
    }

    /**
     * Why the daemon stopped on its own, as the one line kukeond exits with: the cluster downed this
     * node, refused it, or it left because its name was taken; null for a stop that was asked for.
     */
    public String exitProblem() {
        String clash = fleet.problem();
        if (clash != null) {
            return clash;
        }
        return FleetExit.describe(CoordinatedShutdown.get(system).getShutdownReason().orElse(null));
    }

    /** Blocks until the daemon has stopped. */
    public void awaitTermination() {
        system.getWhenTerminated().toCompletableFuture().join();
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("kukeond did not stop within 30 s: {}", e.toString());
        }
        JournalStore.get(system.classicSystem()).closeEmbeddedDatabase();
    }

    public static String version() {
        return io.kukeon.build.BuildInfo.version();
    }

    /** Nothing of an earlier kukeond is in the data dir: it makes both of these at its first start. */
    private static boolean isFresh(DaemonConfig config) {
        return Files.notExists(config.journalBase().getParent()) && Files.notExists(config.logDir());
    }

    private static CgroupRootChoice chooseCgroupRoot(DaemonConfig config) {
        try {
            boolean pureV2 = CgroupDrivers.layout(new CgroupSettings(HostIds.DEFAULT_CGROUP_ROOT, config.cgroupMountpoint()))
                    .mode() == CgroupLayout.Mode.V2;
            return CgroupRootChoice.of(Files.readString(Path.of("/proc/self/cgroup")), System.getenv("INVOCATION_ID"), pureV2);
        } catch (IOException | RuntimeException e) {
            return new CgroupRootChoice(HostIds.DEFAULT_CGROUP_ROOT, "kukeond's own cgroup could not be read: " + e.getMessage());
        }
    }

    private static void prepareDataDir(DaemonConfig config) throws IOException {
        Path dir = config.dataDir();
        FileModes.createPrivateDirectories(dir);
        FileModes.createPrivateDirectories(config.journalBase().getParent());
        // H2 appends its errors to this file, which it would create under the JVM's umask.
        FileModes.createPrivateFile(config.journalBase().resolveSibling(config.journalBase().getFileName() + ".trace.db"));
        FileModes.createPrivateDirectories(config.logDir());
        ContainerLogDir.sweep(config.logDir());
        Path uploads = dir.resolve("uploads");
        if (Files.isDirectory(uploads)) {
            try (var stale = Files.list(uploads)) {
                for (Path p : (Iterable<Path>) stale::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** What a kukeond before the rule of {@link FileModes} left readable by others (or a copy did) becomes root's only. */
    private static void tightenDataDir(Path dataDir) throws IOException {
        Path real = dataDir.toRealPath();
        // containers read the cells' name files (0644); volumes hold their users' files, left as they are
        Path volumes = real.resolve(DaemonConfig.VOLUMES_DIR);
        int changed = FileModes.tightenTree(real, CellNameFiles::isNameFile, volumes::equals);
        if (changed > 0) {
            LOG.info("made {} files and directories in {} readable by root only (0700/0600)", changed, real);
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getMessage();
    }

}
