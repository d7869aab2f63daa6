package io.kukeon.manifest;

/** A field of one document breaks a rule; caught per document and turned into a {@link ManifestError}. */
final class FieldProblem extends RuntimeException {
    private final transient ManifestError error;

    FieldProblem(ManifestError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    ManifestError error() {
        return error;
    }
}
