package io.kukeon.fleet;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The fleet's shared secret: a file only root reads, the same on every node; only its digest leaves the host. */
public final class ClusterSecret {
    static final String KEY = "cluster.secret-file";
    static final int MIN_LENGTH = 16;
    private static final long MAX_BYTES = 4096;

    private ClusterSecret() {}

    /**
     * What the members derive from the secret: the digest compared when a node asks to join (it
     * crosses the network), and the key that seals the calls one member routes to another (it never
     * does). Empty for a kukeond alone.
     */
    public record Keys(String joinDigest, String callKey) {
        public static final Keys NONE = new Keys("", "");
    }

    /** The keys of the secret in {@code file}; the file's rules are checked first. */
    public static Keys of(Path file) {
        String secret = read(file);
        return new Keys(hash("kukeon cluster secret\0", secret), hash("kukeon node calls\0", secret));
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidArgumentException(KEY, "no such file: " + file);
        }
        String secret;
        try {
            PrivateFiles.requireOwnerOnly(KEY, file);
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidArgumentException(KEY, file + " must hold at most " + MAX_BYTES + " bytes");
            }
            secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InvalidArgumentException(KEY, "cannot read " + file + ": " + e.getMessage());
        }
        if (secret.length() < MIN_LENGTH) {
            throw new InvalidArgumentException(KEY, file + " must hold at least " + MIN_LENGTH
                    + " characters, e.g. from: head -c 32 /dev/urandom | base64");
        }
        return secret;
    }

    private static String hash(String purpose, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
