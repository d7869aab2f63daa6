package io.kukeon.manifest;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TemplateKind;

/**
 * A {@code kind: CellBlueprint} or {@code kind: CellConfig} document: a template held by a realm,
 * space or stack, not a node of the tree. Exactly one of blueprint and config is set, as the kind says.
 */
public record TemplateDocument(TemplateKind kind, ObjectPath scope, String name, CellBlueprint blueprint,
                               CellConfig config) {

    /** What an apply reports as the document's path: {@code realm/space/cellblueprint/name}. */
    public String path() {
        return scope + "/" + kind.label() + "/" + name;
    }
}
