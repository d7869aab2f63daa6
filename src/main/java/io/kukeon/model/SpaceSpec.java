package io.kukeon.model;

/**
 * @param resources limits of the space's cgroup
 * @param egress    what its cells may reach outside the space ({@code spec.network.egress});
 *                  {@link EgressPolicy#ALLOW_ALL} when the manifest gives none
 */
public record SpaceSpec(Resources resources, EgressPolicy egress) {
    public static final SpaceSpec DEFAULT = new SpaceSpec(Resources.NONE, EgressPolicy.ALLOW_ALL);

    public SpaceSpec {
        resources = Resources.orNone(resources);
        egress = egress == null ? EgressPolicy.ALLOW_ALL : egress;
    }

    public SpaceSpec(Resources resources) {
        this(resources, EgressPolicy.ALLOW_ALL);
    }

    public void validate() {
        resources.validate("spec.resources");
    }
}
