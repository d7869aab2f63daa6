package io.kukeon.runtime.containerd;

import io.kukeon.runtime.containerd.api.types.Descriptor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolved images by namespace, name and target digest. Content is addressed by its digest, so an
 * entry never goes stale; caching it saves three content reads on every container start.
 */
final class ResolvedImageCache {
    private static final int MAX_ENTRIES = 256;

    private final Content content;
    private final Map<String, ResolvedImage> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ResolvedImage> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    ResolvedImageCache(Content content) {
        this.content = content;
    }

    ResolvedImage resolve(String namespace, String name, Descriptor target) {
        String key = namespace + "\0" + name + "\0" + target.getDigest();
        synchronized (entries) {
            ResolvedImage cached = entries.get(key);
            if (cached != null) {
                return cached;
            }
        }
        ResolvedImage image = ResolvedImage.read(content, namespace, name, target);
        synchronized (entries) {
            entries.put(key, image);
        }
        return image;
    }
}
