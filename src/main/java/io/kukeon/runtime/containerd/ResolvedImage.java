package io.kukeon.runtime.containerd;

import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.types.Descriptor;
import io.kukeon.runtime.oci.ChainIds;
import io.kukeon.runtime.oci.ImageConfig;
import io.kukeon.runtime.oci.MediaTypes;
import io.kukeon.runtime.oci.OciDescriptor;
import io.kukeon.runtime.oci.OciIndex;
import io.kukeon.runtime.oci.OciManifest;

import java.util.List;

/**
 * An image followed from its record down to this host's manifest and config, as stored in the
 * content store.
 *
 * @param manifestDigest the platform manifest (not the index)
 */
record ResolvedImage(String name, String manifestDigest, long manifestSize, OciManifest manifest, ImageConfig config) {

    /** Reads index (when the target is one), manifest and config from the namespace's content store. */
    static ResolvedImage read(Content content, String namespace, String name, Descriptor target) {
        OciDescriptor manifestRef = new OciDescriptor(target.getMediaType(), target.getDigest(), target.getSize(),
                target.getAnnotationsMap(), null, null);
        if (MediaTypes.isIndex(target.getMediaType())) {
            OciIndex index = OciIndex.parse(content.readAll(namespace, target.getDigest()), "index of " + name);
            manifestRef = index.forPlatform("linux", OciIndex.hostArchitecture(), "image " + name);
        } else if (!MediaTypes.isManifest(target.getMediaType())) {
            throw new RuntimeFailure("InvalidImage", "image " + name + " points at unsupported content " + target.getMediaType());
        }
        OciManifest manifest = OciManifest.parse(content.readAll(namespace, manifestRef.digest()), "manifest of " + name);
        ImageConfig config = ImageConfig.parse(content.readAll(namespace, manifest.config().digest()), "config of " + name);
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new RuntimeFailure("InvalidImage", "image " + name + " has " + manifest.layers().size()
                    + " layers but its config lists " + config.diffIds().size() + " diff IDs");
        }
        return new ResolvedImage(name, manifestRef.digest(), manifestRef.size(), manifest, config);
    }

    List<String> chainIds() {
        return ChainIds.of(config.diffIds());
    }

    /** The snapshot a container of this image starts from: the chain ID of the top layer ("" for no layers). */
    String topChainId() {
        List<String> chain = chainIds();
        return chain.isEmpty() ? "" : chain.get(chain.size() - 1);
    }

    long size() {
        return manifestSize + manifest.contentSize();
    }
}
