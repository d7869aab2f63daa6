package io.kukeon.model;

import java.time.Instant;

/** A CellBlueprint or CellConfig as its scope holds it (exactly one of the two), and when it was put. */
public record StoredTemplate(CellBlueprint blueprint, CellConfig config, Instant createdAt, Instant updatedAt) {

    public TemplateKind kind() {
        return blueprint != null ? TemplateKind.BLUEPRINT : TemplateKind.CONFIG;
    }

    /** Whether {@code other} holds the same template (times aside). */
    public boolean sameAs(StoredTemplate other) {
        return other != null && java.util.Objects.equals(blueprint, other.blueprint)
                && java.util.Objects.equals(config, other.config);
    }
}
