package io.kukeon.runtime.containerd;

import io.kukeon.model.RegistryCredential;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.types.Descriptor;
import io.kukeon.runtime.oci.MediaTypes;
import io.kukeon.runtime.oci.OciDescriptor;
import io.kukeon.runtime.oci.OciIndex;
import io.kukeon.runtime.oci.OciManifest;
import io.kukeon.runtime.registry.ImageReference;
import io.kukeon.runtime.registry.RegistryClient;
import io.kukeon.runtime.registry.RegistryCredentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls an image from its registry into a namespace: manifest (through an index to this host's
 * platform), config and layers into the content store under a lease, then the layers unpacked
 * and the image record created.
 */
final class ImagePuller {
    private final HttpClient http;
    private final ContainerdConfig config;
    private final Content content;
    private final Images images;
    private final Leases leases;
    private final ImageUnpacker unpacker;

    ImagePuller(HttpClient http, ContainerdConfig config, Content content, Images images, Leases leases, ImageUnpacker unpacker) {
        this.http = http;
        this.config = config;
        this.content = content;
        this.images = images;
        this.leases = leases;
        this.unpacker = unpacker;
    }

    ResolvedImage pull(String namespace, ImageReference ref, List<RegistryCredential> credentials, PullProgress progress) {
        RegistryClient registry = new RegistryClient(http, ref, RegistryCredentials.choose(credentials, ref.domain()),
                config.registryStallTimeout(), config.isInsecure(ref.domain()));
        RegistryClient.Manifest root = registry.manifest(ref.manifestReference());
        RegistryClient.Manifest platform = root;
        OciIndex index = null;
        if (MediaTypes.isIndex(root.mediaType())) {
            index = OciIndex.parse(root.body(), "index of " + ref);
            OciDescriptor chosen = index.forPlatform("linux", OciIndex.hostArchitecture(), "image " + ref);
            platform = registry.manifest(chosen.digest());
        } else if (!MediaTypes.isManifest(root.mediaType())) {
            throw new RuntimeFailure("InvalidImage", "registry " + ref.domain() + " sent " + root.mediaType()
                    + " for " + ref + ", not an image manifest");
        }
        OciManifest manifest = OciManifest.parse(platform.body(), "manifest of " + ref);
        long total = root.body().length + (platform == root ? 0 : platform.body().length) + manifest.contentSize();
        AtomicLong done = new AtomicLong();
        progress.bytes(0, total);

        try (Leases.Held lease = leases.acquire(namespace, "pull", Duration.ofHours(1))) {
            fetch(namespace, lease.id(), registry, manifest.config(), done, total, progress);
            for (OciDescriptor layer : manifest.layers()) {
                fetch(namespace, lease.id(), registry, layer, done, total, progress);
            }
            store(namespace, lease.id(), platform, GcLabels.ofManifest(manifest));
            if (index != null) {
                store(namespace, lease.id(), root, GcLabels.ofIndex(index));
            }
            progress.bytes(total, total);
            Descriptor target = Descriptor.newBuilder().setMediaType(root.mediaType()).setDigest(root.digest())
                    .setSize(root.body().length).build();
            ResolvedImage image = ResolvedImage.read(content, namespace, ref.toString(), target);
            unpacker.unpack(namespace, lease.id(), config.snapshotter(), image);
            images.put(namespace, lease.id(), ref.toString(), target);
            return image;
        }
    }

    private void store(String namespace, String lease, RegistryClient.Manifest m, Map<String, String> labels) {
        content.write(namespace, lease, m.digest(), m.body().length, new ByteArrayInputStream(m.body()), labels, n -> { });
    }

    private void fetch(String namespace, String lease, RegistryClient registry, OciDescriptor blob, AtomicLong done,
                       long total, PullProgress progress) {
        long before = done.get();
        if (content.exists(namespace, blob.digest())) {
            progress.bytes(done.addAndGet(blob.size()), total);
            return;
        }
        InputStream in = registry.blob(blob.digest());
        try {
            content.write(namespace, lease, blob.digest(), blob.size(), in, Map.of(),
                    n -> progress.bytes(before + n, total));
        } finally {
            closeQuietly(in);
        }
        done.set(before + blob.size());
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the download is over either way
        }
    }
}
