package io.kukeon.testing;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.runtime.RuntimeListener;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-memory stand-in for containerd, for tests of the tree and the API. Tasks "run"
 * until told to exit. A container whose args contain {@code exit=<code>} exits right after
 * its start, as a process that dies at once would.
 */
public final class FakeRuntime implements ContainerRuntime {
    public record FakeContainer(ContainerRequest request, TaskInfo task) {}

    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final Map<String, FakeContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> images = new ConcurrentHashMap<>();
    private final Set<String> unknownImages = ConcurrentHashMap.newKeySet();
    private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger pids = new AtomicInteger(1000);
    private final AtomicInteger starts = new AtomicInteger();
    private volatile boolean available = true;

    private static String key(String namespace, String id) {
        return namespace + "/" + id;
    }

    private void up() {
        if (!available) {
            throw new UnavailableException("RuntimeUnavailable", "containerd is not reachable (fake)");
        }
    }

    // ---- test controls ----

    /** Makes an image reference fail to pull, like a registry that does not have it. */
    public void unknownImage(String reference) {
        unknownImages.add(reference);
    }

    /** The task of the container exits with the code, and the event stream says so. */
    public void exit(String namespace, String id, int code) {
        FakeContainer c = containers.get(key(namespace, id));
        if (c == null || c.task().status() != TaskInfo.Status.RUNNING) {
            return;
        }
        int pid = c.task().pid();
        containers.put(key(namespace, id), new FakeContainer(c.request(), TaskInfo.stopped(pid, code, Instant.now())));
        listeners.forEach(l -> l.taskExited(namespace, id, pid, code, Instant.now()));
    }

    /** Like exit, but the event is lost (containerd down, or the daemon away): only a relist finds it. */
    public void exitSilently(String namespace, String id, int code) {
        FakeContainer c = containers.get(key(namespace, id));
        if (c != null && c.task().status() == TaskInfo.Status.RUNNING) {
            containers.put(key(namespace, id), new FakeContainer(c.request(), TaskInfo.stopped(c.task().pid(), code, Instant.now())));
        }
    }

    public void setAvailable(boolean up) {
        available = up;
        listeners.forEach(l -> l.availabilityChanged(up, up ? null : "fake containerd stopped"));
    }

    public FakeContainer container(String namespace, String id) {
        return containers.get(key(namespace, id));
    }

    public Map<String, FakeContainer> containers() {
        return Map.copyOf(containers);
    }

    public Set<String> namespaces() {
        return Set.copyOf(namespaces);
    }

    public int starts() {
        return starts.get();
    }

    // ---- the port ----

    @Override
    public RuntimeHealth health() {
        return available ? RuntimeHealth.up("fake") : RuntimeHealth.down("fake containerd stopped");
    }

    @Override
    public void ensureNamespace(String namespace) {
        up();
        namespaces.add(namespace);
    }

    @Override
    public void deleteNamespace(String namespace) {
        up();
        containers.keySet().removeIf(k -> k.startsWith(namespace + "/"));
        images.remove(namespace);
        namespaces.remove(namespace);
    }

    @Override
    public List<String> listNamespaces() {
        up();
        return List.copyOf(namespaces);
    }

    @Override
    public ImageInfo ensureImage(String namespace, String reference, List<RegistryCredential> credentials,
                                 PullProgress progress) {
        up();
        if (unknownImages.contains(reference)) {
            throw new RuntimeFailure("ImageNotFound", "image \"" + reference + "\" not found");
        }
        images.computeIfAbsent(namespace, n -> ConcurrentHashMap.newKeySet()).add(reference);
        return new ImageInfo(reference, "sha256:fake", 1);
    }

    @Override
    public List<ImageInfo> loadImage(String namespace, Path archive) {
        up();
        images.computeIfAbsent(namespace, n -> ConcurrentHashMap.newKeySet()).add("loaded:" + archive.getFileName());
        return List.of(new ImageInfo("loaded:" + archive.getFileName(), "sha256:fake", 1));
    }

    @Override
    public List<ImageInfo> listImages(String namespace) {
        up();
        List<ImageInfo> out = new ArrayList<>();
        images.getOrDefault(namespace, Set.of()).forEach(i -> out.add(new ImageInfo(i, "sha256:fake", 1)));
        return out;
    }

    @Override
    public void ensureContainer(ContainerRequest request) {
        up();
        containers.compute(key(request.namespace(), request.containerdId()),
                (k, old) -> new FakeContainer(request, old == null ? TaskInfo.NO_TASK : old.task()));
    }

    @Override
    public TaskInfo startTask(String namespace, String containerdId, Path logFile) {
        up();
        FakeContainer c = containers.get(key(namespace, containerdId));
        if (c == null) {
            throw new RuntimeFailure("NotFound", "container " + containerdId + " does not exist");
        }
        if (c.task().status() == TaskInfo.Status.RUNNING) {
            return c.task();
        }
        starts.incrementAndGet();
        int pid = pids.incrementAndGet();
        Integer exitAtOnce = c.request().args().stream().filter(a -> a.startsWith("exit="))
                .map(a -> Integer.parseInt(a.substring(5))).findFirst().orElse(null);
        TaskInfo task = TaskInfo.running(pid);
        containers.put(key(namespace, containerdId), new FakeContainer(c.request(), task));
        if (exitAtOnce != null) {
            exit(namespace, containerdId, exitAtOnce);
        }
        return task;
    }

    @Override
    public TaskInfo task(String namespace, String containerdId) {
        up();
        FakeContainer c = containers.get(key(namespace, containerdId));
        return c == null ? TaskInfo.NO_CONTAINER : c.task();
    }

    @Override
    public void kill(String namespace, String containerdId, int signal, boolean all) {
        up();
        exit(namespace, containerdId, 128 + signal);
    }

    @Override
    public TaskInfo stop(String namespace, String containerdId, StopOptions options) {
        up();
        FakeContainer c = containers.get(key(namespace, containerdId));
        if (c == null) {
            return TaskInfo.NO_CONTAINER;
        }
        TaskInfo before = c.task();
        if (before.status() == TaskInfo.Status.RUNNING) {
            exit(namespace, containerdId, 128 + options.signal());
            before = containers.get(key(namespace, containerdId)).task();
        }
        containers.put(key(namespace, containerdId), new FakeContainer(c.request(), TaskInfo.NO_TASK));
        return before;
    }

    @Override
    public void deleteContainer(String namespace, String containerdId) {
        up();
        containers.remove(key(namespace, containerdId));
    }

    @Override
    public List<ObservedContainer> listContainers(String namespace) {
        up();
        List<ObservedContainer> out = new ArrayList<>();
        containers.forEach((k, c) -> {
            if (k.startsWith(namespace + "/")) {
                out.add(new ObservedContainer(c.request().containerdId(), c.request().labels(), c.task()));
            }
        });
        return out;
    }

    @Override
    public GroupStatus.Usage metrics(String namespace, String containerdId) {
        up();
        return new GroupStatus.Usage(0L, 0L, 1L, 0L);
    }

    @Override
    public Subscription subscribe(RuntimeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
