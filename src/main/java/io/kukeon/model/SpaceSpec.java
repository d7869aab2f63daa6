package io.kukeon.model;

/**
 * @param resources     limits of the space's cgroup
 * @param cniConfigPath the user's CNI conflist the space's network is made from instead of kukeond's own (an
 *                      absolute path), or null; it cannot change once the space exists
 */
public record SpaceSpec(Resources resources, String cniConfigPath) {
    public static final SpaceSpec DEFAULT = new SpaceSpec(Resources.NONE);

    public SpaceSpec {
        resources = Resources.orNone(resources);
        cniConfigPath = cniConfigPath == null || cniConfigPath.isEmpty() ? null : cniConfigPath;
    }

    /** A space on kukeond's own network. */
    public SpaceSpec(Resources resources) {
        this(resources, null);
    }

    public void validate() {
        resources.validate("spec.resources");
        if (cniConfigPath != null) {
            io.kukeon.network.UserNetwork.path(cniConfigPath);
        }
    }
}
