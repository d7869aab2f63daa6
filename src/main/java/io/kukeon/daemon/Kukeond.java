package io.kukeon.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kukeond}: runs in the foreground, logs to stdout, stops on SIGTERM (containers keep
 * running). Every flag is also a key of the config file and a {@code KUKEOND_*} variable.
 */
@Command(name = "kukeond", mixinStandardHelpOptions = true, versionProvider = Kukeond.Version.class,
        description = "The kukeon container supervisor daemon.", subcommands = JournalCommand.class)
public final class Kukeond implements Callable<Integer> {

    @Mixin
    JournalFlags store = new JournalFlags();

    @Option(names = "--socket", paramLabel = "PATH", description = "the API's unix socket (default /run/kukeon/kukeond.sock; empty = none)")
    String socket;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "the API on TCP, behind the token (default: none)")
    String listen;

    @Option(names = "--containerd-socket", paramLabel = "PATH", description = "default /run/containerd/containerd.sock")
    String containerdSocket;

    @Option(names = "--cgroup-root", paramLabel = "PATH",
            description = "the group holding our cgroups; default auto: under systemd, <service>/kukeon, else kukeon")
    String cgroupRoot;

    @Option(names = "--namespace-suffix", paramLabel = "SUFFIX", description = "realm namespaces are <realm>.<SUFFIX> (default kukeon.io)")
    String namespaceSuffix;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "the Prometheus endpoint (default 127.0.0.1:9420; none = off)")
    String metricsListen;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json, one object per line")
    String logFormat;

    @Option(names = "--tls-cert-file", paramLabel = "FILE", description = "serve --listen over TLS with this PEM certificate chain")
    String tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE", description = "the certificate's key (PEM, PKCS#8)")
    String tlsKeyFile;

    @Option(names = "--tls-client-ca-file", paramLabel = "FILE", description = "mutual TLS: callers need a certificate this CA signed")
    String tlsClientCaFile;

    @Option(names = "--insecure-listen", description = "allow --listen on a non-loopback address without TLS")
    boolean insecureListen;

    @Option(names = "--journal-sync", paramLabel = "WHEN", description = "commit (default: on disk before the reply) or os (the OS's cache)")
    String journalSync;

    @Option(names = "--journal-retention", paramLabel = "DURATION",
            description = "events older than this go once a snapshot covers them (default 30d; 0 = keep everything)")
    String journalRetention;

    @Option(names = "--cluster-listen", paramLabel = "HOST:PORT", description = "join a fleet: where this node listens for the other nodes")
    String clusterListen;

    @Option(names = "--cluster-seed", paramLabel = "HOST:PORT,...", description = "nodes to join through (default: start a cluster)")
    String clusterSeeds;

    @Option(names = "--cluster-secret-file", paramLabel = "FILE", description = "the fleet's shared secret (mode 0600), the same on every node")
    String clusterSecretFile;

    @Option(names = "--cluster-tls-cert-file", paramLabel = "FILE",
            description = "the cluster's transport over mutual TLS: this node's PEM certificate, issued by the CA")
    String clusterTlsCertFile;

    @Option(names = "--cluster-tls-key-file", paramLabel = "FILE", description = "its RSA key (PEM, mode 0600)")
    String clusterTlsKeyFile;

    @Option(names = "--cluster-tls-ca-file", paramLabel = "FILE", description = "the fleet's CA: peers need a certificate it issued")
    String clusterTlsCaFile;

    @Option(names = "--cluster-insecure-listen", description = "allow --cluster-listen on a non-loopback address without TLS")
    boolean clusterInsecureListen;

    @Option(names = "--node-name", paramLabel = "NAME", description = "this node's name in the fleet (default: the host's)")
    String nodeName;

    @Option(names = "--node-label", paramLabel = "KEY=VALUE", description = "a label of this node (repeatable)")
    List<String> nodeLabels;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = store.flags();
        put(flags, "socket", socket);
        put(flags, "listen", listen);
        put(flags, "containerd-socket", containerdSocket);
        put(flags, "cgroup-root", cgroupRoot);
        put(flags, "namespace-suffix", namespaceSuffix);
        put(flags, "metrics-listen", metricsListen);
        put(flags, "log-format", logFormat);
        put(flags, "tls-cert-file", tlsCertFile);
        put(flags, "tls-key-file", tlsKeyFile);
        put(flags, "tls-client-ca-file", tlsClientCaFile);
        put(flags, "insecure-listen", insecureListen ? "true" : null);
        put(flags, "journal.sync", journalSync);
        put(flags, "journal.retention", journalRetention);
        put(flags, "cluster.listen", clusterListen);
        put(flags, "cluster.seeds", clusterSeeds);
        put(flags, "cluster.secret-file", clusterSecretFile);
        put(flags, "cluster.tls-cert-file", clusterTlsCertFile);
        put(flags, "cluster.tls-key-file", clusterTlsKeyFile);
        put(flags, "cluster.tls-ca-file", clusterTlsCaFile);
        put(flags, "cluster.insecure-listen", clusterInsecureListen ? "true" : null);
        put(flags, "cluster.node-name", nodeName);
        put(flags, "cluster.labels", nodeLabels == null ? null : String.join(",", nodeLabels));
        DaemonConfig settings = DaemonConfig.load(flags, store.config, System.getenv());
        settings.logFormat().apply();
        Daemon daemon = Daemon.start(settings, new HostPorts());
        daemon.awaitTermination();
        String problem = daemon.exitProblem();
        if (problem != null) {
            System.err.println("kukeond: " + problem);
            return 1;
        }
        return 0;
    }

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * Pekko's Java API (asks, pekko-grpc's handlers) hands out futures converted from Scala's,
     * which run every callback on CompletableFuture's default executor. On a host with two cores or
     * fewer the common pool has one thread, and that executor is then a new thread per callback:
     * two or more per request. A common pool of at least two keeps them on pooled threads. Runs
     * before anything loads CompletableFuture, which reads the setting once.
     */
    static void ensureCommonPool() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }

    static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

    public static void main(String[] args) {
        ensureCommonPool();
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** kukeond's command line, its subcommands included, with its handling of failures. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Kukeond());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            // One line, never a stack trace: bad settings are usage errors, the rest failures.
            commandLine.getErr().println("kukeond: " + e.getMessage());
            return e instanceof io.kukeon.model.InvalidArgumentException ? 2 : 1;
        });
        return cli;
    }

    /** Prints the version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        public String[] getVersion() {
            return new String[] {"kukeond " + io.kukeon.build.BuildInfo.describe()};
        }
    }

}
