package io.kukeon.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.api.Docs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.KukeonGrpc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * kukeond's resident set (issue 19, goal 4: at most 150 MiB idle, 300 MiB with 1,000 containers):
 * the daemon alone in a JVM of its own, started with conf/kukeond.jvm's options (and the common pool
 * kukeond sets on small hosts, and its log as kukeond sets it up) on the fake runtime, driven over its API
 * from this JVM. VmRSS idle, right after the first API calls and again once idle after them, then
 * after N one-workload cells are created and started; with native memory tracking on, the JVM's own
 * account of where the memory goes (heap, metaspace, code cache, thread stacks, ...) once idle after
 * the first calls and at the end.
 * KUKEOND_JAVA_OPTS adds options after conf/kukeond.jvm's, as bin/kukeond does.
 *
 * <p>usage: {@code ResidentSetBenchmark N [nmt]}
 */
public final class ResidentSetBenchmark {
    private static final long SETTLE_MS = 5_000;

    public static void main(String[] args) throws Exception {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        boolean nmt = args.length > 1 && args[1].equals("nmt");
        Path dir = Files.createTempDirectory("kukeon-bench-rss");
        Process daemon = startDaemon(dir, nmt);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
            int port = awaitPort(out);
            Thread drain = new Thread(() -> out.lines().forEach(line -> { }), "daemon-stdout");   // its log, not read
            drain.setDaemon(true);
            drain.start();
            Thread.sleep(SETTLE_MS);
            System.out.printf("kukeond (pid %d) idle: %s%n", daemon.pid(), residentSet(daemon.pid()));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                String token = Files.readString(dir.resolve("token")).trim();
                java.util.function.Supplier<KukeonGrpc.KukeonBlockingStub> client = () -> stub(channel, token);
                for (int s = 0; s * MemoryBenchmark.CELLS_PER_SPACE < cells; s++) {
                    Docs.createStack(client.get(), MemoryBenchmark.stackOf(s * MemoryBenchmark.CELLS_PER_SPACE));
                }
                System.out.printf("kukeond with its API used once: %s%n", residentSet(daemon.pid()));
                Thread.sleep(2 * SETTLE_MS);   // conf/kukeond.jvm trims malloc's free memory every 5 s
                System.out.printf("kukeond idle %d s after its API was used once: %s%n", 2 * SETTLE_MS / 1000, residentSet(daemon.pid()));
                if (nmt) {
                    nativeMemory(daemon.pid());
                }
                long t0 = System.nanoTime();
                MemoryBenchmark.startCells(client, cells);
                System.out.printf("%d cells (%d containers) created and started in %d ms%n", cells, 2 * cells,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                Thread.sleep(SETTLE_MS);
                System.out.printf("kukeond with %d containers: %s%n", 2 * cells, residentSet(daemon.pid()));
                if (nmt) {
                    nativeMemory(daemon.pid());
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            daemon.getOutputStream().close();   // the daemon stops when its stdin closes
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
            io.kukeon.testing.TempDirs.deleteRecursively(dir);
        }
    }

    private static Process startDaemon(Path dir, boolean nmt) throws java.io.IOException {
        Path project = Path.of(System.getProperty("kukeon.projectDir", "."));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + project.resolve("conf/kukeond.jvm"), "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"));
        String extra = System.getenv("KUKEOND_JAVA_OPTS");   // as bin/kukeond: after kukeond.jvm, so it wins
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        if (nmt) {
            command.add("-XX:NativeMemoryTracking=summary");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Daemon.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int awaitPort(BufferedReader out) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening on port ")) {
                return Integer.parseInt(line.substring("listening on port ".length()).trim());
            }
        }
        throw new IllegalStateException("the daemon ended before it listened");
    }

    private static KukeonGrpc.KukeonBlockingStub stub(ManagedChannel channel, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return KukeonGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static String residentSet(long pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?").replaceAll("\\s+", " ");
    }

    private static void nativeMemory(long pid) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "VM.native_memory", "summary").redirectErrorStream(true)
                .start();
        new String(jcmd.getInputStream().readAllBytes()).lines()
                .filter(l -> l.startsWith("Total") || l.matches("-\\s+\\S.*\\(reserved=.*"))
                .forEach(System.out::println);
        jcmd.waitFor();
    }

    /** The daemon's JVM: a kukeond on the fake runtime that says its port and stops when its stdin closes. */
    public static final class Daemon {
        public static void main(String[] args) throws Exception {
            try (TestDaemon daemon = new TestDaemon(Path.of(args[0]), Map.of())) {
                System.out.println("listening on port " + daemon.port());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the benchmark closes our stdin
                }
            }
            System.exit(0);
        }
    }
}
