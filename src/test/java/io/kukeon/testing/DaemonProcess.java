package io.kukeon.testing;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.Kukeond;
import io.kukeon.wire.v1.KukeonGrpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * kukeond as a separate JVM, so that a test can kill -9 it and start it again on the same data
 * dir: {@link FakePortsKukeond} (fake ports; it writes its port to {@code <data-dir>/port}), or
 * the real {@link Kukeond} main with the real ports, on a free port chosen here at every start.
 * Its output goes to {@code <data-dir>/daemon.log}.
 */
public final class DaemonProcess implements AutoCloseable {
    /** Settings the real main takes as flags; the others go as KUKEOND_* variables. */
    private static final Set<String> FLAGS = Set.of("containerd-socket", "cgroup-root", "namespace-suffix");

    private final Path dataDir;
    private final String mainClass;
    private final List<String> args;
    private final Map<String, String> env;
    private final boolean writesPortFile;
    private Process process;
    /** -Xmx of the daemon's JVM. */
    private String maxHeap = DEFAULT_MAX_HEAP;
    private static final String DEFAULT_MAX_HEAP = "512m";
    private ManagedChannel channel;
    /** Cgroup directories the daemon's process joins before the JVM starts, as a service manager puts it there. */
    private List<Path> groups = List.of();
    /** Started by bin/kukeond (its jars and class-data archive) rather than on this JVM's classpath. */
    private boolean throughScript;
    /** For a start by bin/kukeond: whether it may use kukeond's class-data archive (KUKEON_CDS). */
    private boolean classDataArchive = true;
    private String extraJvmOptions = "";

    /** {@link FakePortsKukeond} on this data dir. */
    public DaemonProcess(Path dataDir) {
        this(dataDir, FakePortsKukeond.class.getName(), List.of(dataDir.toString()), Map.of(), true);
    }

    private DaemonProcess(Path dataDir, String mainClass, List<String> args, Map<String, String> env,
                          boolean writesPortFile) {
        this.dataDir = dataDir;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.writesPortFile = writesPortFile;
    }

