package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Resources;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.RuntimeFailure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the OCI runtime spec (JSON) of a container from its request and its image's config,
 * with the defaults {@code ctr run} uses: 14 capabilities, no new privileges, masked and
 * read-only /proc paths, the standard mounts, and new pid, ipc, uts, mount, network and cgroup
 * namespaces unless the request joins existing ones (or, on the host's network, has none for the network;
 * with hostPID or hostCgroup, none for those); and kukeond's default seccomp profile. The request's
 * security changes these defaults as {@link OciSecurity} says.
 */
public final class OciSpecBuilder {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
            "/proc/scsi");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    /** The namespaces a container gets, in the order runc is given them. */
    static final List<String> NAMESPACES = List.of("pid", "ipc", "uts", "mount", "network", "cgroup");
    /** What a request may join instead of creating (a shared mount namespace makes no sense here). */
    static final Set<String> JOINABLE = Set.of("pid", "ipc", "uts", "network", "cgroup");

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciSpecBuilder() {}

    /** Reads a file of the image (e.g. /etc/passwd); null when the image has none. */
    @FunctionalInterface
    public interface ImageFiles {
        String read(String path);

        ImageFiles NONE = path -> null;
    }

    public static String build(ContainerRequest request, ImageConfig image, ImageFiles files) {
        if (request.cgroupsPath() == null) {
            throw new InvalidArgumentException("cgroupsPath", "is required (an absolute cgroup path for the container)");
        }
        Map<String, String> joins = checkedJoins(request.joinNamespaces());
        ObjectNode spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.2-dev");
        spec.set("process", process(request, image, files));
        ContainerSecurity security = request.security();
        spec.putObject("root").put("path", "rootfs").put("readonly", security.readOnlyRootFilesystem());
        if (request.hostname() != null && !request.hostname().isEmpty() && !joins.containsKey("uts")) {
            spec.put("hostname", request.hostname());
        }
        ArrayNode mounts = mounts(security.privileged(), writableCgroups(request));
        for (OciMount extra : request.mounts()) {
            mount(mounts, extra.destination(), extra.type(), extra.source(), extra.options().toArray(new String[0]));
        }
        spec.set("mounts", mounts);
        ObjectNode linux = spec.putObject("linux");
        linux.set("resources", resources(request.resources()));
        linux.put("cgroupsPath", request.cgroupsPath().toString());
        ArrayNode ns = linux.putArray("namespaces");
        for (String type : NAMESPACES) {
            if (!joins.containsKey(type) && onHost(type, request)) {
                continue;   // the runtime's own namespace: the host's
            }
            ObjectNode n = ns.addObject().put("type", type);
            if (joins.containsKey(type)) {
                n.put("path", joins.get(type));
            }
        }
        OciSecurity.apply(linux, security, MASKED_PATHS, READONLY_PATHS);
        try {
            return JSON.writeValueAsString(spec);
        } catch (Exception e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
    }

    /** The uid and gid the container's process runs as: its user, else the image's, resolved in the image's files. */
    public static int[] processUser(ContainerRequest request, ImageConfig image, ImageFiles files) {
        return users(request.user() != null ? request.user() : image.user(), files);
    }

    /**
     * The process of an exec in a container whose spec is {@code containerSpec}: the container's
     * process (its confinement: capabilities, rlimits, no-new-privileges, AppArmor, SELinux label)
     * with the request's command, terminal, environment added key by key, working directory and user.
     */
    public static String execProcess(String containerSpec, ExecRequest request, ImageFiles files) {
        ObjectNode process;
        try {
            process = (ObjectNode) JSON.readTree(containerSpec).path("process").deepCopy();
        } catch (Exception e) {
            throw new IllegalArgumentException("the container's spec is not an OCI spec: " + e.getMessage(), e);
        }
        strings(process.putArray("args"), request.args());
        process.put("terminal", request.tty());
        process.remove("consoleSize");
        if (request.tty() && request.width() > 0 && request.height() > 0) {
            process.putObject("consoleSize").put("height", request.height()).put("width", request.width());
        }
        List<String> containerEnv = new ArrayList<>();
        process.path("env").forEach(e -> containerEnv.add(e.asText()));
        strings(process.putArray("env"), env(containerEnv, request.env()));
        if (request.workingDir() != null) {
            process.put("cwd", request.workingDir());
        }
        if (request.user() != null) {
            int[] user = users(request.user(), files);
            process.putObject("user").put("uid", user[0]).put("gid", user[1]);
        }
        try {
            return JSON.writeValueAsString(process);
        } catch (Exception e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
    }

    private static boolean onHost(String namespace, ContainerRequest request) {
        switch (namespace) {
            case "network":
                return request.hostNetwork();
            case "pid":
                return request.security().hostPID();
            case "cgroup":
                return request.security().hostCgroup();
            default:
                return false;
        }
    }

    private static ObjectNode process(ContainerRequest request, ImageConfig image, ImageFiles files) {
        ObjectNode p = JSON.createObjectNode();
        p.put("terminal", request.terminal());
        int[] user = processUser(request, image, files);
        p.putObject("user").put("uid", user[0]).put("gid", user[1]);
        strings(p.putArray("args"), args(request, image));
        strings(p.putArray("env"), env(image.env(), request.env()));
        String cwd = request.workingDir() != null ? request.workingDir() : image.workingDir();
        p.put("cwd", cwd == null ? "/" : cwd);
        ObjectNode caps = p.putObject("capabilities");
        List<String> capabilities = OciSecurity.capabilities(request.security(), DEFAULT_CAPABILITIES);
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(caps.putArray(set), capabilities);
        }
        p.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
        Boolean noNewPrivileges = request.security().noNewPrivileges();
        p.put("noNewPrivileges", noNewPrivileges == null || noNewPrivileges);
        return p;
    }

    /**
     * Docker's rule: a command replaces the image's entrypoint and drops its cmd; args replace
     * the cmd. The process runs entrypoint + cmd.
     */
    static List<String> args(ContainerRequest request, ImageConfig image) {
        List<String> entrypoint = image.entrypoint();
        List<String> cmd = image.cmd();
        if (request.command() != null && !request.command().isEmpty()) {
            entrypoint = List.of(request.command());
            cmd = List.of();
        }
        if (!request.args().isEmpty()) {
            cmd = request.args();
        }
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw new InvalidArgumentException("command", "is required: image " + request.image()
                    + " has neither Entrypoint nor Cmd");
        }
        return argv;
    }

    /** The image's env, overridden key by key by the container's; PATH defaulted when neither sets it. */
    static List<String> env(List<String> imageEnv, List<String> containerEnv) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> source : List.of(imageEnv, containerEnv)) {
            for (String e : source) {
                int eq = e.indexOf('=');
                merged.put(eq < 0 ? e : e.substring(0, eq), e);
            }
        }
        List<String> out = new ArrayList<>();
        if (!merged.containsKey("PATH")) {
            out.add(DEFAULT_PATH);
        }
        out.addAll(merged.values());
        return out;
    }

    /**
     * {@code uid[:gid]}, either part numeric or a name looked up in the image's /etc/passwd and
     * /etc/group. Without a group, the user's primary group from /etc/passwd (else 0).
     */
    static int[] users(String user, ImageFiles files) {
        if (user == null || user.isEmpty()) {
            return new int[] {0, 0};
        }
        String[] parts = user.split(":", 2);
        Integer uid = number(parts[0]);
        int gid = 0;
        if (uid == null) {
            String[] entry = lookup(files, "/etc/passwd", 0, parts[0], user);
            if (entry == null || entry.length < 4 || number(entry[2]) == null || number(entry[3]) == null) {
                throw new RuntimeFailure("InvalidUser", "user \"" + parts[0] + "\" is not in the image's /etc/passwd"
                        + " (use a numeric uid[:gid])");
            }
            uid = number(entry[2]);
            gid = number(entry[3]);
        } else if (parts.length == 1 && uid != 0 && files.read("/etc/passwd") != null) {
            String[] entry = lookup(files, "/etc/passwd", 2, parts[0], user);
            if (entry != null && entry.length >= 4 && number(entry[3]) != null) {
                gid = number(entry[3]);
            }
        }
        if (parts.length == 2) {
            Integer g = number(parts[1]);
            if (g == null) {
                String[] entry = lookup(files, "/etc/group", 0, parts[1], user);
                if (entry == null || entry.length < 3 || number(entry[2]) == null) {
                    throw new RuntimeFailure("InvalidUser", "group \"" + parts[1] + "\" is not in the image's /etc/group"
                            + " (use a numeric uid[:gid])");
                }
                g = number(entry[2]);
            }
            gid = g;
        }
        return new int[] {uid, gid};
    }

    /** The colon-separated line of {@code file} whose field {@code column} is {@code key}; null when none. */
    private static String[] lookup(ImageFiles files, String file, int column, String key, String user) {
        String text = files.read(file);
        if (text == null) {
            throw new RuntimeFailure("InvalidUser", "user \"" + user + "\" names a user or group, but the image has no "
                    + file + " to resolve it (use a numeric uid[:gid])");
        }
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(":", -1);
            if (f.length > column && f[column].equals(key)) {
                return f;
            }
        }
        return null;
    }

    private static Integer number(String s) {
        if (s == null || !s.matches("\\d{1,10}")) {
            return null;
        }
        long v = Long.parseLong(s);
        return v > Integer.MAX_VALUE ? null : (int) v;
    }

    private static Map<String, String> checkedJoins(Map<String, String> joins) {
        for (Map.Entry<String, String> j : joins.entrySet()) {
            if (!JOINABLE.contains(j.getKey())) {
                throw new InvalidArgumentException("joinNamespaces." + j.getKey(),
                        "cannot be joined; joinable namespaces are " + String.join(", ", JOINABLE.stream().sorted().toList()));
            }
            String path = j.getValue();
            if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 || path.contains("/../")) {
                throw new InvalidArgumentException("joinNamespaces." + j.getKey(),
                        "must be an absolute path such as /proc/<pid>/ns/net");
            }
        }
        return joins;
    }

    /** @param writableSys /sys read-write (privileged), else read-only */
    /**
     * A privileged container may write its cgroups, as under docker; so may a nested runtime's, but only
     * in a cgroup namespace of its own, where the tree it sees is its own subtree.
     */
    static boolean writableCgroups(ContainerRequest request) {
        ContainerSecurity security = request.security();
        return security.privileged() || request.nestedCgroupRuntime() && !security.hostCgroup();
    }

    private static ArrayNode mounts(boolean writableSys, boolean writableCgroups) {
        ArrayNode m = JSON.createArrayNode();
        mount(m, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(m, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(m, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(m, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(m, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", writableSys ? "rw" : "ro");
        // the runtime mounts the container's own cgroups here (v1: one per hierarchy; v2: the cgroup2 tree)
        mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime",
                writableCgroups ? "rw" : "ro");
        mount(m, "/run", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        return m;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode m = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        strings(m.putArray("options"), List.of(options));
    }

    /**
     * {@code linux.resources} as runc reads it (v1 names; runc converts them on a v2 host). Limits
     * with no runc field (memory.min, memory.high) are left to the cgroup levels above.
     */
    static ObjectNode resources(Resources r) {
        ObjectNode res = JSON.createObjectNode();
        // deny every device, then runc adds its default allow-list (null, zero, tty, ...)
        res.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        Long limit = r.memoryMax();
        Long reservation = r.memory() == null ? null : r.memory().low();
        Long swapMax = r.memory() == null ? null : r.memory().swapMax();
        if (limit != null || reservation != null) {
            ObjectNode mem = res.putObject("memory");
            putIf(mem, "limit", limit);
            putIf(mem, "reservation", reservation);
            if (limit != null && swapMax != null) {
                // runc's swap is memory + swap (v1 memsw); memory.swap.max is the swap alone
                mem.put("swap", limit + swapMax);
            }
        }
        Long shares = r.cpuSharesOrFromWeight();
        Resources.Cpu cpu = r.cpu();
        if (shares != null || cpu != null) {
            ObjectNode c = JSON.createObjectNode();
            putIf(c, "shares", shares);
            if (cpu != null) {
                putIf(c, "quota", cpu.quotaMicros());
                if (cpu.quotaMicros() != null) {
                    c.put("period", cpu.periodMicros() != null ? cpu.periodMicros() : 100_000L);
                }
                if (cpu.cpus() != null) {
                    c.put("cpus", cpu.cpus());
                }
                if (cpu.mems() != null) {
                    c.put("mems", cpu.mems());
                }
            }
            if (!c.isEmpty()) {
                res.set("cpu", c);
            }
        }
        if (r.pidsMax() != null) {
            res.putObject("pids").put("limit", r.pidsMax());
        }
        if (r.io() != null && (r.io().weight() != null || !r.io().max().isEmpty())) {
            res.set("blockIO", blockIo(r.io()));
        }
        return res;
    }

    private static ObjectNode blockIo(Resources.Io io) {
        ObjectNode b = JSON.createObjectNode();
        if (io.weight() != null) {
            // blkio.weight accepts 10-1000; io.weight 1-9 has no v1 equivalent
            b.put("weight", Math.max(10, Math.min(1000, io.weight())));
        }
        throttle(b, "throttleReadBpsDevice", io.max(), Resources.IoLimit::rbps);
        throttle(b, "throttleWriteBpsDevice", io.max(), Resources.IoLimit::wbps);
        throttle(b, "throttleReadIOPSDevice", io.max(), Resources.IoLimit::riops);
        throttle(b, "throttleWriteIOPSDevice", io.max(), Resources.IoLimit::wiops);
        return b;
    }

    private static void throttle(ObjectNode b, String field, List<Resources.IoLimit> limits,
                                 java.util.function.Function<Resources.IoLimit, Long> rate) {
        ArrayNode arr = null;
        for (Resources.IoLimit l : limits) {
            Long value = rate.apply(l);
            if (value == null) {
                continue;
            }
            String[] dev = l.device().split(":");
            if (arr == null) {
                arr = b.putArray(field);
            }
            arr.addObject().put("major", Long.parseLong(dev[0])).put("minor", Long.parseLong(dev[1])).put("rate", value);
        }
    }

    private static void putIf(ObjectNode n, String field, Long value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
