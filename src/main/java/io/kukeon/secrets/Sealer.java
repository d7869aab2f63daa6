package io.kukeon.secrets;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Seals secrets for the disk and opens them again, with one 256-bit key (see {@link KeyFile}):
 * AES-GCM from the JDK, a random 96-bit nonce for every value, the key's id bound into the tag.
 * Thread-safe.
 */
public final class Sealer {
    public static final int KEY_BYTES = 32;
    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public Sealer(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a sealing key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = idOf(key);
    }

    /** A short public name of the key (not derivable back to it), stored with each value it seals. */
    public String keyId() {
        return keyId;
    }

    public SealedValue seal(String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            return new SealedValue(keyId, nonce, cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot seal with " + CIPHER + ": " + e.getMessage(), e);
        }
    }

    /** The secret; fails with a {@link SealingException} naming both keys if another key sealed it. */
    public String open(SealedValue sealed) {
        if (!sealed.keyId().equals(keyId)) {
            throw new SealingException("a secret in the journal was sealed with key " + sealed.keyId()
                    + ", but the key file holds key " + keyId);
        }
        try {
            byte[] clear = cipher(Cipher.DECRYPT_MODE, sealed.nonce()).doFinal(sealed.ciphertext());
            return new String(clear, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SealingException("a secret sealed with key " + keyId + " does not open with it: it was altered");
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(CIPHER);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static String idOf(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("kukeon sealing key id\n".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
