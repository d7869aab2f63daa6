package io.kukeon.runtime.containerd;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.archive.OciLayoutArchive;
import io.kukeon.runtime.oci.MediaTypes;
import io.kukeon.runtime.oci.OciDescriptor;
import io.kukeon.runtime.oci.OciIndex;
import io.kukeon.runtime.registry.ImageReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Imports a tar of an OCI image layout: every blob into the content store, then for each named
 * manifest of {@code index.json} an image record and its unpacked layers.
 */
final class OciArchiveLoader {
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    static final String OCI_REF_NAME = "org.opencontainers.image.ref.name";

    private final Content content;
    private final Images images;
    private final Leases leases;
    private final ImageUnpacker unpacker;
    private final String snapshotter;

    OciArchiveLoader(Content content, Images images, Leases leases, ImageUnpacker unpacker, String snapshotter) {
        this.content = content;
        this.images = images;
        this.leases = leases;
        this.unpacker = unpacker;
        this.snapshotter = snapshotter;
    }

    List<ImageInfo> load(String namespace, Path archive) {
        if (!Files.isRegularFile(archive)) {
            throw new InvalidArgumentException("archive", archive + " is not a file");
        }
        try (Leases.Held lease = leases.acquire(namespace, "load", Duration.ofHours(1))) {
            byte[] indexJson = storeBlobs(namespace, lease.id(), archive);
            OciIndex index = OciIndex.parse(indexJson, "index.json of " + archive);
            List<ImageInfo> loaded = new ArrayList<>();
            for (OciDescriptor d : index.manifests()) {
                String name = imageName(d);
                if (name != null) {
                    loaded.add(register(namespace, lease.id(), name, d));
                }
            }
            if (loaded.isEmpty()) {
                throw new RuntimeFailure("InvalidImage", archive + " names no image: no manifest in index.json carries "
                        + CONTAINERD_NAME + " or a full reference in " + OCI_REF_NAME);
            }
            return loaded;
        }
    }

    /** Writes every blob of the layout; returns index.json. */
    private byte[] storeBlobs(String namespace, String lease, Path archive) {
        return OciLayoutArchive.read(archive,
                (digest, size, body) -> content.write(namespace, lease, digest, size, body, Map.of(), n -> { }));
    }

    private ImageInfo register(String namespace, String lease, String name, OciDescriptor root) {
        if (MediaTypes.isIndex(root.mediaType())) {
            content.addLabels(namespace, root.digest(),
                    GcLabels.ofIndex(OciIndex.parse(content.readAll(namespace, root.digest()), "index of " + name)));
        }
        ResolvedImage image = ResolvedImage.read(content, namespace, name, Descriptors.toProto(root));
        content.addLabels(namespace, image.manifestDigest(), GcLabels.ofManifest(image.manifest()));
        unpacker.unpack(namespace, lease, snapshotter, image);
        images.put(namespace, lease, name, Descriptors.toProto(root));
        return new ImageInfo(name, root.digest(), image.size());
    }

    /** containerd's own annotation first; else the OCI ref name when it is a whole reference, not a bare tag. */
    static String imageName(OciDescriptor d) {
        String name = d.annotations().get(CONTAINERD_NAME);
        if (name == null || name.isEmpty()) {
            String ref = d.annotations().get(OCI_REF_NAME);
            if (ref == null || !(ref.contains("/") || ref.contains(":") || ref.contains("@"))) {
                return null;
            }
            name = ref;
        }
        return ImageReference.normalize(name);
    }
}