    /**
     * The real kukeond on this data dir, with these settings (keys of {@link DaemonConfig#KEYS}):
     * as flags where kukeond has one, else as its environment variables. {@code --listen} is chosen here.
     */
    public static DaemonProcess kukeond(Path dataDir, Map<String, String> settings) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        Map<String, String> env = new HashMap<>();
        // test daemons run side by side: one that is scraped sets its own port
        env.put(DaemonConfig.envName("metrics-listen"), "none");
        settings.forEach((key, value) -> {
            if (FLAGS.contains(key)) {
                args.add("--" + key);
                args.add(value);
            } else {
                env.put(DaemonConfig.envName(key), value);
            }
        });
        return new DaemonProcess(dataDir, Kukeond.class.getName(), args, env, false);
    }

    /** The same daemon with {@code extra} added to its environment (e.g. a variable a container's secret reads). */
    public DaemonProcess withEnvironment(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        return new DaemonProcess(dataDir, mainClass, args, all, writesPortFile);
    }

    /** The daemon's JVM gets this -Xmx (e.g. "40m") instead of 512m. */
    public DaemonProcess withMaxHeap(String xmx) {
        this.maxHeap = xmx;
        return this;
    }

    /** The daemon starts as a member of these cgroups (their directories, one per hierarchy). */
    public DaemonProcess inCgroups(List<Path> groupDirs) {
        this.groups = List.copyOf(groupDirs);
        return this;
    }

    /**
     * The real kukeond is started as users start it, by bin/kukeond: the jars of target/ (after
     * {@code mvn package}) and, while it is fresh, the class-data archive of scripts/kukeond-cds.sh.
     */
    public DaemonProcess throughScript() {
        if (!mainClass.equals(Kukeond.class.getName())) {
            throw new IllegalStateException("bin/kukeond starts the real kukeond only, not " + mainClass);
        }
        this.throughScript = true;
        return this;
    }

    /** For {@link #throughScript()}: the next starts use kukeond's class-data archive, or not (KUKEON_CDS=off). */
    public DaemonProcess useClassDataArchive(boolean use) {
        this.classDataArchive = use;
        return this;
    }

    /** For {@link #throughScript()}: JVM options the next starts add after the others (a benchmark's variant). */
    public DaemonProcess withExtraJvmOptions(String options) {
        this.extraJvmOptions = options;
        return this;
    }

    /** The daemon's process id (while it runs). */
    public long pid() {
        return process.pid();
    }

    public void start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path portFile = dataDir.resolve("port");
        Files.deleteIfExists(portFile);
        int port = writesPortFile ? 0 : freePort();
        // The JVM options of bin/kukeond (C1 only, the serial collector), with a bound on the heap.
        Path conf = Path.of(System.getProperty("kukeon.projectDir", System.getProperty("user.dir")), "conf");
        List<String> command = new ArrayList<>();
        if (!groups.isEmpty()) {
            // the shell joins the groups and becomes the JVM: the pid is the daemon's
            command.addAll(List.of("/bin/sh", "-c", "while [ \"$1\" != -- ]; do echo $$ > \"$1/cgroup.procs\" || exit 97;"
                    + " shift; done; shift; exec \"$@\"", "sh"));
            groups.forEach(g -> command.add(g.toString()));
            command.add("--");
        }
        List<String> jvmOptions = new ArrayList<>();
        if (!throughScript || !maxHeap.equals(DEFAULT_MAX_HEAP)) {
            jvmOptions.add("-Xmx" + maxHeap);   // by bin/kukeond, as shipped: conf/kukeond.jvm's, unless a test sets one
        }
        if (!maxHeap.equals(DEFAULT_MAX_HEAP)) {
            jvmOptions.add("-Xms" + maxHeap);   // kukeond.jvm's -Xms may be above a small -Xmx
        }
        // The daemon's log is set up as kukeond's (DaemonLogging): the test classpath's logback-test.xml is
        // read only where -Dlogback.configurationFile names it (surefire's JVM).
        Map<String, String> launcherEnv = new HashMap<>();
        if (throughScript) {
            command.add(conf.resolveSibling("bin").resolve("kukeond").toString());
            String more = System.getenv("KUKEOND_JAVA_OPTS");   // a benchmark's, e.g. -Xlog:class+load; after ours, as bin/kukeond
            launcherEnv.put("KUKEOND_JAVA_OPTS", String.join(" ", jvmOptions) + (more == null ? "" : " " + more)
                    + (extraJvmOptions.isEmpty() ? "" : " " + extraJvmOptions));
            launcherEnv.put("KUKEON_CDS", classDataArchive ? "on" : "off");
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + conf.resolve("kukeond.jvm")));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        }
        command.addAll(args);
        if (!writesPortFile) {
            command.addAll(List.of("--listen", "127.0.0.1:" + port));
            if (!args.contains("--socket")) {
                command.addAll(List.of("--socket", dataDir.resolve("kukeond.sock").toString()));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("KUKEOND_"));
        builder.environment().putAll(env);
        builder.environment().putAll(launcherEnv);
        process = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (writesPortFile ? !Files.exists(portFile) : !listening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kukeond exited with " + process.exitValue() + "; see " + log() + ":\n"
                        + Files.readString(log()));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("kukeond did not start within 60 s; see " + log());
            }
            Thread.sleep(50);
        }
        if (writesPortFile) {
            port = Integer.parseInt(Files.readString(portFile).trim());
        }
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public Path log() {
        return dataDir.resolve("daemon.log");
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed on the way out. */
    public void kill9() throws InterruptedException {
        closeChannel();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the daemon to end on its own; its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("kukeond did not stop on its own within " + timeout.toSeconds() + " s");
        }
        closeChannel();
        return process.exitValue();
    }

    /** SIGTERM: what systemd sends; returns the exit code (143 = terminated by the signal, after a clean shutdown). */
    public int terminate() throws InterruptedException {
        closeChannel();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("kukeond did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    public KukeonGrpc.KukeonBlockingStub client() throws IOException {
        return KukeonGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth()))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public KukeonGrpc.KukeonStub asyncClient() throws IOException {
        return KukeonGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth()));
    }

    private Metadata auth() throws IOException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Files.readString(dataDir.resolve("token")).trim());
        return headers;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
        closeChannel();
    }
}
