package io.kukeon.runtime.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.UnavailableException;
import io.kukeon.model.RegistryCredential;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.RunningExec;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.runtime.RuntimeListener;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.runtime.TaskSweeps;
import io.kukeon.runtime.archive.LayerFiles;
import io.kukeon.runtime.containerd.api.containers.Container;
import io.kukeon.runtime.containerd.api.images.Image;
import io.kukeon.runtime.containerd.api.snapshots.Info;
import io.kukeon.runtime.containerd.api.types.task.Process;
import io.kukeon.runtime.oci.OciSpecBuilder;
import io.kukeon.runtime.registry.ImageReference;

import io.kukeon.secrets.FileModes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@link ContainerRuntime} port over containerd's gRPC API. Constructing it never touches
 * containerd, so the daemon starts while containerd is down; {@link #health()} says why it is
 * unusable, and every call made meanwhile fails fast with {@code RuntimeUnavailable}.
 */
public final class ContainerdRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(ContainerdRuntime.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Label the supervisor puts on every container it owns; listContainers returns those. */
    public static final String CELL_LABEL = "kukeon.io/cell";
    /** containerd's filter for the containers that carry {@link #CELL_LABEL}. */
    private static final String OUR_CONTAINERS = "labels.\"" + CELL_LABEL + "\"";
    /** Label on every namespace a realm owns: its name. Only a namespace with it is ever drained. */
    public static final String REALM_LABEL = "kukeon.io/realm";
    private static final Duration CREATE_LEASE = Duration.ofMinutes(10);

    /** The registry client's threads: its work is non-blocking; the pulls themselves run on kukeond's pulls pool. */
    static final int REGISTRY_IO_THREADS = 4;

    private final ContainerdConnection conn;
    private final ContainerdConfig config;
    private final Namespaces namespaces;
    private final Content content;
    private final ResolvedImageCache resolved;
    private final Leases leases;
    private final Snapshots snapshots;
    private final Images images;
    private final Containers containers;
    private final Tasks tasks;
    private final ExecProcesses execs;
    private final ImageUnpacker unpacker;
    private final OciArchiveLoader loader;
    private final ImagePuller puller;
    /** Runs the registry client's own work (its connections' I/O and callbacks); the JDK's default is unbounded. */
    private final ExecutorService registryIo;
    private final List<EventStream> streams = new CopyOnWriteArrayList<>();
    private final TaskSweeps sweeps = new TaskSweeps(this::tasksById, this::ourContainerIds);

    public ContainerdRuntime(Path socket, ContainerdConfig config) {
        this.config = config;
        this.conn = new ContainerdConnection(socket, config);
        this.namespaces = new Namespaces(conn);
        this.content = new Content(conn);
        this.resolved = new ResolvedImageCache(content);
        this.leases = new Leases(conn);
        this.snapshots = new Snapshots(conn);
        this.images = new Images(conn);
        this.containers = new Containers(conn);
        this.tasks = new Tasks(conn);
        this.execs = new ExecProcesses(conn);
        this.unpacker = new ImageUnpacker(conn, content, snapshots);
        this.loader = new OciArchiveLoader(content, images, leases, unpacker, config.snapshotter());
        this.registryIo = Executors.newFixedThreadPool(REGISTRY_IO_THREADS, daemonThreads("kukeon-registry-io"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.registryConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(registryIo).build();
        this.puller = new ImagePuller(http, config, content, images, leases, unpacker);
    }

    public static ContainerdRuntime connect(Path socket) {
        return new ContainerdRuntime(socket, ContainerdConfig.defaults());
    }

    @Override
    public RuntimeHealth health() {
        return conn.health();
    }

    @Override
    public void ensureNamespace(String namespace, String realm, boolean adoptUnlabelled) {
        Optional<Map<String, String>> labels = namespaces.labels(namespace);
        if (labels.isEmpty()) {
            namespaces.create(namespace, Map.of(REALM_LABEL, realm));
            return;
        }
        String owner = labels.get().get(REALM_LABEL);
        if (realm.equals(owner)) {
            return;
        }
        if (owner != null) {
            throw new RuntimeFailure(RuntimeFailure.NAMESPACE_NOT_OURS, "containerd namespace \"" + namespace
                    + "\" belongs to kukeon realm \"" + owner + "\" (label " + REALM_LABEL + ")");
        }
        String held = adoptUnlabelled ? "" : contents(namespace);
        if (!held.isEmpty()) {
            throw new RuntimeFailure(RuntimeFailure.NAMESPACE_NOT_OURS, "containerd namespace \"" + namespace
                    + "\" was not created by kukeon and holds " + held + "; kukeon does not take it over");
        }
        namespaces.setLabel(namespace, REALM_LABEL, realm);
    }

    /** What a namespace holds, in words ("" when empty): containers, images and content blobs. */
    private String contents(String namespace) {
        List<String> held = new ArrayList<>();
        int n = containers.list(namespace).size();
        if (n > 0) {
            held.add(n + " container(s)");
        }
        n = images.list(namespace).size();
        if (n > 0) {
            held.add(n + " image(s)");
        }
        n = content.list(namespace).size();
        if (n > 0) {
            held.add(n + " content blob(s)");
        }
        return String.join(", ", held);
    }

    @Override
    public List<String> listNamespaces() {
        return namespaces.list();
    }

    /**
     * Removes everything in the realm's namespace the way the reference's CleanupNamespaceResources
     * does, then the namespace. A namespace without the realm's label is not drained: only the
     * containers that carry our cell label are removed, and the namespace only if that left it empty.
     */
    @Override
    public void deleteNamespace(String namespace, String realm) {
        Optional<Map<String, String>> labels = namespaces.labels(namespace);
        if (labels.isEmpty()) {
            return;
        }
        if (!realm.equals(labels.get().get(REALM_LABEL))) {
            if (labels.get().containsKey(REALM_LABEL)) {
                return;   // another realm's
            }
            for (Container c : containers.list(namespace, OUR_CONTAINERS)) {
                deleteContainer(namespace, c.getId());
            }
            if (contents(namespace).isEmpty()) {
                deleteEmptyNamespace(namespace);
            }
            return;
        }
        for (Container c : containers.list(namespace)) {
            deleteContainer(namespace, c.getId());
        }
        for (String lease : leases.list(namespace)) {
            leases.delete(namespace, lease, false);
        }
        List<Image> all = images.list(namespace);
        for (int i = 0; i < all.size(); i++) {
            images.delete(namespace, all.get(i).getName(), i == all.size() - 1);
        }
        for (String snapshotter : new LinkedHashSet<>(List.of(config.snapshotter(), "overlayfs", "native"))) {
            removeSnapshots(namespace, snapshotter);
        }
        content.list(namespace).forEach(blob -> content.delete(namespace, blob.getDigest()));
        deleteEmptyNamespace(namespace);
    }

    /** Children before parents: a snapshot with children cannot be removed, so leaves go first, round by round. */
    private void removeSnapshots(String namespace, String snapshotter) {
        List<Info> left;
        try {
            left = snapshots.list(namespace, snapshotter);
        } catch (RuntimeFailure e) {
            return; // that snapshotter is not loaded here
        }
        for (int round = 0; round < 64 && !left.isEmpty(); round++) {
            Set<String> parents = new HashSet<>();
            left.forEach(s -> parents.add(s.getParent()));
            for (Info s : left) {
                if (!parents.contains(s.getName())) {
                    snapshots.remove(namespace, snapshotter, s.getName());
                }
            }
            left = snapshots.list(namespace, snapshotter);
        }
    }

    private void deleteEmptyNamespace(String namespace) {
        for (int attempt = 0; ; attempt++) {
            try {
                namespaces.delete(namespace);
                return;
            } catch (RuntimeFailure e) {
                // containerd may still be collecting what we just removed
                boolean notEmpty = e.getCause() instanceof StatusRuntimeException s
                        && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
                if (!notEmpty || attempt >= 20) {
                    throw e;
                }
                sleep(Duration.ofMillis(100));
            }
        }
    }

    @Override
    public ImageInfo ensureImage(String namespace, String reference, List<RegistryCredential> credentials,
                                 PullProgress progress) {
        ImageReference ref = ImageReference.parse(reference);
        Image existing = images.get(namespace, ref.toString());
        ResolvedImage image;
        if (existing != null) {
            image = resolved.resolve(namespace, ref.toString(), existing.getTarget());
            ensureUnpacked(namespace, image);
            return new ImageInfo(ref.toString(), existing.getTarget().getDigest(), image.size());
        }
        namespaces.create(namespace, Map.of());
        image = puller.pull(namespace, ref, credentials, progress == null ? PullProgress.NONE : progress);
        Image created = images.get(namespace, ref.toString());
        return new ImageInfo(ref.toString(), created == null ? image.manifestDigest() : created.getTarget().getDigest(),
                image.size());
    }

    @Override
    public List<ImageInfo> loadImage(String namespace, Path archive) {
        namespaces.create(namespace, Map.of());
        return loader.load(namespace, archive);
    }

    @Override
    public List<ImageInfo> listImages(String namespace) {
        List<ImageInfo> out = new ArrayList<>();
        for (Image i : images.list(namespace)) {
            long size;
            try {
                size = resolved.resolve(namespace, i.getName(), i.getTarget()).size();
            } catch (RuntimeFailure e) {
                size = i.getTarget().getSize(); // content partly missing: the root is all we can count
            }
            out.add(new ImageInfo(i.getName(), i.getTarget().getDigest(), size));
        }
        return out;
    }

    @Override
    public void removeImage(String namespace, String name) {
        images.delete(namespace, name, true);
    }

    private void ensureUnpacked(String namespace, ResolvedImage image) {
        if (!unpacker.isUnpacked(namespace, config.snapshotter(), image)) {
            try (Leases.Held lease = leases.acquire(namespace, "unpack", CREATE_LEASE)) {
                unpacker.unpack(namespace, lease.id(), config.snapshotter(), image);
            }
        }
    }

    @Override
    public void ensureContainer(ContainerRequest request) {
        String ns = request.namespace();
        String id = request.containerdId();
        String reference = ImageReference.parse(request.image()).toString();
        Image imageRecord = images.get(ns, reference);
        if (imageRecord == null) {
            throw new RuntimeFailure(RuntimeFailure.IMAGE_NOT_FOUND, "image " + reference + " is not in namespace " + ns
                    + "; pull or load it first");
        }
        ResolvedImage image = resolved.resolve(ns, reference, imageRecord.getTarget());
        ensureUnpacked(ns, image);
        LayerFiles files = new LayerFiles(digest -> content.open(ns, digest), image.manifest().layers());
        String spec = OciSpecBuilder.build(request, image.config(), files);
        if (!request.userOwnedFiles().isEmpty()) {
            ownFiles(request, OciSpecBuilder.processUser(request, image.config(), files));
        }
        Map<String, String> labels = new LinkedHashMap<>(request.labels());
        if (request.shimGroup() != null && !request.shimGroup().isEmpty()) {
            labels.put(Containers.SHIM_GROUP_LABEL, request.shimGroup());
        }
        Container wanted = Container.newBuilder().setId(id).putAllLabels(labels).setImage(reference)
                .setRuntime(Container.Runtime.newBuilder().setName(Containers.RUNC_V2))
                .setSpec(Any.newBuilder().setTypeUrl(Containers.SPEC_TYPE_URL)
                        .setValue(ByteString.copyFrom(spec, StandardCharsets.UTF_8)))
                .setSnapshotter(config.snapshotter()).setSnapshotKey(id).build();

        Container existing = containers.get(ns, id);
        if (existing != null && !existing.getImage().equals(reference)) {
            // a new image needs a new root filesystem: only possible while nothing runs on the old one
            Process p = tasks.get(ns, id);
            if (p != null && p.getStatus() != io.kukeon.runtime.containerd.api.types.task.Status.STOPPED) {
                throw new RuntimeFailure("ContainerRunning", "container " + id + " runs image " + existing.getImage()
                        + "; stop it before changing its image to " + reference);
            }
            deleteContainer(ns, id);
            existing = null;
        }
        if (existing == null) {
            create(ns, wanted, image.topChainId());
        } else if (!existing.getSpec().equals(wanted.getSpec()) || !existing.getLabelsMap().equals(wanted.getLabelsMap())) {
            containers.update(ns, wanted, "spec", "labels");
        }
    }

    /** The container's staged files become its process's, so that a non-root user reads its 0400 secrets. */
    private static void ownFiles(ContainerRequest request, int[] user) {
        for (Path file : request.userOwnedFiles()) {
            try {
                Files.setAttribute(file, "unix:uid", user[0], LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(file, "unix:gid", user[1], LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new RuntimeFailure(Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? "VolumeUnavailable"
                        : "SecretUnavailable", "cannot give " + file + " to uid " + user[0] + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Snapshot (key = container ID) and record, both under one lease so the GC cannot take the snapshot between them. */
    private void create(String ns, Container wanted, String parent) {
        String id = wanted.getId();
        try (Leases.Held lease = leases.acquire(ns, "create", CREATE_LEASE)) {
            Info snapshot = snapshots.stat(ns, config.snapshotter(), id);
            if (snapshot != null && !snapshot.getParent().equals(parent)) {
                snapshots.remove(ns, config.snapshotter(), id); // left by an earlier attempt with another image
                snapshot = null;
            }
            if (snapshot == null) {
                snapshots.prepare(ns, lease.id(), config.snapshotter(), id, parent);
            }
            if (!containers.create(ns, lease.id(), wanted)) {
                containers.update(ns, wanted, "spec", "labels"); // a concurrent or crashed create made it first
            }
        }
    }

    @Override
    public TaskInfo startTask(String namespace, String containerdId, LogTarget log) {
        Container c = containers.get(namespace, containerdId);
        if (c == null) {
            throw new RuntimeFailure("ContainerNotFound", "container " + containerdId + " does not exist in namespace " + namespace);
        }
        try {
            FileModes.createPrivateDirectories(log.dir().directory().toAbsolutePath());
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot create the log directory of " + containerdId + ": " + e.getMessage(), e);
        }
        for (int attempt = 1; ; attempt++) {
            Process p = tasks.get(namespace, containerdId);
            if (p != null) {
                switch (p.getStatus()) {
                    case RUNNING, PAUSED, PAUSING -> {
                        return Tasks.info(p);
                    }
                    case CREATED -> {
                        return TaskInfo.running(tasks.start(namespace, containerdId));
                    }
                    default -> tasks.delete(namespace, containerdId);
                }
            }
            try {
                if (attempt == 1) {   // a retry's task may be the interrupted create's, already logging
                    keepLastRunAsPrevious(containerdId, log);
                }
                TaskTerminal terminal = onTerminal(c) ? TaskTerminal.of(config.attachDir(), namespace, containerdId) : null;
                if (terminal != null) {
                    terminal.prepare();
                }
                tasks.create(namespace, containerdId, snapshots.mounts(namespace, c.getSnapshotter(), c.getSnapshotKey()),
                        TaskLog.uri(config.logger(), log, terminal), terminal);
                break;
            } catch (RuntimeFailure | UnavailableException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                clearInterruptedCreate(namespace, containerdId, attempt, e);
            }
        }
        try {
            return TaskInfo.running(tasks.start(namespace, containerdId));
        } catch (RuntimeException e) {
            try {
                tasks.delete(namespace, containerdId);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The record of a container whose task runs; {@link RuntimeFailure#NOT_RUNNING} otherwise. */
    private Container running(String namespace, String containerdId) {
        Process task = tasks.get(namespace, containerdId);
        Container c = task == null ? null : containers.get(namespace, containerdId);
        if (c == null || task.getStatus() != io.kukeon.runtime.containerd.api.types.task.Status.RUNNING) {
            throw new RuntimeFailure(RuntimeFailure.NOT_RUNNING, "container " + containerdId + " is not running");
        }
        return c;
    }

    /** Whether the container's process runs on a terminal (an attachable container), as its OCI spec says. */
    private static boolean onTerminal(Container c) {
        try {
            return JSON.readTree(c.getSpec().getValue().toStringUtf8()).path("process").path("terminal").asBoolean(false);
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "the spec of container " + c.getId() + " is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public RunningExec attach(String namespace, String containerdId) {
        Container c = running(namespace, containerdId);
        if (!onTerminal(c)) {
            throw new RuntimeFailure("NotAttachable", "container " + containerdId + " has no terminal: set attachable: true");
        }
        return ContainerdAttach.connect(TaskTerminal.of(config.attachDir(), namespace, containerdId).socket(),
                execs, namespace, containerdId);
    }

    /** A new task begins a new run of the log; an adopted one (above) goes on writing its own. */
    private static void keepLastRunAsPrevious(String containerdId, LogTarget log) {
        try {
            log.dir().keepLastRunAsPrevious();
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot keep the last log of " + containerdId + " as the previous one: "
                    + e.getMessage(), e);
        }
    }

    /** Tries of a task create (the first, and retries after an interrupted create's leftovers). */
    static final int CREATE_ATTEMPTS = 4;

    /**
     * A create of this task cut short by its caller (a kukeond killed mid-call) goes on in containerd
     * for a while, or leaves its shim or its bundle behind: the next create then fails ("failed to
     * start shim: mkdir …: file exists", "failed to delete task: container not created", or "ttrpc:
     * closed" when that shim goes away under it). Remove what it left, give it time to finish, and
     * look again: it may have made the task meanwhile. When containerd itself is not answering, the
     * delete says so and that is the answer.
     */
    private void clearInterruptedCreate(String namespace, String containerdId, int attempt, RuntimeException failure) {
        try {
            tasks.delete(namespace, containerdId);
        } catch (RuntimeFailure stillThere) {
            // the earlier create holds it yet: the pause below is for it
        }
        Optional<LeftoverBundle> leftover = failure instanceof RuntimeFailure f
                ? LeftoverBundle.namedBy(f, namespace, containerdId) : Optional.empty();
        try {
            if (leftover.isPresent() && leftover.get().awaitAbandoned(() -> tasks.get(namespace, containerdId) != null)) {
                leftover.get().remove();
                log.info("removed the task directory {} that an interrupted create of {} left in containerd's state",
                        leftover.get().path(), containerdId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("Interrupted", "interrupted while starting " + containerdId);
        }
        try {
            Thread.sleep(100L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("Interrupted", "interrupted while starting " + containerdId);
        }
    }

    @Override
    public TaskInfo task(String namespace, String containerdId) {
        Process p = tasks.get(namespace, containerdId);
        if (p != null) {
            return Tasks.info(p);
        }
        return containers.get(namespace, containerdId) == null ? TaskInfo.NO_CONTAINER : TaskInfo.NO_TASK;
    }

    /** One list of the namespace for every caller that joined it; a container the list lacks is asked for alone. */
    @Override
    public CompletableFuture<TaskInfo> sweptTask(String namespace, String containerdId, Executor executor) {
        return sweeps.task(namespace, containerdId, executor).thenCompose(swept -> swept != null
                ? CompletableFuture.completedFuture(swept)
                : CompletableFuture.supplyAsync(() -> task(namespace, containerdId), executor));
    }

    @Override
    public void kill(String namespace, String containerdId, int signal, boolean all) {
        tasks.kill(namespace, containerdId, signal, all);
    }

    @Override
    public TaskInfo stop(String namespace, String containerdId, StopOptions options) {
        return tasks.stop(namespace, containerdId, options);
    }

    /** Task (killed if running), then snapshot, then record; anything already gone is fine. */
    @Override
    public void deleteContainer(String namespace, String containerdId) {
        Process p = tasks.get(namespace, containerdId);
        if (p != null) {
            tasks.stop(namespace, containerdId, new StopOptions(StopOptions.SIGKILL, config.killGrace(), true));
        }
        Container c = containers.get(namespace, containerdId);
        String snapshotter = c == null ? config.snapshotter() : c.getSnapshotter();
        String key = c == null ? containerdId : c.getSnapshotKey();
        if (!key.isEmpty()) {
            snapshots.remove(namespace, snapshotter, key);
        }
        if (c != null) {
            containers.delete(namespace, containerdId);
        }
        if (config.attachDir() != null) {
            TaskTerminal.at(config.attachDir(), namespace, containerdId).remove();
        }
    }

    @Override
    public RunningExec exec(ExecRequest request) {
        String ns = request.namespace();
        String id = request.containerdId();
        Container c = running(ns, id);
        String process = OciSpecBuilder.execProcess(c.getSpec().getValue().toStringUtf8(), request,
                request.user() == null ? OciSpecBuilder.ImageFiles.NONE : imageFiles(ns, c.getImage()));
        ExecPipes pipes = ExecPipes.make(request.ioDir(), request.stdin(), !request.tty());
        try {
            execs.create(ns, id, request.execId(), process, path(pipes.stdin), pipes.stdout.toString(),
                    path(pipes.stderr), request.tty());
        } catch (RuntimeException e) {
            pipes.close();
            throw e;
        }
        try {
            pipes.openWhile(() -> execs.start(ns, id, request.execId()), config.callTimeout());
        } catch (RuntimeException e) {
            try {
                execs.kill(ns, id, request.execId(), StopOptions.SIGKILL);
                execs.awaitExit(ns, id, request.execId(), config.killGrace());
                execs.delete(ns, id, request.execId());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            } finally {
                pipes.close();
            }
            throw e;
        }
        return new ContainerdExec(execs, request, pipes, execs.exit(ns, id, request.execId()), config.killGrace());
    }

    private static String path(Path pipe) {
        return pipe == null ? "" : pipe.toString();
    }

    /** The image's small files (/etc/passwd, /etc/group), read from its layers. */
    private LayerFiles imageFiles(String ns, String reference) {
        Image image = images.get(ns, reference);
        if (image == null) {
            throw new RuntimeFailure(RuntimeFailure.IMAGE_NOT_FOUND, "image " + reference + " is not in namespace " + ns
                    + ": a user name cannot be looked up (use a numeric uid[:gid])");
        }
        ResolvedImage resolvedImage = resolved.resolve(ns, reference, image.getTarget());
        return new LayerFiles(digest -> content.open(ns, digest), resolvedImage.manifest().layers());
    }

    @Override
    public int endLeftoverExecs(Path execDir) {
        int ended = 0;
        if (!Files.isDirectory(execDir)) {
            return 0;
        }
        try (var namespaceDirs = Files.list(execDir)) {
            for (Path nsDir : (Iterable<Path>) namespaceDirs::iterator) {
                try (var containerDirs = Files.list(nsDir)) {
                    for (Path containerDir : (Iterable<Path>) containerDirs::iterator) {
                        try (var execDirs = Files.list(containerDir)) {
                            for (Path leftover : (Iterable<Path>) execDirs::iterator) {
                                String ns = nsDir.getFileName().toString();
                                String id = containerDir.getFileName().toString();
                                String execId = leftover.getFileName().toString();
                                execs.kill(ns, id, execId, StopOptions.SIGKILL);
                                execs.awaitExit(ns, id, execId, config.killGrace());
                                execs.delete(ns, id, execId);
                                FileModes.deleteTree(leftover);
                                ended++;
                            }
                        }
                        Files.deleteIfExists(containerDir);
                    }
                }
                Files.deleteIfExists(nsDir);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot sweep the leftover execs under " + execDir + ": " + e.getMessage(), e);
        }
        return ended;
    }

    /** Every task of the namespace by its container's id (one List, without the containers' specs). */
    private Map<String, TaskInfo> tasksById(String namespace) {
        Map<String, TaskInfo> byId = new HashMap<>();
        tasks.list(namespace).forEach(p -> byId.put(p.getId(), Tasks.info(p)));
        return byId;
    }

    private Set<String> ourContainerIds(String namespace) {
        Set<String> ids = new HashSet<>();
        containers.list(namespace, OUR_CONTAINERS).forEach(c -> ids.add(c.getId()));
        return ids;
    }

    @Override
    public List<ObservedContainer> listContainers(String namespace) {
        List<Container> ours = containers.list(namespace, OUR_CONTAINERS);
        if (ours.isEmpty()) {
            return List.of();
        }
        Map<String, Process> byId = new HashMap<>();
        tasks.list(namespace).forEach(p -> byId.put(p.getId(), p));
        List<ObservedContainer> out = new ArrayList<>();
        for (Container c : ours) {
            Process p = byId.get(c.getId());
            out.add(new ObservedContainer(c.getId(), c.getLabelsMap(), p == null ? TaskInfo.NO_TASK : Tasks.info(p)));
        }
        return out;
    }

    @Override
    public GroupStatus.Usage metrics(String namespace, String containerdId) {
        GroupStatus.Usage usage = tasks.metrics(namespace, containerdId);
        if (usage == null) {
            throw new RuntimeFailure("TaskNotFound", "container " + containerdId + " has no running task in namespace " + namespace);
        }
        return usage;
    }

    @Override
    public Subscription subscribe(RuntimeListener listener) {
        EventStream stream = new EventStream(conn, listener);
        streams.add(stream);
        stream.start();
        return () -> {
            streams.remove(stream);
            stream.close();
        };
    }

    @Override
    public void close() {
        streams.forEach(EventStream::close);
        streams.clear();
        conn.close();
        registryIo.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("RuntimeError", "interrupted");
        }
    }
}
