package io.kukeon.testing;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.RunningExec;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-memory stand-in for containerd, for tests of the tree and the API. Tasks "run"
 * until told to exit. A container whose args contain {@code exit=<code>} exits right after
 * its start, as a process that dies at once would (with {@code exit-after=<ms>} too: that long
 * after its start); one with {@code slow-start=<ms>},
 * {@code slow-delete=<ms>} or {@code slow-stop=<ms>} takes that long to start its task, to delete
 * or to stop, so that a test can kill the daemon (or fail its journal) in the middle of one.
 */
public final class FakeRuntime implements ContainerRuntime {
    public record FakeContainer(ContainerRequest request, TaskInfo task) {}

    /** Each namespace and the realm its label names ("" for a namespace someone else made). */
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();
    private final Map<String, FakeContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> images = new ConcurrentHashMap<>();
    private final Set<String> unknownImages = ConcurrentHashMap.newKeySet();
    private final Map<String, List<RegistryCredential>> pullLogins = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> heldPulls = new ConcurrentHashMap<>();
    private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger pids = new AtomicInteger(1000);
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger startsInFlight = new AtomicInteger();
    private final AtomicInteger mostStartsInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> taskQueries = new ConcurrentHashMap<>();
    private volatile boolean available = true;
    private final Path stateFile;

    public FakeRuntime() {
        this.stateFile = null;
    }

    /**
     * A fake whose namespaces and tasks survive the test JVM: as containerd outlives a daemon that
     * is killed, a daemon started again on the same file finds the same tasks.
     */
    public FakeRuntime(Path stateFile) {
        this.stateFile = stateFile;
        load();
    }

