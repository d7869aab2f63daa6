package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kukeon.fleet.ClusterSecret;
import io.kukeon.fleet.ClusterSettings;
import io.kukeon.fleet.ClusterTls;
import io.kukeon.fleet.NodeCapacity;
import io.kukeon.fleet.NodeNames;
import io.kukeon.api.ApiSettings;
import io.kukeon.api.ApiTls;
import io.kukeon.api.RetentionPolicy;
import io.kukeon.model.ContainerLogs;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.network.NetworkSettings;
import io.kukeon.network.ResolvConf;
import io.kukeon.network.SubnetPool;
import io.kukeon.runtime.containerd.TaskLog;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.supervisor.TreeSettings;
import io.kukeon.supervisor.journal.JournalSerializer;
import io.kukeon.supervisor.journal.LegacyJournal;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * kukeond's settings, from (highest first) flags, {@code KUKEOND_*} environment variables, the
 * file given with {@code --config}, and {@code application.conf}'s {@code kukeon} block.
 */
public record DaemonConfig(Path dataDir, ApiSettings api, Path containerdSocket, HostIds ids,
                           Path cgroupMountpoint, int snapshotEvery, Duration stopTimeout, Duration startupGrace,
                           Duration relistInterval, Duration askTimeout, TreeSettings.RestartBackoff restart,
                           List<String> insecureRegistries, boolean failureInjection, Path keyFile,
                           Duration registryConnectTimeout, Duration registryStallTimeout, PullSlots.Limits pullLimits,
                           DataDirLimits dataDirLimits, NetworkSettings network,
                           Config pekko, Path secretsDir, Path logger, ContainerLogs logDefaults,
                           InetSocketAddress metricsListen, LogFormat logFormat, JournalSettings journal,
                           RetentionPolicy retention, ClusterSettings cluster) {
    /** Under the data dir: the Volumes' directories, whose contents are their users'. */
    static final String VOLUMES_DIR = "volumes";
    /** Under the data dir: attachable containers' stdin pipes and attach sockets. */
    public static final String ATTACH_DIR = "attach";

    /**
     * Free space of the data dir: below {@code reserve} bytes, calls that write are refused (0 = never);
     * below {@code warn}, status warns.
     */
    public record DataDirLimits(long reserve, long warn) {}

    /** The keys a flag or an environment variable may set (flag {@code --data-dir}, env {@code KUKEOND_DATA_DIR}). */
    public static final List<String> KEYS = List.of("data-dir", "socket", "socket-group", "listen", "containerd-socket", "cgroup-root",
            "namespace-suffix", "cgroup-mountpoint", "snapshot-every", "stop-timeout", "startup-grace",
            "relist-interval", "ask-timeout", "api-idle-timeout", "api-keepalive", "api-handshake-timeout", "api-max-connections",
            "api-max-connections-per-peer", "apply-parallelism", "key-file",
            "pools.runtime", "pools.pulls", "pools.reads", "registry.connect-timeout",
            "registry.stall-timeout", "registry.pulls-per-host", "registry.pull-queue-length", "registry.pull-queue-wait",
            "data-dir-reserve", "data-dir-warn", "pod-subnet", "cni-plugin-path", "cni-timeout", "network-namespace", "dns",
            "secrets-dir", "logger", "log-max-size", "log-max-files", "metrics-listen", "log-format",
            "tls-cert-file", "tls-key-file", "tls-client-ca-file", "insecure-listen", "journal.kind", "journal.url", "journal.user", "journal.password-file", "journal.pool-size", "journal.sslmode",
            "journal.schema", "journal.sync", "journal.retention", "journal.keep-per-object",
            "cluster.listen", "cluster.seeds", "cluster.node-name", "cluster.secret-file", "cluster.labels", "cluster.cpu",
            "cluster.memory", "cluster.stable-after", "cluster.failover-after", "cluster.tls-cert-file", "cluster.tls-key-file", "cluster.tls-ca-file",
            "cluster.insecure-listen");

    /** The pools of reference.conf's {@code kukeon-pools}, each sized by {@code kukeon.pools.<name>}. */
    private static final List<String> POOLS = List.of("runtime", "pulls", "reads");

    public static String envName(String key) {
        return "KUKEOND_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /**
     * @param flags      key (as in {@link #KEYS}) to value, from the command line
     * @param configFile the --config file, or null
     * @param env        the environment
     */
    public static DaemonConfig load(Map<String, String> flags, Path configFile, Map<String, String> env) {
        Map<String, Object> overrides = new HashMap<>();
        for (String key : KEYS) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                overrides.put("kukeon." + key, fromEnv);
            }
        }
        flags.forEach((key, value) -> overrides.put("kukeon." + key, value));
        Config file = ConfigFactory.empty();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new InvalidArgumentException("--config", "no such file: " + configFile);
            }
            try {
                file = ConfigFactory.parseFile(configFile.toFile());
            } catch (ConfigException e) {
                throw new InvalidArgumentException("--config", e.getMessage());
            }
        }
        Config merged = ConfigFactory.parseMap(overrides).withFallback(file)
                .withFallback(ConfigFactory.defaultApplication()).withFallback(LegacyJournal.config())
                .withFallback(ConfigFactory.defaultReference()).resolve();
        return fromConfig(merged);
    }

    static DaemonConfig fromConfig(Config c) {
        Config k = c.getConfig("kukeon");
        Path dataDir = absolute("data-dir", string(k, "data-dir"));
        HostIds ids = new HostIds(string(k, "cgroup-root"), string(k, "namespace-suffix"));
        String mount = string(k, "cgroup-mountpoint");
        int snapshotEvery = integer(k, "snapshot-every", 1, 1_000_000);
        TreeSettings.RestartBackoff restart = new TreeSettings.RestartBackoff(duration(k, "restart.initial-backoff"),
                duration(k, "restart.max-backoff"), duration(k, "restart.reset-after"));
        Path journal = dataDir.resolve("journal").resolve("kukeon");
        String keySetting = string(k, "key-file");
        Path keyFile = keySetting.isEmpty() ? dataDir.resolve("keys").resolve("journal.key") : absolute("key-file", keySetting);
        JournalSettings journalSettings = JournalSettings.read(k, journal);
        Map<String, Object> pekkoSettings = new HashMap<>(journalSettings.pekkoSettings());
        pekkoSettings.put(JournalSerializer.KEY_FILE_SETTING, keyFile.toString());
        ClusterSettings cluster = cluster(k);
        if (cluster.clustered()) {
            pekkoSettings.putAll(cluster.pekkoSettings(dataDir));
            // a downed member stops the containers of its cells that move (DownedFence) before it leaves
            pekkoSettings.put("pekko.coordinated-shutdown.phases.before-service-unbind.timeout",
                    duration(k, "stop-timeout").plusSeconds(5).toMillis() + "ms");
        }
        for (String pool : POOLS) {
            pekkoSettings.put("kukeon-pools." + pool + ".thread-pool-executor.fixed-pool-size",
                    integer(k, "pools." + pool, 2, 1024));
        }
        Config pekko = ConfigFactory.parseMap(pekkoSettings).withFallback(c).resolve();
        if (!cluster.clustered()) {
            pekko = AloneSerializers.of(pekko);
        }
        PullSlots.Limits pullLimits = new PullSlots.Limits(pullsPerHost(k),
                integer(k, "registry.pull-queue-length", 0, 100_000), duration(k, "registry.pull-queue-wait"));
        return new DaemonConfig(dataDir, api(k), absolute("containerd-socket", string(k, "containerd-socket")), ids,
                mount.isEmpty() ? null : absolute("cgroup-mountpoint", mount), snapshotEvery, duration(k, "stop-timeout"),
                durationOrZero(k, "startup-grace"), durationOrZero(k, "relist-interval"), duration(k, "ask-timeout"), restart,
                k.getStringList("insecure-registries"), k.getBoolean("failure-injection"), keyFile,
                duration(k, "registry.connect-timeout"), duration(k, "registry.stall-timeout"), pullLimits, dataDirLimits(k), network(k),
                pekko, absolute("secrets-dir", string(k, "secrets-dir")), logger(k), logDefaults(k), metricsListen(k),
                LogFormat.parse("log-format", string(k, "log-format")), journalSettings, retention(k), cluster);
    }

    /** How long events are kept (0 = for ever), and how many of each object's newest whatever their age. */
    static RetentionPolicy retention(Config k) {
        Duration keep = durationOrZero(k, "journal.retention");
        if (!keep.isZero() && keep.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new InvalidArgumentException("journal.retention", "must be 0 (keep everything) or at least 1m");
        }
        return new RetentionPolicy(keep, integer(k, "journal.keep-per-object", 1, 1_000_000));
    }

    /** The same settings with these ids (an {@code auto} cgroup root resolved, see {@link InstanceRecord}). */
    public DaemonConfig withIds(HostIds resolved) {
        return new DaemonConfig(dataDir, api, containerdSocket, resolved, cgroupMountpoint, snapshotEvery, stopTimeout,
                startupGrace, relistInterval, askTimeout, restart, insecureRegistries, failureInjection, keyFile,
                registryConnectTimeout, registryStallTimeout, pullLimits, dataDirLimits, network, pekko, secretsDir, logger,
                logDefaults, metricsListen, logFormat, journal, retention, cluster);
    }

    /** Where the Prometheus endpoint listens; null: {@code none}, no endpoint. */
    private static InetSocketAddress metricsListen(Config k) {
        String listen = string(k, "metrics-listen");
        return listen.equals("none") ? null : tcpAddress("metrics-listen", listen, "none");
    }

    /** The task logger binary; empty = beside the jar, where the build puts it. */
    private static Path logger(Config k) {
        String logger = string(k, "logger");
        return logger.isEmpty() ? TaskLog.besideTheJar() : absolute("logger", logger);
    }

    /** How a container's log rotates when its spec does not say. */
    private static ContainerLogs logDefaults(Config k) {
        long size = bytes(k, "log-max-size");
        if (size < ContainerLogs.MIN_SIZE || size > ContainerLogs.MAX_SIZE) {
            throw new InvalidArgumentException("log-max-size", "must be between 4KiB and 1GiB");
        }
        return new ContainerLogs(size, integer(k, "log-max-files", 1, ContainerLogs.MAX_FILES));
    }

    static NetworkSettings network(Config k) {
        SubnetPool pool = SubnetPool.of(string(k, "pod-subnet"));
        List<Path> pluginPath = new ArrayList<>();
        for (String dir : string(k, "cni-plugin-path").split(":")) {
            if (!dir.isBlank()) {
                pluginPath.add(absolute("cni-plugin-path", dir.trim()));
            }
        }
        if (pluginPath.isEmpty()) {
            throw new InvalidArgumentException("cni-plugin-path", "must name at least one directory");
        }
        String namespace = string(k, "network-namespace");
        List<String> dns = java.util.Arrays.stream(string(k, "dns").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        return new NetworkSettings(pool, pluginPath, duration(k, "cni-timeout"),
                namespace.isEmpty() ? null : absolute("network-namespace", namespace), ResolvConf.checkServers("dns", dns));
    }

    private static DataDirLimits dataDirLimits(Config k) {
        long reserve = bytes(k, "data-dir-reserve");
        long warn = bytes(k, "data-dir-warn");
        if (warn < reserve) {
            throw new InvalidArgumentException("data-dir-warn", "must be at least data-dir-reserve (" + reserve + " bytes)");
        }
        return new DataDirLimits(reserve, warn);
    }

    /**
     * Where the API listens and what ends its connections (see {@link ApiSettings}).
     */
    static ApiSettings api(Config k) {
        String socket = string(k, "socket");
        String listen = string(k, "listen");
        if (socket.isEmpty() && listen.isEmpty()) {
            throw new InvalidArgumentException("socket", "and listen are both empty: kukeond would have no API");
        }
        InetSocketAddress tcp = listen.isEmpty() ? null : tcpAddress("listen", listen, "empty");
        ApiTls tls = tls(k);
        boolean insecure = flag(k, "insecure-listen");
        if (tcp != null && tls == null && !tcp.getAddress().isLoopbackAddress() && !insecure) {
            // the bearer token would cross the network in clear text
            throw new InvalidArgumentException("listen", "\"" + listen + "\" is not a loopback address: beyond this host"
                    + " kukeond listens only with TLS (tls-cert-file and tls-key-file), or with insecure-listen = true");
        }
        return new ApiSettings(socket.isEmpty() ? null : absolute("socket", socket), string(k, "socket-group"),
                tcp, duration(k, "api-idle-timeout"), duration(k, "api-keepalive"),
                duration(k, "api-handshake-timeout"),
                integer(k, "api-max-connections", 1, 65_536), integer(k, "api-max-connections-per-peer", 1, 65_536),
                integer(k, "apply-parallelism", 1, 256), tls);
    }

    /** TLS of the TCP listener: both of the certificate and its key, or neither (a client CA only with them). */
    private static ApiTls tls(Config k) {
        String cert = string(k, "tls-cert-file");
        String key = string(k, "tls-key-file");
        String clientCa = string(k, "tls-client-ca-file");
        if (cert.isEmpty() != key.isEmpty()) {
            String missing = cert.isEmpty() ? "tls-cert-file" : "tls-key-file";
            throw new InvalidArgumentException(missing, "is needed with " + (cert.isEmpty() ? "tls-key-file" : "tls-cert-file"));
        }
        if (cert.isEmpty()) {
            if (!clientCa.isEmpty()) {
                throw new InvalidArgumentException("tls-client-ca-file", "needs tls-cert-file and tls-key-file: callers"
                        + " present their certificates over TLS");
            }
            return null;
        }
        return new ApiTls(absolute("tls-cert-file", cert), absolute("tls-key-file", key),
                clientCa.isEmpty() ? null : absolute("tls-client-ca-file", clientCa));
    }

    private static boolean flag(Config k, String key) {
        try {
            return k.getBoolean(key);
        } catch (ConfigException e) {
            throw new InvalidArgumentException(key, "\"" + k.getValue(key).unwrapped() + "\" must be true or false");
        }
    }

    /** HOST:PORT of a local address; {@code off} says how the setting is turned off instead. */
    private static InetSocketAddress tcpAddress(String key, String listen, String off) {
        InetSocketAddress address = hostPort(key, listen, off);
        address = new InetSocketAddress(address.getHostString(), address.getPort());
        if (address.isUnresolved()) {
            throw new InvalidArgumentException(key, "host of \"" + listen + "\" is not an address of this host");
        }
        return address;
    }

    /** HOST:PORT, the host not looked up (another host's name may resolve only later). */
    private static InetSocketAddress hostPort(String key, String listen, String off) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidArgumentException(key, "\"" + listen + "\" must be HOST:PORT, e.g. 127.0.0.1:7420, or " + off);
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new InvalidArgumentException(key, "port of \"" + listen + "\" must be 0-65535");
        }
        return InetSocketAddress.createUnresolved(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    /**
     * The node's name (its host's by default) and, with {@code cluster.listen}, how it joins a fleet:
     * a cluster needs its shared secret; without seeds a node starts a cluster of its own.
     */
    static ClusterSettings cluster(Config k) {
        String name = string(k, "cluster.node-name");
        if (name.isEmpty()) {
            name = NodeNames.ofThisHost();
        }
        NodeNames.check("cluster.node-name", name);
        Map<String, String> labels = NodeNames.labels("cluster.labels", string(k, "cluster.labels"));
        NodeCapacity host = NodeCapacity.ofThisHost();
        NodeCapacity capacity = new NodeCapacity(cpuMillis(k, "cluster.cpu", host.cpuMillis()),
                string(k, "cluster.memory").equals("auto") ? host.memoryBytes() : bytes(k, "cluster.memory"));
        String listen = string(k, "cluster.listen");
        String seeds = string(k, "cluster.seeds");
        if (listen.isEmpty()) {
            if (!seeds.isEmpty()) {
                throw new InvalidArgumentException("cluster.seeds", "needs cluster.listen: where this node listens for the others");
            }
            for (String key : ClusterTls.KEYS) {
                if (!string(k, key).isEmpty()) {
                    throw new InvalidArgumentException(key, "needs cluster.listen: TLS is for the cluster's transport");
                }
            }
            return new ClusterSettings(name, null, List.of(), ClusterSecret.Keys.NONE, labels, capacity,
                    duration(k, "cluster.stable-after"), duration(k, "cluster.failover-after"), null);
        }
        InetSocketAddress at = tcpAddress("cluster.listen", listen, "empty (no cluster)");
        if (at.getPort() == 0) {
            throw new InvalidArgumentException("cluster.listen", "needs a port other than 0: the other nodes reach this one there");
        }
        List<InetSocketAddress> seedList = new ArrayList<>();
        for (String seed : seeds.split(",")) {
            if (!seed.isBlank()) {
                seedList.add(hostPort("cluster.seeds", seed.trim(), "empty (start a cluster)"));
            }
        }
        if (seedList.isEmpty()) {
            seedList.add(InetSocketAddress.createUnresolved(at.getHostString(), at.getPort()));
        }
        String secret = string(k, "cluster.secret-file");
        if (secret.isEmpty()) {
            throw new InvalidArgumentException("cluster.secret-file", "is needed with cluster.listen: only nodes that hold"
                    + " the same secret join the cluster");
        }
        ClusterTls tls = clusterTls(k);
        if (tls == null && !at.getAddress().isLoopbackAddress() && !flag(k, "cluster.insecure-listen")) {
            // routed calls carry logs, exec input and objects' specs between the nodes
            throw new InvalidArgumentException("cluster.listen", "\"" + listen + "\" is not a loopback address: beyond this"
                    + " host the fleet talks only over TLS (cluster.tls-cert-file, cluster.tls-key-file and"
                    + " cluster.tls-ca-file), or with cluster.insecure-listen = true");
        }
        return new ClusterSettings(name, at, seedList, ClusterSecret.of(absolute("cluster.secret-file", secret)),
                labels, capacity, duration(k, "cluster.stable-after"), duration(k, "cluster.failover-after"), tls);
    }

    /** The cluster's transport over TLS: its certificate, key and CA, all three or none (null: plain TCP). */
    private static ClusterTls clusterTls(Config k) {
        List<String> given = ClusterTls.KEYS.stream().filter(key -> !string(k, key).isEmpty()).toList();
        if (given.isEmpty()) {
            return null;
        }
        for (String key : ClusterTls.KEYS) {
            if (!given.contains(key)) {
                throw new InvalidArgumentException(key, "is needed with " + String.join(" and ", given)
                        + ": the cluster's TLS takes this node's certificate, its key and the fleet's CA");
            }
        }
        return new ClusterTls(absolute(ClusterTls.CERT_KEY, string(k, ClusterTls.CERT_KEY)),
                absolute(ClusterTls.KEY_KEY, string(k, ClusterTls.KEY_KEY)), absolute(ClusterTls.CA_KEY, string(k, ClusterTls.CA_KEY)));
    }

    /** Cores, whole or not ({@code 1.5}), as thousandths; {@code auto}: the host's. */
    private static long cpuMillis(Config k, String key, long auto) {
        String value = string(k, key);
        if (value.equals("auto")) {
            return auto;
        }
        try {
            long millis = new java.math.BigDecimal(value).movePointRight(3).longValueExact();
            if (millis > 0 && millis <= 1_000_000_000L) {
                return millis;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // said below
        }
        throw new InvalidArgumentException(key, "\"" + value + "\" must be auto or a number of cores, e.g. 2 or 1.5");
    }

    /**
     * The journal: an H2 file written through at once, so a kill -9 loses nothing acknowledged. Its page
     * cache is bounded at 4 MiB (H2's default, 16 MiB, and the bookkeeping of the pages it evicted, grew
     * with the journal: ~3 KiB of heap per container at 1,000, docs/benchmarks.md "Memory"); a BLOB a query
     * returned is kept 5 s for its reader, not H2's 5 min (the journal copies each payload as it reads the row).
     */
    public static String jdbcUrl(Path journalFileBase) {
        return "jdbc:h2:file:" + journalFileBase + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=4096;LOB_TIMEOUT=5000";
    }

    /** Not the records' own: {@link #pekko} holds the journal's password, which is never printed. */
    @Override
    public String toString() {
        return "DaemonConfig[dataDir=" + dataDir + ", api=" + api + ", containerdSocket=" + containerdSocket + ", journal=" + journal + "]";
    }

    public String jdbcUrl() {
        return journal.url();
    }

    /** The H2 journal's files are this path with H2's suffixes ({@code .mv.db}, {@code .trace.db}). */
    public Path journalBase() {
        return dataDir.resolve("journal").resolve("kukeon");
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /** The Volumes' directories (see {@link io.kukeon.volumes.VolumeDirectories}). */
    public Path volumesDir() {
        return dataDir.resolve(VOLUMES_DIR);
    }

    public Path tokenFile() {
        return dataDir.resolve("token");
    }

    public TreeSettings treeSettings() {
        return new TreeSettings(snapshotEvery, stopTimeout, startupGrace, logDir(), dataDir.resolve("cells"), restart,
                failureInjection, logDefaults);
    }

    static String string(Config k, String key) {
        try {
            return k.getString(key).trim();
        } catch (ConfigException e) {
            throw new InvalidArgumentException(key, "must be a string: " + e.getMessage());
        }
    }

    static Path absolute(String key, String value) {
        if (value.isEmpty() || !value.startsWith("/") || value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(key, "\"" + value + "\" must be an absolute path");
        }
        return Path.of(value).normalize();
    }

    static int integer(Config k, String key, int min, int max) {
        int v;
        try {
            v = k.getInt(key);
        } catch (ConfigException e) {
            throw new InvalidArgumentException(key, "must be a whole number");
        }
        if (v < min || v > max) {
            throw new InvalidArgumentException(key, "must be between " + min + " and " + max);
        }
        return v;
    }

    private static long bytes(Config k, String key) {
        long v;
        try {
            v = k.getBytes(key);
        } catch (ConfigException e) {
            throw new InvalidArgumentException(key, "must be a size, e.g. 64MiB or 512MiB");
        }
        if (v < 0) {
            throw new InvalidArgumentException(key, "must not be negative");
        }
        return v;
    }

    /** Fewer than the pull pool's threads: a hanging registry holds its slots' threads, and other registries need some. */
    private static int pullsPerHost(Config k) {
        int threads = integer(k, "pools.pulls", 2, 1024);
        int perHost = integer(k, "registry.pulls-per-host", 1, 1024);
        if (perHost >= threads) {
            throw new InvalidArgumentException("registry.pulls-per-host", perHost + " must be less than pools.pulls ("
                    + threads + "): a registry that hangs would hold every pull thread");
        }
        return perHost;
    }

    private static Duration duration(Config k, String key) {
        Duration d = durationOrZero(k, key);
        if (d.isZero()) {
            throw new InvalidArgumentException(key, "must be a positive duration, e.g. 10s");
        }
        return d;
    }

    private static Duration durationOrZero(Config k, String key) {
        try {
            Duration d = k.getDuration(key);
            if (d.isNegative()) {
                throw new InvalidArgumentException(key, "must not be negative");
            }
            return d;
        } catch (ConfigException e) {
            throw new InvalidArgumentException(key, "must be a duration, e.g. 10s or 500ms");
        }
    }
}
