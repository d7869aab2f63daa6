package io.kukeon.model;

/** @param resources limits of the space's cgroup */
public record SpaceSpec(Resources resources) {
    public static final SpaceSpec DEFAULT = new SpaceSpec(Resources.NONE);

    public SpaceSpec {
        resources = Resources.orNone(resources);
    }

    public void validate() {
        resources.validate("spec.resources");
    }
}
