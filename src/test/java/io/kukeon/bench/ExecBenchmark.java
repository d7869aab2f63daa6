package io.kukeon.bench;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.kukeon.api.Docs;
import io.kukeon.model.CgroupPath;
import io.kukeon.model.ContainerSpec;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.RunningExec;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code true} run in a running container, three ways in one run, alternating: through kukeond
 * (the Exec RPC from a client in this JVM: the API, the lookup of the container, the pipes, and the
 * same containerd calls), with the containerd client kukeond uses and nothing else (Exec, Start,
 * Wait, DeleteProcess with the pipes), and with {@code ctr task exec} (a process of its own, for
 * scale). Timed from the request to the exit code.
 *
 * <p>Run by scripts/bench-exec.sh: {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive},
 * args: N. Its kukeond has the default settings.
 */
public final class ExecBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path dir = Files.createTempDirectory("kukeon-bench-exec");
        List<Long> kukeond = new ArrayList<>();
        List<Long> raw = new ArrayList<>();
        List<Long> ctr = new ArrayList<>();
        try (RealDaemon host = new RealDaemon(dir, Map.of())) {
            KukeonGrpc.KukeonBlockingStub api = host.client();
            Docs.createStack(api, "bench/s/t");
            host.loadBusybox("bench");
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("bench/s/t/sleeper", Map.of(),
                    ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("3600")))).build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/sleeper").build());
            KukeonGrpc.KukeonStub async = KukeonGrpc.newStub(host.channel())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tokenHeader(host)));

            ContainerdRuntime runtime = host.containerd;
            String rawNs = "kukeon-bench-raw-" + host.id;
            runtime.ensureNamespace(rawNs, RealHost.RAW_REALM, false);
            runtime.loadImage(rawNs, io.kukeon.testing.RealComponents.busyboxArchive());
            String rawId = "s_t_sleeper_app";
            runtime.ensureContainer(new ContainerRequest(rawNs, rawId, Map.of("kukeon.io/cell", "sleeper"),
                    "docker.io/library/busybox:latest", "sleep", List.of("3600"), List.of(), null, null, "sleeper",
                    new CgroupPath(List.of(host.cgroupRoot, "raw", "sleeper", rawId)), null, Map.of(), "s_t_sleeper"));
            runtime.startTask(rawNs, rawId, new LogTarget(new ContainerLogDir(dir.resolve("raw-log")), 10L << 20, 5));

            for (int i = -5; i < n; i++) {   // five rounds to warm up, not counted
                long k = timed(() -> kukeondExec(async));
                long r = timed(() -> rawExec(runtime, rawNs, rawId, dir));
                long c = timed(() -> ctrExec(host, rawNs, rawId));
                if (i >= 0) {
                    kukeond.add(k);
                    raw.add(r);
                    ctr.add(c);
                }
            }
            runtime.deleteNamespace(rawNs, RealHost.RAW_REALM);
        }
        System.out.printf("exec of `true` in a running busybox, %d runs each, alternating%n", n);
        System.out.printf("%-40s %10s %10s %10s%n", "", "median", "p90", "min");
        row("kukeond (Exec RPC)", kukeond);
        row("containerd client alone (no kukeond)", raw);
        row("ctr task exec (a process)", ctr);
        System.out.printf("kukeond / containerd client: %.2f%n", median(kukeond) / median(raw));
    }

    interface Work {
        void run() throws Exception;
    }

    static long timed(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    private static void kukeondExec(KukeonGrpc.KukeonStub async) throws Exception {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ClientCallStreamObserver<ExecInput>[] requests = new ClientCallStreamObserver[1];
        async.exec(new ClientResponseObserver<ExecInput, ExecOutput>() {
            public void beforeStart(ClientCallStreamObserver<ExecInput> r) {
                requests[0] = r;
            }

            public void onNext(ExecOutput o) {
                if (o.hasExit()) {
                    exit.complete(o.getExit().getCode());
                }
            }

            public void onError(Throwable t) {
                exit.completeExceptionally(t);
            }

            public void onCompleted() {
                exit.complete(-1);
            }
        });
        requests[0].onNext(ExecInput.newBuilder().setStart(ExecStart.newBuilder().setPath("bench/s/t/sleeper")
                .addCommand("true")).build());
        require(exit.get(30, TimeUnit.SECONDS));
        requests[0].onCompleted();
    }

    private static int rawRound;

    private static void rawExec(ContainerdRuntime runtime, String ns, String id, Path dir) throws Exception {
        String execId = "bench-" + rawRound++;
        try (RunningExec exec = runtime.exec(new ExecRequest(ns, id, execId, List.of("true"), List.of(), null, null, false,
                false, 0, 0, dir.resolve("raw-exec").resolve(execId)))) {
            byte[] buffer = new byte[4096];
            while (exec.readStdout(buffer) >= 0) {
                // drain
            }
            while (exec.readStderr(buffer) >= 0) {
                // drain
            }
            require(exec.exit().toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
    }

    private static int ctrRound;

    private static void ctrExec(RealDaemon host, String ns, String id) throws Exception {
        Process p = new ProcessBuilder("ctr", "--address", host.host.socket.toString(), "-n", ns, "task", "exec",
                "--exec-id", "ctr-" + ctrRound++, id, "true").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("ctr task exec did not end");
        }
        require(p.exitValue());
    }

    static void require(int exitCode) {
        if (exitCode != 0) {
            throw new IllegalStateException("exit code " + exitCode);
        }
    }

    static io.grpc.Metadata tokenHeader(RealDaemon host) throws java.io.IOException {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Files.readString(host.dataDir.resolve("token")).trim());
        return headers;
    }

    static void row(String name, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        System.out.printf("%-40s %7.1f ms %7.1f ms %7.1f ms%n", name, median(nanos), s.get((int) (s.size() * 0.9)) / 1e6,
                s.get(0) / 1e6);
    }

    static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }
}
