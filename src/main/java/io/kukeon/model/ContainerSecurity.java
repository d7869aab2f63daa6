package io.kukeon.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a container is confined. Every field left empty keeps the default: the 14 capabilities
 * {@code ctr run} gives, no new privileges, kukeond's default seccomp profile, a writable root, no
 * host device, a pid and a cgroup namespace of its own.
 *
 * <p>{@code privileged} changes the defaults, not the explicit fields: all capabilities, every host
 * device, no masked or read-only paths, a writable /sys and no seccomp profile; {@code capabilities},
 * {@code readOnlyRootFilesystem}, {@code securityOpts} and {@code devices} still apply over it
 * (e.g. {@code drop: [NET_RAW]} removes one of all, {@code seccomp=<file>} confines it again).
 *
 * @param privileged             all capabilities and host devices, unconfined (see above)
 * @param capabilities           capability names to add to and drop from the default set
 * @param readOnlyRootFilesystem the root filesystem is mounted read-only
 * @param securityOpts           {@code no-new-privileges[=true|false]}, {@code seccomp=unconfined|<absolute path>}
 * @param devices                absolute host paths of device nodes, present at the same path and allowed ({@code rwm})
 * @param hostPID                no pid namespace of its own: the host's processes are visible
 * @param hostCgroup             no cgroup namespace of its own
 */
