package io.kukeon.secrets;

import java.util.Arrays;

/**
 * A secret as it rests on disk: AES-256-GCM ciphertext (with its tag) under a nonce of its own,
 * and the id of the key that sealed it, so that a wrong key is named rather than guessed at.
 * Only a {@link Sealer} with that key opens it.
 */
public record SealedValue(String keyId, byte[] nonce, byte[] ciphertext) {

    public SealedValue {
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedValue s && keyId.equals(s.keyId) && Arrays.equals(nonce, s.nonce)
                && Arrays.equals(ciphertext, s.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * keyId.hashCode() + Arrays.hashCode(nonce)) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "SealedValue[key " + keyId + ", " + ciphertext.length + " bytes]";
    }
}
