package io.kukeon.runtime;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.RegistryCredential;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The port to the container runtime (containerd). Every method blocks and is idempotent where
 * it can be: "already exists" and "already gone" are success, so a step interrupted by a crash
 * can simply be repeated. Callers run it off their actor's thread.
 *
 * <p>Failures: {@link io.kukeon.model.UnavailableException} (kind {@code RuntimeUnavailable})
 * when containerd cannot be reached; {@link RuntimeFailure} for everything containerd refused.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Whether containerd answers right now, and its version. Never throws. */
    RuntimeHealth health();

    /**
     * Makes the realm's namespace exist, labelled as the realm's. An existing one is fine when it
     * carries the realm's label, or is empty, or {@code adoptUnlabelled} (the realm used it before
     * namespaces were labelled); otherwise a {@link RuntimeFailure} of kind
     * {@link RuntimeFailure#NAMESPACE_NOT_OURS} and nothing changes.
     */
    void ensureNamespace(String namespace, String realm, boolean adoptUnlabelled);

    /**
     * Drains the realm's namespace (tasks, containers, snapshots, leases, images), then deletes it.
     * Missing is fine; a namespace without the realm's label loses only our containers.
     */
    void deleteNamespace(String namespace, String realm);

    List<String> listNamespaces();

    /**
     * Makes the image present and unpacked in the namespace, pulling it when missing with the
     * first matching credential (by registry host, else one without serverAddress, else none).
     */
    ImageInfo ensureImage(String namespace, String reference, List<RegistryCredential> credentials, PullProgress progress);

    /** Imports an OCI image archive (a tar of an OCI layout) into the namespace and unpacks it. */
    List<ImageInfo> loadImage(String namespace, Path archive);

    List<ImageInfo> listImages(String namespace);

    /** Removes the image record of that name (missing is fine) and waits for containerd's collection of what it alone held. */
    void removeImage(String namespace, String name);

    /**
     * Makes the container record exist with this spec: creates it (snapshot under a lease), or
     * updates the spec of an existing one (its writable layer is kept). The image reference is
     * normalized; an image the namespace lacks is a {@link RuntimeFailure} of kind
     * {@link RuntimeFailure#IMAGE_NOT_FOUND} (nothing pulled here).
     */
    void ensureContainer(ContainerRequest request);

    /**
     * Starts the container's task with stdout and stderr written to {@code log} by a logger beside
     * the task. A running task is returned as it is; a stopped one is deleted first, and a new
     * task's log begins a new run (the last run's files become the previous run's).
     */
    TaskInfo startTask(String namespace, String containerdId, LogTarget log);

    /** The container's task as containerd sees it (NO_CONTAINER / NO_TASK when absent). */
    TaskInfo task(String namespace, String containerdId);

    /**
     * {@link #task}, for checks that come many at once (an adoption, a relist): concurrent callers
     * of one namespace may share one list of it, begun after they asked. Runs on {@code executor};
     * waiting for the shared list holds no thread.
     */
    default CompletableFuture<TaskInfo> sweptTask(String namespace, String containerdId, Executor executor) {
        return CompletableFuture.supplyAsync(() -> task(namespace, containerdId), executor);
    }

    /** Sends a signal; a missing task is fine. */
    void kill(String namespace, String containerdId, int signal, boolean all);

    /**
     * Signal, wait up to the timeout, then SIGKILL to all processes when forced; then deletes the
     * task (the container record and its snapshot stay). A missing task is fine.
     */
    TaskInfo stop(String namespace, String containerdId, StopOptions options);

    /** Deletes task, snapshot and container record. Missing is fine. */
    void deleteContainer(String namespace, String containerdId);

    /**
     * Starts a process in the container's running task. A task that is not running, a command not
     * found ({@link RuntimeFailure#COMMAND_NOT_FOUND}) or that cannot run
     * ({@link RuntimeFailure#COMMAND_CANNOT_RUN}) is a {@link RuntimeFailure}, with nothing left behind.
     */
    RunningExec exec(ExecRequest request);

    /**
     * Connects to an attachable container's terminal (its output, its stdin, its size); closing the
     * connection detaches and leaves the container running. A container that is not running, or has
     * no terminal, is a {@link RuntimeFailure}.
     */
    RunningExec attach(String namespace, String containerdId);

    /**
     * Ends and removes the exec processes whose pipe directories a kukeond that died left under
     * {@code execDir} ({@code <execDir>/<namespace>/<containerd id>/<exec id>}), and those directories.
     * Returns how many it ended.
     */
    int endLeftoverExecs(Path execDir);

    /** Every container of the namespace that carries our labels, with its task. */
    List<ObservedContainer> listContainers(String namespace);

    /** Live usage of the container's task. */
    GroupStatus.Usage metrics(String namespace, String containerdId);

    /**
     * Delivers task exits and OOMs of every namespace, and connection changes. After a
     * reconnection the listener must relist: events in the gap are lost.
     */
    Subscription subscribe(RuntimeListener listener);

    @Override
    void close();

    /** A cancellable subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
