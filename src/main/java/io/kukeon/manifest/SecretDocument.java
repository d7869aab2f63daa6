package io.kukeon.manifest;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.SecretData;

/**
 * A {@code kind: Secret} document: a value held by a scope (realm, space, stack or cell), not a
 * node of the tree.
 *
 * @param scope where the secret is held ({@code metadata.realm}, {@code space}, {@code stack}, {@code cell})
 * @param data  {@code spec.data}; null when it reads {@link SecretData#REDACTED} (keep the stored value)
 */
public record SecretDocument(ObjectPath scope, String name, SecretData data) {
    public static final String KIND = "Secret";

    /** What an apply reports as the document's path. */
    public String path() {
        return scope + "/secret/" + name;
    }
}
