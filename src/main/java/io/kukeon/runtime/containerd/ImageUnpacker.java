package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.diff.ApplyRequest;
import io.kukeon.runtime.containerd.api.diff.DiffGrpc;
import io.kukeon.runtime.containerd.api.types.Mount;
import io.kukeon.runtime.oci.OciDescriptor;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Unpacks an image's layers into committed snapshots named by chain ID, layer by layer:
 * prepare on the parent, apply the layer with the Diff service, commit. Layers already unpacked
 * (by another image or an earlier run) are skipped.
 */
final class ImageUnpacker {
    private final ContainerdConnection conn;
    private final Content content;
    private final Snapshots snapshots;

    ImageUnpacker(ContainerdConnection conn, Content content, Snapshots snapshots) {
        this.conn = conn;
        this.content = content;
        this.snapshots = snapshots;
    }

    boolean isUnpacked(String namespace, String snapshotter, ResolvedImage image) {
        String top = image.topChainId();
        return top.isEmpty() || snapshots.stat(namespace, snapshotter, top) != null;
    }

    void unpack(String namespace, String lease, String snapshotter, ResolvedImage image) {
        List<String> chain = image.chainIds();
        List<OciDescriptor> layers = image.manifest().layers();
        for (int i = 0; i < layers.size(); i++) {
            if (snapshots.stat(namespace, snapshotter, chain.get(i)) == null) {
                applyLayer(namespace, lease, snapshotter, layers.get(i), image.config().diffIds().get(i),
                        i == 0 ? "" : chain.get(i - 1), chain.get(i));
            }
            content.addLabels(namespace, layers.get(i).digest(), Map.of("containerd.io/uncompressed", image.config().diffIds().get(i)));
        }
        if (!chain.isEmpty()) {
            // keeps the unpacked snapshots alive for as long as the image's config is
            content.addLabels(namespace, image.manifest().config().digest(),
                    Map.of("containerd.io/gc.ref.snapshot." + snapshotter, image.topChainId()));
        }
    }

    private void applyLayer(String namespace, String lease, String snapshotter, OciDescriptor layer, String diffId,
                            String parent, String chainId) {
        String key = "kukeon-extract-" + UUID.randomUUID() + " " + chainId;
        List<Mount> mounts = snapshots.prepare(namespace, lease, snapshotter, key, parent);
        boolean committed = false;
        try {
            String applied = conn.call("apply layer " + layer.digest(), () -> conn.stub(DiffGrpc::newBlockingStub, namespace,
                    lease, conn.config().pullTimeout()).apply(ApplyRequest.newBuilder().setDiff(Descriptors.toProto(layer))
                    .addAllMounts(mounts).build()).getApplied().getDigest());
            if (!applied.equals(diffId)) {
                throw new RuntimeFailure("InvalidImage", "layer " + layer.digest() + " unpacks to " + applied
                        + " but the image config says " + diffId);
            }
            try {
                snapshots.commit(namespace, lease, snapshotter, chainId, key);
                committed = true;
            } catch (RuntimeFailure e) {
                // someone else unpacked the same layer meanwhile: theirs is as good as ours
                if (!(e.getCause() instanceof StatusRuntimeException s && ContainerdFailures.isAlreadyExists(s))) {
                    throw e;
                }
            }
        } finally {
            if (!committed) {
                removeQuietly(namespace, snapshotter, key);
            }
        }
    }

    /** Cleanup after a failure must not hide that failure. */
    private void removeQuietly(String namespace, String snapshotter, String key) {
        try {
            snapshots.remove(namespace, snapshotter, key);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ImageUnpacker.class).warn("could not remove snapshot {}: {}", key, e.getMessage());
        }
    }
}
