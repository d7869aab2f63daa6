package io.kukeon.model;

/**
 * @param resources     limits of the space's cgroup
 * @param egress        what its cells may reach outside the space ({@code spec.network.egress});
 *                      {@link EgressPolicy#ALLOW_ALL} when the manifest gives none
 * @param cniConfigPath the user's CNI conflist the space's network is made from instead of kukeond's own (an
 *                      absolute path), or null; it cannot change once the space exists
 * @param containerDefaults {@code spec.defaults.container}: what the containers of its cells take when they leave a field empty
 */
public record SpaceSpec(Resources resources, EgressPolicy egress, String cniConfigPath, ContainerDefaults containerDefaults) {
    public static final String CNI_CONFIG_PATH_FIELD = "spec.cniConfigPath";
    public static final int MAX_CNI_CONFIG_PATH = 4096;
    public static final SpaceSpec DEFAULT = new SpaceSpec(Resources.NONE);

    public SpaceSpec {
        resources = Resources.orNone(resources);
        egress = egress == null ? EgressPolicy.ALLOW_ALL : egress;
        cniConfigPath = cniConfigPath == null || cniConfigPath.isEmpty() ? null : cniConfigPath;
        containerDefaults = ContainerDefaults.orNone(containerDefaults);
    }

    /** A space without container defaults. */
    public SpaceSpec(Resources resources, EgressPolicy egress, String cniConfigPath) {
        this(resources, egress, cniConfigPath, ContainerDefaults.NONE);
    }

    /** A space on kukeond's own network that allows all egress. */
    public SpaceSpec(Resources resources) {
        this(resources, EgressPolicy.ALLOW_ALL, null);
    }

    public void validate() {
        resources.validate("spec.resources");
        containerDefaults.validate();
        if (cniConfigPath != null) {
            checkCniConfigPath(cniConfigPath);
        }
    }

    /**
     * The form of a {@code spec.cniConfigPath} (the file itself is read by the network layer).
     *
     * @throws InvalidArgumentException when it is not an absolute, normalized path of at most {@value #MAX_CNI_CONFIG_PATH} characters
     */
    public static void checkCniConfigPath(String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidArgumentException(CNI_CONFIG_PATH_FIELD, "is empty; give the absolute path of a CNI conflist");
        }
        if (path.length() > MAX_CNI_CONFIG_PATH || path.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(CNI_CONFIG_PATH_FIELD, "is not a path (at most " + MAX_CNI_CONFIG_PATH
                    + " characters, no NUL)");
        }
        java.nio.file.Path p = java.nio.file.Path.of(path);
        if (!p.isAbsolute() || !p.normalize().toString().equals(path)) {
            throw new InvalidArgumentException(CNI_CONFIG_PATH_FIELD, "\"" + Names.printable(path) + "\" must be an absolute path"
                    + " without \".\", \"..\", \"//\" or a trailing \"/\" (kukeond reads it, whatever its own directory)");
        }
    }
}
