package io.kukeon.bench;

import io.grpc.Context;
import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.RestartPolicy;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.MaterializeCellRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kukeon.bench.ExecBenchmark.median;
import static io.kukeon.bench.ExecBenchmark.require;
import static io.kukeon.bench.ExecBenchmark.row;
import static io.kukeon.bench.ExecBenchmark.timed;

/**
 * {@code kuke run --rm --image busybox -- true}, as kuke makes its calls (MaterializeCell with
 * auto_delete, Logs with next_run, Start, the run read to its exit code), next to {@code ctr run
 * --rm} of the same image and command (create, start, wait, delete: a process of its own), alternating
 * in one run. kukeond's figure is taken twice: at the exit code (when kuke returns) and once the cell
 * is deleted (as ctr returns).
 *
 * <p>Run by scripts/bench-run.sh: {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive},
 * args: N. Its kukeond has the default settings.
 */
public final class RunBenchmark {
    private static final String BUSYBOX = "docker.io/library/busybox:latest";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = Files.createTempDirectory("kukeon-bench-run");
        List<Long> exited = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        List<Long> ctr = new ArrayList<>();
        try (RealDaemon host = new RealDaemon(dir, Map.of())) {
            KukeonGrpc.KukeonBlockingStub api = host.client();
            Docs.createStack(api, "bench/s/t");
            host.loadBusybox("bench");
            String ns = host.namespace("bench");
            for (int i = -3; i < n; i++) {   // three rounds to warm up, not counted
                String cell = "run-" + (i + 3);
                long start = System.nanoTime();
                kukeRun(api, cell);
                long atExit = System.nanoTime() - start;
                awaitDeleted(api, cell);
                long atDelete = System.nanoTime() - start;
                long c = timed(() -> ctrRun(host, ns, cell));
                if (i >= 0) {
                    exited.add(atExit);
                    deleted.add(atDelete);
                    ctr.add(c);
                }
            }
        }
        System.out.printf("run of `true` in busybox, removed after, %d runs each, alternating%n", n);
        System.out.printf("%-44s %10s %10s %10s%n", "", "median", "p90", "min");
        row("kukeond: kuke run --rm, at the exit code", exited);
        row("kukeond: kuke run --rm, cell deleted", deleted);
        row("ctr run --rm (a process)", ctr);
        System.out.printf("kukeond at the exit code / ctr run --rm: %.2f%n", median(exited) / median(ctr));
    }

    private static void kukeRun(KukeonGrpc.KukeonBlockingStub api, String cell) {
        ContainerSpec c = new ContainerSpec(cell, false, BUSYBOX, null, List.of("true"), List.of(), null, null,
                RestartPolicy.NEVER, null, null, null);
        api.materializeCell(MaterializeCellRequest.newBuilder().setStack("bench/s/t").setName(cell)
                .setImage(SpecMapping.toProto(c)).setAutoDelete(true).build());
        Context.CancellableContext call = Context.current().withCancellation();
        Context outer = call.attach();
        try {
            Iterator<LogChunk> chunks = api.logs(LogsRequest.newBuilder().setPath("bench/s/t/" + cell).setNextRun(true).build());
            chunks.next();   // watching
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/" + cell).build());
            int code = -1;
            while (chunks.hasNext()) {
                LogChunk chunk = chunks.next();
                if (chunk.getRunEnded()) {
                    code = chunk.getExitCode();
                }
            }
            require(code);
        } finally {
            call.detach(outer);
            call.cancel(null);
        }
    }

    private static void awaitDeleted(KukeonGrpc.KukeonBlockingStub api, String cell) throws InterruptedException {
        while (true) {
            try {
                api.get(GetRequest.newBuilder().setKind("Cell").setPath("bench/s/t/" + cell).build());
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                    return;
                }
                throw e;
            }
            Thread.sleep(5);
        }
    }

    private static void ctrRun(RealDaemon host, String ns, String name) throws Exception {
        Process p = new ProcessBuilder("ctr", "--address", host.host.socket.toString(), "-n", ns, "run", "--rm",
                BUSYBOX, "ctr-" + name, "true").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("ctr run did not end");
        }
        require(p.exitValue());
    }
}