public record ContainerSecurity(boolean privileged, Capabilities capabilities, boolean readOnlyRootFilesystem,
                                List<String> securityOpts, List<String> devices, boolean hostPID, boolean hostCgroup) {

    public static final ContainerSecurity NONE = new ContainerSecurity(false, Capabilities.NONE, false, List.of(),
            List.of(), false, false);
    public static final int MAX_ENTRIES = 256;
    public static final int MAX_PATH = 4096;
    public static final String NO_NEW_PRIVILEGES = "no-new-privileges";
    public static final String SECCOMP = "seccomp";
    public static final String UNCONFINED = "unconfined";

    /** Linux capability names, at their number (capability.h); newer kernels may know more. */
    public static final List<String> CAPABILITY_NAMES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
            "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
    /** Stands for every capability, in {@code add} as in {@code drop}. */
    public static final String ALL = "ALL";

    public ContainerSecurity {
        capabilities = capabilities == null ? Capabilities.NONE : capabilities;
        securityOpts = securityOpts == null ? List.of() : List.copyOf(securityOpts);
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** {@code add} and {@code drop}, each name normalized to {@code CAP_*} in upper case ({@code ALL} kept). */
    public record Capabilities(List<String> add, List<String> drop) {
        public static final Capabilities NONE = new Capabilities(List.of(), List.of());

        public Capabilities {
            add = normalized(add);
            drop = normalized(drop);
        }

        public boolean isEmpty() {
            return add.isEmpty() && drop.isEmpty();
        }

        private static List<String> normalized(List<String> names) {
            if (names == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String n : names) {
                out.add(n == null ? null : normalize(n));
            }
            return java.util.Collections.unmodifiableList(out);
        }

        /** {@code net_admin}, {@code NET_ADMIN} and {@code cap_net_admin} are {@code CAP_NET_ADMIN}; {@code all} is {@code ALL}. */
        public static String normalize(String name) {
            String upper = name.trim().toUpperCase(Locale.ROOT);
            return upper.equals(ALL) || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        }
    }

    /** {@code no-new-privileges} as the options set it; null when they leave it to the default (true). */
    public Boolean noNewPrivileges() {
        for (String o : securityOpts) {
            if (o.equals(NO_NEW_PRIVILEGES) || o.equals(NO_NEW_PRIVILEGES + "=true")) {
                return true;
            }
            if (o.equals(NO_NEW_PRIVILEGES + "=false")) {
                return false;
            }
        }
        return null;
    }

    /** The {@code seccomp=} option's value ({@link #UNCONFINED} or a profile's path); null for the default profile. */
    public String seccomp() {
        for (String o : securityOpts) {
            if (o.startsWith(SECCOMP + "=")) {
                return o.substring(SECCOMP.length() + 1);
            }
        }
        return null;
    }

    /** Validates every field; {@code field} is the container's, e.g. {@code spec.containers[1]}. */
    public void validate(String field) {
        checkCapabilities(field + ".capabilities.add", capabilities.add());
        checkCapabilities(field + ".capabilities.drop", capabilities.drop());
        if (capabilities.add().contains(ALL) && capabilities.drop().contains(ALL)) {
            throw new InvalidArgumentException(field + ".capabilities", "ALL is both added and dropped; keep one");
        }
        checkOptions(field + ".securityOpts");
        checkDevices(field + ".devices");
    }

    private static void checkCapabilities(String field, List<String> names) {
        if (names.size() > MAX_ENTRIES) {
            throw new InvalidArgumentException(field, "at most " + MAX_ENTRIES + " names");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String f = field + "[" + i + "]";
            if (name == null || name.isEmpty()) {
                throw new InvalidArgumentException(f, "must be a capability name such as NET_ADMIN, or ALL");
            }
            if (!name.equals(ALL) && !CAPABILITY_NAMES.contains(name)) {
                throw new InvalidArgumentException(f, "\"" + Names.printable(name) + "\" is not a Linux capability"
                        + " (names such as NET_ADMIN or CAP_NET_ADMIN, any case, or ALL)");
            }
            if (!seen.add(name)) {
                throw new InvalidArgumentException(f, "\"" + name + "\" is given twice");
            }
        }
    }

    private void checkOptions(String field) {
        if (securityOpts.size() > MAX_ENTRIES) {
            throw new InvalidArgumentException(field, "at most " + MAX_ENTRIES + " options");
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < securityOpts.size(); i++) {
            String o = securityOpts.get(i);
            String f = field + "[" + i + "]";
            if (o == null) {
                throw new InvalidArgumentException(f, "must not be null");
            }
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            if (o.equals(NO_NEW_PRIVILEGES) || o.equals(NO_NEW_PRIVILEGES + "=true") || o.equals(NO_NEW_PRIVILEGES + "=false")) {
                key = NO_NEW_PRIVILEGES;
            } else if (o.startsWith(SECCOMP + "=")) {
                checkSeccomp(f, o.substring(SECCOMP.length() + 1));
            } else {
                throw new InvalidArgumentException(f, "\"" + Names.printable(o) + "\" is not a security option;"
                        + " known: no-new-privileges[=true|false], seccomp=unconfined, seccomp=<absolute path of a profile.json>");
            }
            if (!keys.add(key)) {
                throw new InvalidArgumentException(f, key + " is given twice");
            }
        }
    }

    private static void checkSeccomp(String field, String value) {
        if (!value.equals(UNCONFINED) && !isAbsolutePath(value)) {
            throw new InvalidArgumentException(field, "seccomp must be unconfined or the absolute path of a profile"
                    + " (got \"" + Names.printable(value) + "\")");
        }
    }

    private void checkDevices(String field) {
        if (devices.size() > MAX_ENTRIES) {
            throw new InvalidArgumentException(field, "at most " + MAX_ENTRIES + " devices");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            String d = devices.get(i);
            String f = field + "[" + i + "]";
            if (!isAbsolutePath(d)) {
                throw new InvalidArgumentException(f, "must be the absolute path of a device node on the host"
                        + " (got \"" + Names.printable(String.valueOf(d)) + "\")");
            }
            if (!seen.add(d)) {
                throw new InvalidArgumentException(f, "\"" + d + "\" is given twice");
            }
        }
    }

    /** Absolute, normal ({@code /./}, {@code /../} and {@code //} refused), no NUL, at most {@link #MAX_PATH}. */
    private static boolean isAbsolutePath(String p) {
        return p != null && p.length() > 1 && p.length() <= MAX_PATH && p.indexOf('\0') < 0 && MountRules.isNormalisedAbsolute(p);
    }
}
