package io.kukeon.runtime.oci;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The OCI chain IDs of a layer stack: the first is the bottom layer's diff ID, each next one is
 * {@code sha256(previous + " " + diffId)}. Committed layer snapshots are named by them.
 */
public final class ChainIds {
    private ChainIds() {}

    public static List<String> of(List<String> diffIds) {
        List<String> out = new ArrayList<>(diffIds.size());
        String chain = null;
        for (String diffId : diffIds) {
            chain = chain == null ? diffId : sha256(chain + " " + diffId);
            out.add(chain);
        }
        return out;
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
