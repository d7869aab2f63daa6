package io.kukeon.api;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerDefaults;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;

/**
 * A cell or container as it will be stored: each container given its space's
 * {@code spec.defaults.container} in the fields it leaves empty (kukeond's own pause root aside, as
 * it is when it is synthesized). Done where a create or apply
 * enters, before validation and the diff, so that the tree stores, compares and runs one spec.
 */
final class InheritedDefaults {
    private InheritedDefaults() {}

    static TreeObject applied(TreeObject desired, ObjectIndex index) {
        if (!(desired instanceof TreeObject.Cell) && !(desired instanceof TreeObject.Container)) {
            return desired;
        }
        ObjectPath space = ObjectPath.of(desired.path().nameAt(Kind.REALM), desired.path().nameAt(Kind.SPACE));
        ContainerDefaults defaults = index.get(space).orElse(null) instanceof TreeObject.Space s
                ? s.spec().containerDefaults() : ContainerDefaults.NONE;
        if (defaults.isEmpty()) {
            return desired;
        }
        if (desired instanceof TreeObject.Cell c) {
            CellSpec spec = c.spec();
            return new TreeObject.Cell(c.path(), c.metadata(), new CellSpec(spec.containers().stream()
                    .map(container -> CellSpec.isPauseRoot(container) ? container : container.inheriting(defaults)).toList(), spec.rootContainerId(), spec.autoDelete(),
                    spec.resources(), spec.provenance()), c.status());
        }
        TreeObject.Container c = (TreeObject.Container) desired;
        return new TreeObject.Container(c.path(), c.metadata(), c.spec().inheriting(defaults), c.status());
    }
}