    private synchronized void save() {
        if (stateFile == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        namespaces.forEach((n, owner) -> out.append("ns\t").append(n).append('\t').append(owner).append('\n'));
        containers.forEach((k, c) -> out.append("task\t").append(c.request().namespace()).append('\t')
                .append(c.request().containerdId()).append('\t').append(c.task().status()).append('\t')
                .append(c.task().pid()).append('\t').append(c.task().exitCode() == null ? "" : c.task().exitCode())
                .append('\t').append(String.join(",", c.request().args())).append('\n'));
        out.append("pid\t").append(pids.get()).append('\n');
        try {
            java.nio.file.Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, out);
            java.nio.file.Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void load() {
        if (!java.nio.file.Files.exists(stateFile)) {
            return;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(stateFile)) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "ns" -> namespaces.put(f[1], f.length > 2 ? f[2] : "");
                    case "pid" -> pids.set(Integer.parseInt(f[1]));
                    case "task" -> {
                        ContainerRequest r = new ContainerRequest(f[1], f[2], Map.of(), "busybox", null,
                                f[6].isEmpty() ? List.of() : List.of(f[6].split(",")), List.of(), null, null, null,
                                null, null, Map.of(), null);
                        TaskInfo.Status st = TaskInfo.Status.valueOf(f[3]);
                        Integer code = f[5].isEmpty() ? null : Integer.valueOf(f[5]);
                        containers.put(key(f[1], f[2]), new FakeContainer(r,
                                new TaskInfo(st, Integer.parseInt(f[4]), code, code == null ? null : Instant.now())));
                    }
                    default -> { }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String key(String namespace, String id) {
        return namespace + "/" + id;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** The size of an image whose pull is held: 3 MiB. */
    public static final long HELD_PULL_BYTES = 3L << 20;

    /**
     * The image is gone from every namespace (as after an image GC), so the next start pulls it, and
     * that pull stops a third of the way through until {@link #releasePull} (as from a slow registry).
     */
    public void holdPull(String reference) {
        images.values().forEach(refs -> refs.remove(reference));
        heldPulls.put(reference, new CountDownLatch(1));
    }

    public void releasePull(String reference) {
        CountDownLatch held = heldPulls.remove(reference);
        if (held != null) {
            held.countDown();
        }
    }

    /** The image can be pulled again, as when it was pushed to the registry meanwhile. */
    public void imageAppears(String reference) {
        unknownImages.remove(reference);
    }

    /** The task of the container exits with the code, and the event stream says so. */
    public void exit(String namespace, String id, int code) {
        FakeContainer c = containers.get(key(namespace, id));
        if (c == null || c.task().status() != TaskInfo.Status.RUNNING) {
            return;
        }
        int pid = c.task().pid();
        containers.put(key(namespace, id), new FakeContainer(c.request(), TaskInfo.stopped(pid, code, Instant.now())));
        save();
        listeners.forEach(l -> l.taskExited(namespace, id, pid, code, Instant.now()));
    }

    /** Like exit, but the event is lost (containerd down, or the daemon away): only a relist finds it. */
    public void exitSilently(String namespace, String id, int code) {
        FakeContainer c = containers.get(key(namespace, id));
        if (c != null && c.task().status() == TaskInfo.Status.RUNNING) {
            containers.put(key(namespace, id), new FakeContainer(c.request(), TaskInfo.stopped(c.task().pid(), code, Instant.now())));
            save();
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
        return Set.copyOf(namespaces.keySet());
    }

    /** A namespace another containerd client made and filled: one image, no kukeon label. */
    public void addForeignNamespace(String namespace) {
        namespaces.put(namespace, "");
        images.computeIfAbsent(namespace, n -> ConcurrentHashMap.newKeySet()).add("docker.io/library/theirs:1");
        save();
    }

    /** The most task starts that were in their {@code slow-start=} pause at once. */
    public int mostStartsInFlight() {
        return mostStartsInFlight.get();
    }

    public int starts() {
        return starts.get();
    }

    /** How often anyone asked for this container's task (a restarted actor asks when it recovers). */
    public int taskQueries(String namespace, String id) {
        AtomicInteger n = taskQueries.get(key(namespace, id));
        return n == null ? 0 : n.get();
    }

    // ---- the port ----

    @Override
    public RuntimeHealth health() {
        return available ? RuntimeHealth.up("fake") : RuntimeHealth.down("fake containerd stopped");
    }

    @Override
    public void ensureNamespace(String namespace, String realm, boolean adoptUnlabelled) {
        up();
        String owner = namespaces.get(namespace);
        if (owner != null && !owner.equals(realm)) {
            boolean holds = !images.getOrDefault(namespace, Set.of()).isEmpty()
                    || containers.keySet().stream().anyMatch(k -> k.startsWith(namespace + "/"));
            if (!owner.isEmpty() || (holds && !adoptUnlabelled)) {
                throw new RuntimeFailure(RuntimeFailure.NAMESPACE_NOT_OURS, "fake: namespace " + namespace
                        + " is not realm " + realm + "'s");
            }
        }
        namespaces.put(namespace, realm);
        save();
    }

    @Override
    public void deleteNamespace(String namespace, String realm) {
        up();
        if (!realm.equals(namespaces.get(namespace))) {
            return;   // the fake's foreign namespaces never hold our containers
        }
        containers.keySet().removeIf(k -> k.startsWith(namespace + "/"));
        images.remove(namespace);
        namespaces.remove(namespace);
        save();
    }

    @Override
    public List<String> listNamespaces() {
        up();
        return List.copyOf(namespaces.keySet());
    }

    @Override
    public ImageInfo ensureImage(String namespace, String reference, List<RegistryCredential> credentials,
                                 PullProgress progress) {
        up();
        if (unknownImages.contains(reference)) {
            throw new RuntimeFailure("ImageNotFound", "image \"" + reference + "\" not found");
        }
        CountDownLatch held = heldPulls.get(reference);
        if (held != null) {
            progress.bytes(HELD_PULL_BYTES / 3, HELD_PULL_BYTES);
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            progress.bytes(HELD_PULL_BYTES, HELD_PULL_BYTES);
        }
        images.computeIfAbsent(namespace, n -> ConcurrentHashMap.newKeySet()).add(reference);
        pullLogins.put(reference, List.copyOf(credentials));
        return new ImageInfo(reference, "sha256:fake", 1);
    }

    /** The registry logins the last pull of the image was given (null: never pulled). */
    public List<RegistryCredential> pullLogins(String reference) {
        return pullLogins.get(reference);
    }

    /** The image is gone from every namespace (as after an image GC): the next start pulls it. */
    public void removeImage(String reference) {
        images.values().forEach(refs -> refs.remove(reference));
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
    public void removeImage(String namespace, String name) {
        up();
        images.getOrDefault(namespace, Set.of()).remove(name);
    }

    @Override
    public void ensureContainer(ContainerRequest request) {
        up();
        if (!images.getOrDefault(request.namespace(), Set.of()).contains(request.image())) {
            throw new RuntimeFailure(RuntimeFailure.IMAGE_NOT_FOUND, "image " + request.image() + " is not in namespace "
                    + request.namespace() + " (fake)");
        }
        containers.compute(key(request.namespace(), request.containerdId()),
                (k, old) -> new FakeContainer(request, old == null ? TaskInfo.NO_TASK : old.task()));
        save();
    }

    @Override
    public TaskInfo startTask(String namespace, String containerdId, LogTarget log) {
        up();
        FakeContainer c = containers.get(key(namespace, containerdId));
        if (c == null) {
            throw new RuntimeFailure("NotFound", "container " + containerdId + " does not exist");
        }
        if (c.task().status() == TaskInfo.Status.RUNNING) {
            return c.task();
        }
        mostStartsInFlight.accumulateAndGet(startsInFlight.incrementAndGet(), Math::max);
        try {
            pause(c, "slow-start=");
        } finally {
            startsInFlight.decrementAndGet();
        }
        starts.incrementAndGet();
        int pid = pids.incrementAndGet();
        Integer exitAtOnce = c.request().args().stream().filter(a -> a.startsWith("exit="))
                .map(a -> Integer.parseInt(a.substring(5))).findFirst().orElse(null);
        TaskInfo task = TaskInfo.running(pid);
        containers.put(key(namespace, containerdId), new FakeContainer(c.request(), task));
        save();
        Long exitAfter = c.request().args().stream().filter(a -> a.startsWith("exit-after="))
                .map(a -> Long.parseLong(a.substring(11))).findFirst().orElse(null);
        if (exitAtOnce != null && exitAfter != null) {
            // dies soon after it started, its start long answered: a bring-up that fails
            CompletableFuture.delayedExecutor(exitAfter, TimeUnit.MILLISECONDS).execute(() -> {
                FakeContainer now = containers.get(key(namespace, containerdId));
                if (now != null && now.task().pid() == pid && now.task().status() == TaskInfo.Status.RUNNING) {
                    exit(namespace, containerdId, exitAtOnce);
                }
            });
        } else if (exitAtOnce != null) {
            exit(namespace, containerdId, exitAtOnce);
            pause(c, "late-answer=");   // the exit's event reaches kukeond before the start's answer
        }
        return task;
    }

    @Override
    public TaskInfo task(String namespace, String containerdId) {
        up();
        taskQueries.computeIfAbsent(key(namespace, containerdId), k -> new AtomicInteger()).incrementAndGet();
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
        pause(c, "slow-stop=");
        if (before.status() == TaskInfo.Status.RUNNING) {
            exit(namespace, containerdId, 128 + options.signal());
            before = containers.get(key(namespace, containerdId)).task();
        }
        containers.put(key(namespace, containerdId), new FakeContainer(c.request(), TaskInfo.NO_TASK));
        save();
        return before;
    }

    @Override
    public void deleteContainer(String namespace, String containerdId) {
        up();
        FakeContainer c = containers.get(key(namespace, containerdId));
        if (c != null) {
            pause(c, "slow-delete=");
        }
        containers.remove(key(namespace, containerdId));
        save();
    }

    @Override
    public RunningExec exec(ExecRequest request) {
        throw new RuntimeFailure(RuntimeFailure.NOT_RUNNING, "the fake runtime runs no processes");
    }

    @Override
    public RunningExec attach(String namespace, String containerdId) {
        throw new RuntimeFailure(RuntimeFailure.NOT_RUNNING, "the fake runtime runs no terminals");
    }

    @Override
    public int endLeftoverExecs(Path execDir) {
        return 0;
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

    /** Sleeps as long as the container's {@code OPTION<ms>} argument says, if it has one. */
    private static void pause(FakeContainer c, String option) {
        c.request().args().stream().filter(a -> a.startsWith(option)).findFirst()
                .ifPresent(a -> sleep(Long.parseLong(a.substring(option.length()))));
    }
}
