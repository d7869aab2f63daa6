package io.kukeon.runtime;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.Resources;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the runtime needs to build a container's OCI spec.
 *
 * @param image          a normalized reference already present in the namespace
 * @param command        replaces the image's entrypoint when not null
 * @param args           replace the image's cmd when not empty (or when command is set)
 * @param env            {@code KEY=VALUE}, over the image's env
 * @param hostname       set when the container owns its uts namespace
 * @param cgroupsPath    absolute {@code linux.cgroupsPath}
 * @param joinNamespaces namespaces to join instead of creating: type ({@code network}, {@code ipc},
 *                       {@code uts}) to path ({@code /proc/<pid>/ns/net})
 * @param shimGroup      containers with the same group share one shim (the cell)
 * @param hostNetwork    no network namespace of its own: it joins {@code joinNamespaces}' network when
 *                       that names one, else it stays in the runtime's (the host's)
 * @param mounts         made after the standard mounts, in this order (the container's volumes and tmpfs,
 *                       its secrets' files, then the cell's /etc/hosts, …)
 * @param security       privileges, capabilities, seccomp, devices and host pid/cgroup namespaces
 * @param userOwnedFiles host files that become the container process's uid/gid's (its staged secrets, and
 *                       the directories of the volumes it mounts: that directory, not what it holds)
 * @param nestedCgroupRuntime its cell's: the container's cgroup tree is mounted writable, for a cgroup manager
 *                       of its own (a nested runtime, systemd)
 * @param terminal       its process runs on a terminal with an open stdin (an attachable container)
 */
public record ContainerRequest(String namespace, String containerdId, Map<String, String> labels, String image,
                               String command, List<String> args, List<String> env, String workingDir, String user,
                               String hostname, CgroupPath cgroupsPath, Resources resources,
                               Map<String, String> joinNamespaces, String shimGroup, boolean hostNetwork,
                               List<OciMount> mounts, ContainerSecurity security, List<Path> userOwnedFiles,
                               boolean nestedCgroupRuntime, boolean terminal) {
    public ContainerRequest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        joinNamespaces = joinNamespaces == null ? Map.of() : Map.copyOf(joinNamespaces);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        userOwnedFiles = userOwnedFiles == null ? List.of() : List.copyOf(userOwnedFiles);
        resources = Resources.orNone(resources);
        security = security == null ? ContainerSecurity.NONE : security;
    }

    /** The env's keys only: the values may be secrets. */
    @Override
    public String toString() {
        return "ContainerRequest[namespace=" + namespace + ", containerdId=" + containerdId + ", image=" + image
                + ", env keys=" + env.stream().map(e -> e.indexOf('=') < 0 ? e : e.substring(0, e.indexOf('='))).toList()
                + ", mounts=" + mounts + "]";
    }

    /** A container without a terminal. */
    public ContainerRequest(String namespace, String containerdId, Map<String, String> labels, String image,
                            String command, List<String> args, List<String> env, String workingDir, String user,
                            String hostname, CgroupPath cgroupsPath, Resources resources,
                            Map<String, String> joinNamespaces, String shimGroup, boolean hostNetwork,
                            List<OciMount> mounts, ContainerSecurity security, List<Path> userOwnedFiles,
                            boolean nestedCgroupRuntime) {
        this(namespace, containerdId, labels, image, command, args, env, workingDir, user, hostname, cgroupsPath,
                resources, joinNamespaces, shimGroup, hostNetwork, mounts, security, userOwnedFiles, nestedCgroupRuntime, false);
    }

    /** A container that runs no cgroup manager of its own. */
    public ContainerRequest(String namespace, String containerdId, Map<String, String> labels, String image,
                            String command, List<String> args, List<String> env, String workingDir, String user,
                            String hostname, CgroupPath cgroupsPath, Resources resources,
                            Map<String, String> joinNamespaces, String shimGroup, boolean hostNetwork,
                            List<OciMount> mounts, ContainerSecurity security, List<Path> userOwnedFiles) {
        this(namespace, containerdId, labels, image, command, args, env, workingDir, user, hostname, cgroupsPath,
                resources, joinNamespaces, shimGroup, hostNetwork, mounts, security, userOwnedFiles, false);
    }

    /** A container with the default confinement that owns no host file. */
    public ContainerRequest(String namespace, String containerdId, Map<String, String> labels, String image,
                            String command, List<String> args, List<String> env, String workingDir, String user,
                            String hostname, CgroupPath cgroupsPath, Resources resources,
                            Map<String, String> joinNamespaces, String shimGroup, boolean hostNetwork,
                            List<OciMount> mounts) {
        this(namespace, containerdId, labels, image, command, args, env, workingDir, user, hostname, cgroupsPath,
                resources, joinNamespaces, shimGroup, hostNetwork, mounts, ContainerSecurity.NONE, List.of());
    }

    /** A container with a network namespace of its own, or the one {@code joinNamespaces} names, and no extra mounts. */
    public ContainerRequest(String namespace, String containerdId, Map<String, String> labels, String image,
                            String command, List<String> args, List<String> env, String workingDir, String user,
                            String hostname, CgroupPath cgroupsPath, Resources resources,
                            Map<String, String> joinNamespaces, String shimGroup) {
        this(namespace, containerdId, labels, image, command, args, env, workingDir, user, hostname, cgroupsPath,
                resources, joinNamespaces, shimGroup, false, List.of());
    }
}
