package io.kukeon.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Deterministic external identifiers, computed from names and the daemon's configuration, so that
 * a restarted daemon finds its objects again without any table beside the journal.
 *
 * @param cgroupRoot      the group that holds every cgroup we own, below the hierarchy's mountpoint: one name
 *                        (default {@code kukeon}) or a path such as {@code system.slice/kukeond.service/kukeon}
 *                        (the subtree systemd delegates to its service); a leading {@code /} is dropped
 * @param namespaceSuffix appended to a realm's name to form its containerd namespace
 */
public record HostIds(String cgroupRoot, String namespaceSuffix) {
    public static final String DEFAULT_CGROUP_ROOT = "kukeon";
    public static final String DEFAULT_NAMESPACE_SUFFIX = "kukeon.io";
    /** containerd's rule for container IDs and namespaces (its identifiers package): at most 76 characters. */
    public static final int CONTAINERD_ID_MAX = 76;
    public static final Pattern CONTAINERD_ID = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");

    /** One segment of the root: what systemd's unit and slice names and our own default look like. */
    private static final Pattern ROOT_SEGMENT = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");

    public HostIds {
        String root = cgroupRoot != null && cgroupRoot.startsWith("/") ? cgroupRoot.substring(1) : cgroupRoot;
        if (!isRootPath(root)) {
            throw new InvalidArgumentException("cgroupRoot",
                    "\"" + Names.printable(String.valueOf(cgroupRoot)) + "\" must be a cgroup name or a path of names"
                            + " below the mountpoint (not \"/\"; each name of a-z, 0-9, '-', '_', '.')");
        }
        cgroupRoot = root;
        if (namespaceSuffix == null || !namespaceSuffix.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
                || namespaceSuffix.contains("..")) {
            throw new InvalidArgumentException("namespaceSuffix",
                    "\"" + Names.printable(String.valueOf(namespaceSuffix)) + "\" must be a dotted DNS name");
        }
    }

    /** Whether {@code root} (without a leading {@code /}) is a usable cgroup root: names joined by {@code /}. */
    public static boolean isRootPath(String root) {
        if (root == null || root.isEmpty()) {
            return false;
        }
        for (String segment : root.split("/", -1)) {
            if (!ROOT_SEGMENT.matcher(segment).matches() || segment.contains("..")) {
                return false;
            }
        }
        return true;
    }

    public static HostIds defaults() {
        return new HostIds(DEFAULT_CGROUP_ROOT, DEFAULT_NAMESPACE_SUFFIX);
    }

    /** {@code <realm>.<suffix>}: the realm's containerd namespace unless its spec overrides it. */
    public String namespace(String realm) {
        return Names.require("realm", realm) + "." + namespaceSuffix;
    }

    /** {@code <space>_<stack>_<cell>_<container>}: unique inside the realm's namespace. */
    public String containerdId(ObjectPath container) {
        if (container.kind() != Kind.CONTAINER) {
            throw new IllegalArgumentException("not a container path: " + container);
        }
        return String.join("_", container.segments().subList(1, 5));
    }

    /** The container path of a containerd ID in a realm, or null when the ID is not one of ours. */
    public ObjectPath containerPath(String realm, String containerdId) {
        String[] parts = containerdId.split("_", -1);
        if (parts.length != 4) {
            return null;
        }
        for (String p : parts) {
            if (!Names.isValid(p)) {
                return null;
            }
        }
        return ObjectPath.of(realm, parts[0], parts[1], parts[2], parts[3]);
    }

    /**
     * The cgroup of an object: {@code /<root>/<realm>/<space>/<stack>/<cell>}, and for a container
     * {@code /<root>/.../<cell>/<containerd-id>}.
     */
    public CgroupPath cgroup(ObjectPath path) {
        List<String> segments = new ArrayList<>(cgroupRootPath().segments());
        if (path.kind() == Kind.CONTAINER) {
            segments.addAll(path.segments().subList(0, 4));
            segments.add(containerdId(path));
        } else {
            segments.addAll(path.segments());
        }
        return new CgroupPath(segments);
    }

    /** {@code <logDir>/<realm>/<space>/<stack>/<cell>/<container>}: the directory of a container's log files. */
    public Path logDir(Path logDir, ObjectPath container) {
        if (container.kind() != Kind.CONTAINER) {
            throw new IllegalArgumentException("not a container path: " + container);
        }
        Path dir = logDir;
        for (String segment : container.segments().subList(0, 4)) {
            dir = dir.resolve(segment);
        }
        return dir.resolve(container.name());
    }

    /**
     * Refuses a container whose containerd ID would break containerd's identifier rule: the four
     * names joined must fit its 76 characters ({@code field} names what to shorten).
     */
    public void checkContainerdId(ObjectPath container, String field) {
        String id = containerdId(container);
        if (id.length() > CONTAINERD_ID_MAX) {
            throw new InvalidArgumentException(field, "the containerd ID \"" + id + "\" would be " + id.length()
                    + " characters; space, stack, cell and container names together (plus 3) must fit containerd's "
                    + CONTAINERD_ID_MAX);
        }
    }

    /**
     * Refuses a realm whose containerd namespace breaks containerd's identifier rule, or is one
     * that other containerd clients use as theirs.
     */
    public void checkNamespace(String namespace, String field) {
        if (namespace.length() > CONTAINERD_ID_MAX || !CONTAINERD_ID.matcher(namespace).matches()) {
            throw new InvalidArgumentException(field, "the containerd namespace \"" + Names.printable(namespace)
                    + "\" must be at most " + CONTAINERD_ID_MAX + " characters of letters, digits and single '.', '_' or '-'");
        }
        if (OTHER_CLIENTS_NAMESPACES.contains(namespace)) {
            throw new InvalidArgumentException(field, "the containerd namespace \"" + namespace + "\" belongs to other"
                    + " containerd clients (" + String.join(", ", OTHER_CLIENTS_NAMESPACES) + " are ctr/nerdctl's,"
                    + " Docker's, Kubernetes' and BuildKit's); a realm needs a namespace of its own");
        }
    }

    /** The namespaces of ctr and nerdctl, Docker, Kubernetes (CRI) and BuildKit. */
    private static final List<String> OTHER_CLIENTS_NAMESPACES = List.of("default", "moby", "k8s.io", "buildkit");

    /** The group that holds everything we create. */
    public CgroupPath cgroupRootPath() {
        return CgroupPath.parse(cgroupRoot);
    }

    /** The same namespaces, under another cgroup root. */
    public HostIds withCgroupRoot(String root) {
        return new HostIds(root, namespaceSuffix);
    }
}
