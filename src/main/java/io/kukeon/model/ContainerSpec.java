package io.kukeon.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One container of a cell.
 *
 * @param id                    the container's name (unique in its cell)
 * @param root                  this container owns the cell's namespaces
 * @param image                 image reference, normalized when pulled ({@code busybox} = {@code docker.io/library/busybox:latest})
 * @param command               replaces the image's entrypoint when set
 * @param args                  replace the image's cmd when set
 * @param env                   {@code KEY=VALUE} entries, over the image's
 * @param restartBackoffSeconds initial delay between restarts (default 1 s, doubling)
 * @param restartMaxRetries     with {@code on-failure}: restarts before the cell turns Error
 * @param hostNetwork           the cell's root uses the host's network namespace (the cell gets no
 *                              address of its own); the network rules live in {@code io.kukeon.network.CellNetworking}
 * @param ports                 published ports as written, {@code [hostIP:]hostPort:containerPort[/tcp|/udp]};
 *                              parsed and checked by {@code io.kukeon.network.CellNetworking}
 * @param security              privileges, capabilities, seccomp, devices and host namespaces ({@link ContainerSecurity#NONE}: the defaults)
 * @param volumes               binds of the host's paths, tmpfs mounts and named Volumes, each at its own target
 * @param tmpfs                 tmpfs mounts with mount options, at targets none of {@code volumes} takes
 * @param secrets               values kukeond hands the container at each start, as variables or files
 * @param logs                  how its log rotates ({@link ContainerLogs#DEFAULTS}: kukeond's settings)
 * @param attachable            it runs on a terminal with an open stdin that {@code kuke attach} connects to
 */
public record ContainerSpec(String id, boolean root, String image, String command, List<String> args, List<String> env,
                            String workingDir, String user, RestartPolicy restartPolicy,
                            Integer restartBackoffSeconds, Integer restartMaxRetries, Resources resources,
                            boolean hostNetwork, List<String> ports, ContainerSecurity security,
                            List<VolumeMount> volumes, List<TmpfsMount> tmpfs, List<ContainerSecret> secrets,
                            ContainerLogs logs, boolean attachable) {

    public static final int MAX_ARGS = 1024;
    public static final int MAX_ARG_LENGTH = 65_536;
    /** Mounts of one container, volumes and tmpfs together. */
    public static final int MAX_MOUNTS = 64;

    public ContainerSpec {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        ports = ports == null ? List.of() : List.copyOf(ports);   // absent from journals older than published ports
        security = security == null ? ContainerSecurity.NONE : security;   // absent from journals older than it
        volumes = volumes == null ? List.of() : List.copyOf(volumes);   // absent from journals older than mounts
        tmpfs = tmpfs == null ? List.of() : List.copyOf(tmpfs);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);   // absent from journals older than secrets
        logs = ContainerLogs.orDefaults(logs);   // absent from journals older than log rotation
        restartPolicy = restartPolicy == null ? RestartPolicy.NEVER : restartPolicy;
        resources = Resources.orNone(resources);
        command = command == null || command.isEmpty() ? null : command;
        workingDir = workingDir == null || workingDir.isEmpty() ? null : workingDir;
        user = user == null || user.isEmpty() ? null : user;
    }

    /** A container without a terminal to attach to (attachable, absent from journals older than it, is false too). */
    public ContainerSpec(String id, boolean root, String image, String command, List<String> args, List<String> env,
                         String workingDir, String user, RestartPolicy restartPolicy,
                         Integer restartBackoffSeconds, Integer restartMaxRetries, Resources resources,
                         boolean hostNetwork, List<String> ports, ContainerSecurity security,
                         List<VolumeMount> volumes, List<TmpfsMount> tmpfs, List<ContainerSecret> secrets,
                         ContainerLogs logs) {
        this(id, root, image, command, args, env, workingDir, user, restartPolicy, restartBackoffSeconds,
                restartMaxRetries, resources, hostNetwork, ports, security, volumes, tmpfs, secrets, logs, false);
    }

    /** A container whose log rotates as kukeond's settings say. */
    public ContainerSpec(String id, boolean root, String image, String command, List<String> args, List<String> env,
                         String workingDir, String user, RestartPolicy restartPolicy,
                         Integer restartBackoffSeconds, Integer restartMaxRetries, Resources resources,
                         boolean hostNetwork, List<String> ports, ContainerSecurity security,
                         List<VolumeMount> volumes, List<TmpfsMount> tmpfs, List<ContainerSecret> secrets) {
        this(id, root, image, command, args, env, workingDir, user, restartPolicy, restartBackoffSeconds,
                restartMaxRetries, resources, hostNetwork, ports, security, volumes, tmpfs, secrets, ContainerLogs.DEFAULTS);
    }

    /** A container with the default confinement, without mounts of its own nor secrets. */
    public ContainerSpec(String id, boolean root, String image, String command, List<String> args, List<String> env,
                         String workingDir, String user, RestartPolicy restartPolicy, Integer restartBackoffSeconds,
                         Integer restartMaxRetries, Resources resources, boolean hostNetwork, List<String> ports) {
        this(id, root, image, command, args, env, workingDir, user, restartPolicy, restartBackoffSeconds,
                restartMaxRetries, resources, hostNetwork, ports, ContainerSecurity.NONE, List.of(), List.of(), List.of());
    }

    /** A container on its cell's own network that publishes no port. */
    public ContainerSpec(String id, boolean root, String image, String command, List<String> args, List<String> env,
                         String workingDir, String user, RestartPolicy restartPolicy, Integer restartBackoffSeconds,
                         Integer restartMaxRetries, Resources resources) {
        this(id, root, image, command, args, env, workingDir, user, restartPolicy, restartBackoffSeconds,
                restartMaxRetries, resources, false, List.of());
    }

    public static ContainerSpec of(String id, String image, String command, List<String> args) {
        return new ContainerSpec(id, false, image, command, args, List.of(), null, null, RestartPolicy.NEVER, null, null, null);
    }

    public ContainerSpec withRoot(boolean isRoot) {
        return new ContainerSpec(id, isRoot, image, command, args, env, workingDir, user, restartPolicy,
                restartBackoffSeconds, restartMaxRetries, resources, hostNetwork, ports, security, volumes, tmpfs, secrets, logs, attachable);
    }

    /** This container with {@code overrides} ({@code KEY=VALUE}) in its environment, replacing the same keys. */
    public ContainerSpec withEnvOverrides(List<String> overrides) {
        List<String> merged = new java.util.ArrayList<>(EnvOverrides.merged(env, overrides));
        return new ContainerSpec(id, root, image, command, args, merged, workingDir, user, restartPolicy,
                restartBackoffSeconds, restartMaxRetries, resources, hostNetwork, ports, security, volumes, tmpfs, secrets, logs, attachable);
    }

    public ContainerSpec withAttachable(boolean onATerminal) {
        return new ContainerSpec(id, root, image, command, args, env, workingDir, user, restartPolicy,
                restartBackoffSeconds, restartMaxRetries, resources, hostNetwork, ports, security, volumes, tmpfs,
                secrets, logs, onATerminal);
    }

    public ContainerSpec withHostNetwork(boolean onHostNetwork) {
        return new ContainerSpec(id, root, image, command, args, env, workingDir, user, restartPolicy,
                restartBackoffSeconds, restartMaxRetries, resources, onHostNetwork, ports, security, volumes, tmpfs,
                secrets, logs, attachable);
    }

    /** Validates every field; {@code field} is the prefix, e.g. {@code spec.containers[1]}. */
    public void validate(String field) {
        Names.require(field + ".id", id);
        if (image == null || image.isBlank()) {
            throw new InvalidArgumentException(field + ".image", "is required");
        }
        if (image.length() > 512 || !image.matches("[\\x21-\\x7e]+")) {
            throw new InvalidArgumentException(field + ".image",
                    "\"" + Names.printable(image) + "\" must be an image reference without spaces, at most 512 characters");
        }
        validateProcess(field, command, args, env, workingDir, user);
        if (restartBackoffSeconds != null) {
            if (restartBackoffSeconds < 0 || restartBackoffSeconds > 86_400) {
                throw new InvalidArgumentException(field + ".restartBackoffSeconds", "must be between 0 and 86400");
            }
            if (restartPolicy == RestartPolicy.NEVER) {
                throw new InvalidArgumentException(field + ".restartBackoffSeconds",
                        "requires restartPolicy always or on-failure");
            }
        }
        if (restartMaxRetries != null) {
            if (restartMaxRetries < 1 || restartMaxRetries > 1_000_000) {
                throw new InvalidArgumentException(field + ".restartMaxRetries", "must be between 1 and 1000000");
            }
            if (restartPolicy != RestartPolicy.ON_FAILURE) {
                throw new InvalidArgumentException(field + ".restartMaxRetries", "requires restartPolicy on-failure");
            }
        }
        resources.validate(field + ".resources");
        security.validate(field);
        Set<String> targets = validateMounts(field);
        validateSecrets(field, targets);
        logs.validate(field);
    }

    /**
     * The rules of a process's command, arguments, environment, working directory and user, for a
     * container and for an exec in one ({@code field} prefixes the names in the errors).
     */
    public static void validateProcess(String field, String command, List<String> args, List<String> env,
                                       String workingDir, String user) {
        if (args.size() > MAX_ARGS) {
            throw new InvalidArgumentException(field + ".args", "at most " + MAX_ARGS + " arguments");
        }
        for (int i = 0; i < args.size(); i++) {
            checkText(field + ".args[" + i + "]", args.get(i));
        }
        if (command != null) {
            checkText(field + ".command", command);
        }
        if (env.size() > MAX_ARGS) {
            throw new InvalidArgumentException(field + ".env", "at most " + MAX_ARGS + " entries");
        }
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            checkText(field + ".env[" + i + "]", e);
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new InvalidArgumentException(field + ".env[" + i + "]", "must be KEY=VALUE (got \"" + Names.printable(e) + "\")");
            }
        }
        if (workingDir != null && (!workingDir.startsWith("/") || workingDir.length() > 4096)) {
            throw new InvalidArgumentException(field + ".workingDir", "must be an absolute path");
        }
        checkUser(field + ".user", user);
    }

    /** Each mount, and no two on one target; returns the targets taken. */
    private Set<String> validateMounts(String field) {
        if (volumes.size() + tmpfs.size() > MAX_MOUNTS) {
            throw new InvalidArgumentException(field + ".volumes", "at most " + MAX_MOUNTS + " volumes and tmpfs together");
        }
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            String entry = field + ".volumes[" + i + "]";
            volumes.get(i).validate(entry);
            requireFreeTarget(targets, entry + ".target", volumes.get(i).target());
        }
        for (int i = 0; i < tmpfs.size(); i++) {
            String entry = field + ".tmpfs[" + i + "]";
            tmpfs.get(i).validate(entry);
            requireFreeTarget(targets, entry + ".path", tmpfs.get(i).path());
        }
        return targets;
    }

    private static void requireFreeTarget(Set<String> taken, String field, String target) {
        if (!taken.add(target)) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(target) + "\" is the target of another mount"
                    + " of this container");
        }
    }

    /** Each secret, names unique, and a mounted one on a target no mount takes. */
    private void validateSecrets(String field, Set<String> targets) {
        if (secrets.size() > ContainerSecret.MAX_SECRETS) {
            throw new InvalidArgumentException(field + ".secrets", "at most " + ContainerSecret.MAX_SECRETS + " entries");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < secrets.size(); i++) {
            String f = field + ".secrets[" + i + "]";
            ContainerSecret s = secrets.get(i);
            if (s == null) {
                throw new InvalidArgumentException(f, "must not be null");
            }
            s.validate(f);
            if (!names.add(s.name())) {
                throw new InvalidArgumentException(f + ".name", "\"" + s.name() + "\" is given twice");
            }
            if (s.mounted()) {
                requireFreeTarget(targets, f + ".mountPath", s.mountPath());
            }
        }
    }

    /** A user as runc's process takes it: null for the image's. */
    static void checkUser(String field, String user) {
        if (user != null && !user.matches("[A-Za-z0-9_][-A-Za-z0-9_.]{0,31}(:[A-Za-z0-9_][-A-Za-z0-9_.]{0,31})?")) {
            throw new InvalidArgumentException(field, "must be USER, UID, USER:GROUP or UID:GID");
        }
    }

    /**
     * This container with its space's defaults in the fields it leaves empty (shallow, as the
     * reference): its {@code user}, {@code readOnlyRootFilesystem}, {@code capabilities},
     * {@code securityOpts}, {@code tmpfs} and {@code resources}.
     */
    public ContainerSpec inheriting(ContainerDefaults defaults) {
        ContainerDefaults d = ContainerDefaults.orNone(defaults);
        ContainerSecurity s = security;
        ContainerSecurity inherited = new ContainerSecurity(s.privileged(),
                s.capabilities().isEmpty() ? d.capabilities() : s.capabilities(),
                s.readOnlyRootFilesystem() || d.readOnlyRootFilesystem(),
                s.securityOpts().isEmpty() ? d.securityOpts() : s.securityOpts(), s.devices(), s.hostPID(), s.hostCgroup());
        return new ContainerSpec(id, root, image, command, args, env, workingDir, user != null ? user : d.user(),
                restartPolicy, restartBackoffSeconds, restartMaxRetries,
                resources.equals(Resources.NONE) ? d.resources() : resources, hostNetwork, ports, inherited, volumes,
                tmpfs.isEmpty() ? d.tmpfs() : tmpfs, secrets, logs, attachable);
    }

    private static void checkText(String field, String value) {
        if (value == null) {
            throw new InvalidArgumentException(field, "must not be null");
        }
        if (value.length() > MAX_ARG_LENGTH) {
            throw new InvalidArgumentException(field, "is longer than " + MAX_ARG_LENGTH + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(field, "must not contain NUL");
        }
    }
}
