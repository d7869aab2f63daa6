package io.kukeon.model;

import java.nio.charset.StandardCharsets;

/**
 * The value of a stored Secret (kind {@code Secret}): text, at most {@link #MAX_BYTES} bytes of
 * UTF-8. It is sealed wherever it rests (the journal) and never printed: {@link #toString()} says
 * its size only.
 */
public record SecretData(String value) {
    /** One value: enough for a key or a certificate chain, the same bound as a container's own secrets. */
    public static final int MAX_BYTES = ContainerSecret.MAX_VALUE_BYTES;
    /** What a document shows instead of the value; applied back, it keeps the stored value. */
    public static final String REDACTED = RegistryCredential.REDACTED;

    public SecretData {
        if (value == null) {
            throw new IllegalArgumentException("a secret's value is required");
        }
    }

    /** The value given in the request field {@code field}; too large is an error naming the field, never the value. */
    public static SecretData of(String field, String value) {
        if (value == null) {
            throw new InvalidArgumentException(field, "is required");
        }
        SecretData data = new SecretData(value);
        if (data.size() > MAX_BYTES) {
            throw new InvalidArgumentException(field, "is " + data.size() + " bytes; at most " + MAX_BYTES);
        }
        return data;
    }

    /** Bytes of the value as UTF-8. */
    public int size() {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return "SecretData[<redacted>, " + size() + " bytes]";
    }
}
