package io.kukeon.testing;

import com.google.protobuf.ByteString;
import io.kukeon.wire.v1.ApplyRequest;

import java.util.Random;

/** Manifests of many objects that each hold some KiB (32 long labels): for filling a disk or a heap. */
public final class BulkManifests {
    private BulkManifests() {}

    /** {@code count} spaces of {@code realm} named {@code s<batch>-<i>}, their labels seeded by the batch. */
    public static ApplyRequest spaces(String realm, int batch, int count) {
        return apply("Space", "s", "  realmId: " + realm + "\n", batch, count);
    }

    /** {@code count} stacks of {@code realm/space} named {@code t<batch>-<i>} (no network each, unlike spaces). */
    public static ApplyRequest stacks(String realm, String space, int batch, int count) {
        return apply("Stack", "t", "  realmId: " + realm + "\n  spaceId: " + space + "\n", batch, count);
    }

    private static ApplyRequest apply(String kind, String prefix, String spec, int batch, int count) {
        Random random = new Random(batch);
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < count; i++) {
            yaml.append("apiVersion: v1beta1\nkind: ").append(kind).append("\nmetadata:\n  name: ").append(prefix)
                    .append(batch).append('-').append(i).append("\n  labels:\n");
            for (int l = 0; l < 32; l++) {
                yaml.append("    k").append(l).append('-').append(letters(random, 200)).append(": ")
                        .append(letters(random, 63)).append('\n');
            }
            yaml.append("spec:\n").append(spec).append("---\n");
        }
        return ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml.toString())).build();
    }

    private static String letters(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
