package io.kukeon.secrets;

import io.kukeon.model.SecretRef;

import java.util.Optional;

/** Where a container's {@code secretRef} finds its value: the stored Secret's, or empty when no scope holds it. */
@FunctionalInterface
public interface SecretLookup {
    /** For containers without a {@code secretRef}. */
    SecretLookup NONE = ref -> Optional.empty();

    Optional<String> value(SecretRef ref);
}
