package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerLogs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Kind;
import io.kukeon.network.CellNameFiles;
import io.kukeon.model.ObjectPath;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.runtime.registry.ImageReference;
import io.kukeon.secrets.FileModes;
import io.kukeon.secrets.SecretStaging;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.supervisor.tree.RealmAccess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The runtime calls of one container, blocking, each idempotent: what a {@link ContainerActor}
 * runs off its thread. Names, labels, cgroup path and log file all derive from the container's
 * path, so a repeated call finds what an interrupted one left; the realm's namespace and
 * registry logins come with each call (the actor has them from its cell).
 */
final class ContainerRuntimeCalls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerRuntimeCalls.class);

    static final String LABEL_PREFIX = "kukeon.io/";

    private final Ports ports;
    private final ObjectPath path;
    private final String containerdId;

    ContainerRuntimeCalls(Ports ports, ObjectPath path) {
        this.ports = ports;
        this.path = path;
        this.containerdId = ports.ids().containerdId(path);
    }

    String containerdId() {
        return containerdId;
    }

    ContainerLogDir logDir() {
        return new ContainerLogDir(ports.ids().logDir(ports.settings().logDir(), path));
    }

    /**
     * Makes the container record match the spec, pulling the image first when the realm lacks it,
     * and starts its task. The container is tried first: it finds the image anyway, so a start of a
     * present image makes no call of its own to look for it. containerd calls run on
     * {@code runtimePool}; a pull waits for a slot of its registry ({@link PullSlots}) and runs on
     * {@code pullPool}, so that a hanging registry holds no thread containerd calls need. The
     * sources of its binds are readied first ({@link ContainerMounts#prepareSources}).
     */
    CompletableFuture<TaskInfo> start(RealmAccess realm, ContainerSpec spec, Map<String, String> joins, boolean root,
                                      boolean nestedCgroups, PullProgress progress, Executor runtimePool, Executor pullPool) {
        String namespace = realm.namespace();
        return CompletableFuture.supplyAsync(() -> {
                    ContainerMounts.prepareSources(spec);
                    Map<Integer, Path> volumeSources = ContainerMounts.prepareVolumes(spec, path, ports.storedVolumes(),
                            ports.volumeDirectories());
                    return request(namespace, spec.image(), spec, joins, root, volumeSources, nestedCgroups);
                }, runtimePool)
                .thenComposeAsync(request -> ensureContainerIfImagePresent(request) ? CompletableFuture.completedFuture(null)
                        : pull(realm, spec.image(), progress, pullPool)
                                .thenRunAsync(() -> ports.runtime().ensureContainer(request), runtimePool), runtimePool)
                .thenApplyAsync(done -> startTask(namespace, spec.logs()), runtimePool);
    }

    /** Whether the container record could be made: false when the realm lacks its image. */
    private boolean ensureContainerIfImagePresent(ContainerRequest request) {
        try {
            ports.runtime().ensureContainer(request);
            return true;
        } catch (RuntimeFailure absent) {
            if (!absent.kind().equals(RuntimeFailure.IMAGE_NOT_FOUND)) {
                throw absent;
            }
            return false;
        }
    }

    private CompletableFuture<?> pull(RealmAccess realm, String image, PullProgress progress, Executor pullPool) {
        String registry = ImageReference.parse(image).domain();
        return ports.pullSlots().run(registry,
                () -> ports.runtime().ensureImage(realm.namespace(), image, realm.credentials(), progress), pullPool, progress);
    }

    /** The container's log settings over kukeond's defaults (applied here, so the spec keeps what its manifest said). */
    private TaskInfo startTask(String namespace, ContainerLogs logs) {
        ContainerLogDir dir = logDir();
        try {
            try {
                FileModes.createPrivateDirectories(dir.directory());
            } catch (NoSuchFileException e) {
                // an empty level was just removed by the delete of a sibling's last log: make it again
                FileModes.createPrivateDirectories(dir.directory());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + dir.directory(), e);
        }
        ContainerLogs rotation = logs.over(ports.settings().logDefaults());
        return ports.runtime().startTask(namespace, containerdId, new LogTarget(dir, rotation.maxSizeBytes(), rotation.maxFiles()));
    }

    TaskInfo stop(RealmAccess realm, Duration timeout, boolean kill) {
        if (kill) {
            ports.runtime().kill(realm.namespace(), containerdId, StopOptions.SIGKILL, true);
        }
        TaskInfo stopped = ports.runtime().stop(realm.namespace(), containerdId,
                kill ? new StopOptions(StopOptions.SIGKILL, Duration.ofSeconds(5), true) : StopOptions.graceful(timeout));
        removeLeftGroup();
        return stopped;
    }

    /**
     * runc removes a task's group when containerd deletes the task; a delete cut short by containerd
     * going down leaves it behind. Removed here (idempotent); one that resists waits for the next
     * stop or delete, and does not fail a stop that happened.
     */
    void removeLeftGroup() {
        try {
            ports.cgroups().delete(ports.ids().cgroup(path));
        } catch (RuntimeException e) {
            LOG.warn("{}: its cgroup is left after the stop: {}", path, e.getMessage());
        }
    }

    TaskInfo task(RealmAccess realm) {
        return ports.runtime().task(realm.namespace(), containerdId);
    }

    /** The task as a list of the whole namespace shows it, shared with the other checks of the moment (adoption, relist). */
    CompletableFuture<TaskInfo> sweptTask(RealmAccess realm, Executor executor) {
        return ports.runtime().sweptTask(realm.namespace(), containerdId, executor);
    }

    GroupStatus.Usage usage(RealmAccess realm) {
        return ports.runtime().metrics(realm.namespace(), containerdId);
    }

    void delete(RealmAccess realm) {
        ports.runtime().deleteContainer(realm.namespace(), containerdId);
        ports.secrets().remove(containerdId);
        try {
            logDir().delete(ports.settings().logDir());
        } catch (IOException e) {
            // a log that cannot be removed is not worth failing a delete for
        }
    }

    /** {@code KEY=VALUE} entries with one per key, the last one winning: the user's env over ours. */
    static List<String> lastWins(List<String> env) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            String key = eq < 0 ? e : e.substring(0, eq);
            byKey.remove(key);
            byKey.put(key, e);
        }
        return new ArrayList<>(byKey.values());
    }

    /** Blocking: the spec's secrets are read and staged afresh (a changed value reaches the container at its next start). */
    private ContainerRequest request(String namespace, String image, ContainerSpec spec, Map<String, String> joins,
                                     boolean root, Map<Integer, Path> volumeSources, boolean nestedCgroups) {
        SecretStaging.Staged secrets = ports.secrets().stage(containerdId, spec.secrets(),
                ref -> ports.storedSecrets().resolve(ref, path).map(stored -> stored.data().value()));
        String cgroup = ports.ids().cgroup(path).toString();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_PREFIX + "realm", path.nameAt(Kind.REALM));
        labels.put(LABEL_PREFIX + "space", path.nameAt(Kind.SPACE));
        labels.put(LABEL_PREFIX + "stack", path.nameAt(Kind.STACK));
        labels.put(LABEL_PREFIX + "cell", path.nameAt(Kind.CELL));
        labels.put(LABEL_PREFIX + "container", path.name());
        labels.put(LABEL_PREFIX + "container-type", root ? "root" : "container");
        List<String> env = new ArrayList<>();
        env.add("KUKEON_REALM=" + path.nameAt(Kind.REALM));
        env.add("KUKEON_SPACE=" + path.nameAt(Kind.SPACE));
        env.add("KUKEON_STACK=" + path.nameAt(Kind.STACK));
        env.add("KUKEON_CELL_NAME=" + path.nameAt(Kind.CELL));
        env.add("KUKEON_CONTAINER_ID=" + containerdId);
        env.add("KUKEON_CGROUP_PATH=" + cgroup);
        env.addAll(spec.env());
        env.addAll(secrets.env());   // a secret's variable wins over an env entry of the same name
        String shimGroup = String.join("_", path.segments().subList(1, 4));
        boolean hostNetwork = root && spec.hostNetwork();   // workloads join the root, wherever it is
        Path hostNamespace = ports.networks().hostNamespace();
        if (hostNetwork && hostNamespace != null) {
            joins = new LinkedHashMap<>(joins);
            joins.put("network", hostNamespace.toString());
        }
        // the user's mounts, then the secrets' files (a secret may sit inside a user's tmpfs), then the
        // cell's files last: a user's mount on /etc does not hide them
        List<OciMount> mounts = new ArrayList<>(ContainerMounts.of(spec, volumeSources));
        mounts.addAll(secrets.mounts());
        mounts.addAll(new CellNameFiles(ports.settings().cellDir(path.parent())).mounts());
        return new ContainerRequest(namespace, containerdId, labels, image, spec.command(), spec.args(), lastWins(env),
                spec.workingDir(), spec.user(), root ? path.nameAt(Kind.CELL) : null, ports.ids().cgroup(path),
                spec.resources(), joins, shimGroup, hostNetwork, mounts, spec.security(), userOwned(secrets, volumeSources),
                nestedCgroups, spec.attachable());
    }

    /** The staged secrets' files and the mounted volumes' directories become the container's user's, as the reference does. */
    private static List<Path> userOwned(SecretStaging.Staged secrets, Map<Integer, Path> volumeSources) {
        List<Path> owned = new ArrayList<>(secrets.files());
        owned.addAll(volumeSources.values());
        return owned;
    }
}
