package io.kukeon.model;

/** @param resources limits of the stack's cgroup */
public record StackSpec(Resources resources) {
    public static final StackSpec DEFAULT = new StackSpec(Resources.NONE);

    public StackSpec {
        resources = Resources.orNone(resources);
    }

    public void validate() {
        resources.validate("spec.resources");
    }
}
