package io.kukeon.model;

import java.time.Instant;

/** A Secret as its scope holds it: the value, and when it was first put and last changed. */
public record StoredSecret(SecretData data, Instant createdAt, Instant updatedAt) {

    public int size() {
        return data.size();
    }

    /** This secret with a new value put at {@code at}. */
    public StoredSecret updated(SecretData newData, Instant at) {
        return new StoredSecret(newData, createdAt, at);
    }
}
