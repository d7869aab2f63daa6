package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.ObjectPath;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.SleeperCell;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 50 applies (of three specs) and deletes of one cell at once, from many threads, against the
 * real kukeond, containerd and cgroups, while two readers Get it and its containers. The cell ends
 * as one of the requests that could have been the last one made it, containerd holds exactly its
 * containers, and no client ever sees the generation of the cell or of a container go back.
 */
@Tag("containerd")
class ConcurrentApplyTest {
    private static final int OPERATIONS = 50;
    private static final int THREADS = 10;
    private static final List<SleeperCell> SPECS = List.of(SleeperCell.of("3600"), SleeperCell.of("3601"),
            SleeperCell.of("3600", "3602"));
    private static final ObjectPath CELL = ObjectPath.of("r", "s", "t", "c");
    /** Those of the specs' containers that change between them. */
    private static final List<String> CONTAINERS = List.of("app", "side");

    /** One request and its answer; {@code spec} is null for a delete, {@code outcome} "gone" for its NOT_FOUND. */
    private record Done(SleeperCell spec, long start, long end, String outcome) {}

    @TempDir
    Path dataDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir, Map.of("stop-timeout", "200ms", "startup-grace", "100ms"));
        host.createStack("r", "s", "t");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void concurrentAppliesAndDeletesEndInARequestedStateWithGenerationsThatNeverGoBack() throws Exception {
        long seed = Long.getLong("kukeon.concurrency.seed", new Random().nextLong());
        System.out.println("concurrent applies and deletes of " + CELL + ", seed " + seed);
        Random rng = new Random(seed);
        List<Done> done = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        GenerationLog generations = new GenerationLog();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(THREADS);
        for (int i = 0; i < OPERATIONS; i++) {
            SleeperCell spec = rng.nextInt(10) < 7 ? SPECS.get(rng.nextInt(SPECS.size())) : null;
            writers.submit(() -> {
                go.await();
                done.add(spec == null ? delete(errors) : apply(spec, generations, errors));
                return null;
            });
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = "reader " + i;
            readers.add(new Thread(() -> read(name, writing, generations, errors)));
        }
        readers.forEach(Thread::start);
        go.countDown();
        writers.shutdown();
        assertTrue(writers.awaitTermination(10, TimeUnit.MINUTES), "the requests were answered");
        writing.set(false);
        for (Thread r : readers) {
            r.join();
        }

        assertEquals(List.of(), errors, "every request was answered as a client expects");
        assertEquals(OPERATIONS, done.size());
        ObjectDoc cell = current();
        List<Done> couldBeLast = done.stream().filter(d -> done.stream().noneMatch(o -> o.start() > d.end())).toList();
        String couldBe = couldBeLast.stream().map(d -> d.spec() == null ? "delete" : "apply {" + d.spec().signature() + "}")
                .collect(Collectors.joining(", "));
        if (cell == null) {
            assertTrue(couldBeLast.stream().anyMatch(d -> d.spec() == null),
                    "the cell is gone, but no request that could have been the last was a delete: " + couldBe);
        } else {
            String spec = SleeperCell.signature(cell);
            assertTrue(couldBeLast.stream().anyMatch(d -> d.spec() != null && d.spec().signature().equals(spec)),
                    "the cell is {" + spec + "}, but no request that could have been the last applied it: " + couldBe);
            assertEquals("Ready", cell.getStatus().getState(), "every apply starts the cell: " + cell.getStatus());
        }
        assertEquals(expectedInContainerd(cell), inContainerd(), "containerd holds exactly the cell's running containers");
        for (Path hierarchy : host.cgroupDirs()) {
            assertEquals(cell != null, Files.isDirectory(hierarchy.resolve(CELL.toString())), "the cell's group in " + hierarchy);
        }
        long created = done.stream().filter(d -> d.outcome().equals("created")).count();
        long deleted = done.stream().filter(d -> d.outcome().equals("deleted")).count();
        assertEquals(created, generations.incarnations(CELL.toString()), "one acknowledged create per incarnation seen");
        assertEquals(created - (cell == null ? 0 : 1), deleted, "one acknowledged delete per incarnation ended");
        List<String> backwards = generations.violations();
        System.out.println(done.stream().collect(Collectors.groupingBy(Done::outcome, Collectors.counting()))
                + ", final: " + (cell == null ? "gone" : "{" + SleeperCell.signature(cell) + "} generation "
                + cell.getMetadata().getGeneration()) + "; " + generations.size() + " generations seen in "
                + generations.incarnations(CELL.toString()) + " incarnations of the cell");
        assertEquals(List.of(), backwards, "generations never go back");
    }

    private Done apply(SleeperCell spec, GenerationLog generations, List<String> errors) throws Exception {
        long start = System.nanoTime();
        try {
            ApplyResult r = host.client().apply(ApplyRequest.newBuilder()
                    .setManifest(ByteString.copyFromUtf8(spec.manifest(CELL))).build()).getResults(0);
            long end = System.nanoTime();
            if (!r.hasObject() || r.getOutcome().equals("failed")) {
                errors.add("apply {" + spec.signature() + "} failed: " + r.getErrorKind() + ": " + r.getError());
            } else {
                generations.add("apply {" + spec.signature() + "}", start, end, r.getObject());
                if (!SleeperCell.signature(r.getObject()).equals(spec.signature())) {
                    errors.add("apply {" + spec.signature() + "} answered with {" + SleeperCell.signature(r.getObject()) + "}");
                }
            }
            return new Done(spec, start, end, r.getOutcome());
        } catch (StatusRuntimeException e) {
            errors.add("apply {" + spec.signature() + "}: " + e.getStatus());
            return new Done(spec, start, System.nanoTime(), "error");
        }
    }

    private Done delete(List<String> errors) throws Exception {
        long start = System.nanoTime();
        try {
            host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath(CELL.toString()).build());
            return new Done(null, start, System.nanoTime(), "deleted");
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                errors.add("delete: " + e.getStatus());
            }
            return new Done(null, start, System.nanoTime(), e.getStatus().getCode() == Status.Code.NOT_FOUND ? "gone" : "error");
        }
    }

    private void read(String name, AtomicBoolean writing, GenerationLog generations, List<String> errors) {
        while (writing.get()) {
            long start = System.nanoTime();
            try {
                ObjectDoc cell = host.client().get(GetRequest.newBuilder().setKind("Cell").setPath(CELL.toString()).build())
                        .getObject();
                generations.add(name, start, System.nanoTime(), cell);
                for (String container : CONTAINERS) {
                    long asked = System.nanoTime();
                    try {
                        ObjectDoc c = host.client().get(GetRequest.newBuilder().setKind("Container")
                                .setPath(CELL.child(container).toString()).build()).getObject();
                        generations.add(name, asked, System.nanoTime(), c);
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                            errors.add(name + ": " + container + ": " + e.getStatus());
                        }
                    }
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    errors.add(name + ": " + e.getStatus());
                }
            } catch (Exception e) {
                errors.add(name + ": " + e);
            }
        }
    }

    private ObjectDoc current() throws Exception {
        try {
            return host.client().get(GetRequest.newBuilder().setKind("Cell").setPath(CELL.toString()).build()).getObject();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private static Set<String> expectedInContainerd(ObjectDoc cell) {
        Set<String> out = new TreeSet<>();
        if (cell != null) {
            cell.getCell().getContainersList().forEach(c -> out.add("s_t_c_" + c.getId() + " RUNNING"));
        }
        return out;
    }

    private Set<String> inContainerd() {
        Set<String> out = new TreeSet<>();
        for (ObservedContainer c : host.containerd.listContainers(host.namespace("r"))) {
            TaskInfo.Status task = c.task().status();
            out.add(c.containerdId() + " " + task);
        }
        return out;
    }
}
