package io.kukeon.api;

import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.ImageChunk;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Bounds an image upload (an OCI archive sent in chunks, each at most a request's size): past
 * {@code kukeon.max-image-upload} bytes the upload fails with RESOURCE_EXHAUSTED, before more is read.
 */
final class ImageUploadLimit {
    /** The setting that bounds an image upload. */
    static final String SETTING = "kukeon.max-image-upload";

    private final long maxBytes;

    ImageUploadLimit(long maxBytes) {
        if (maxBytes < Sizes.MAX_REQUEST_BYTES) {
            throw new io.kukeon.model.InvalidArgumentException(SETTING, "must be at least " + Sizes.of(Sizes.MAX_REQUEST_BYTES));
        }
        this.maxBytes = maxBytes;
    }

    Flow<ImageChunk, ImageChunk, NotUsed> flow() {
        return Flow.<ImageChunk>create().statefulMap(() -> 0L, (seen, chunk) -> {
            long now = seen + chunk.getData().size();
            if (now > maxBytes) {
                throw new ResourceExhaustedException("the image archive (setting " + SETTING + ") is larger than "
                        + Sizes.of(maxBytes) + " (" + maxBytes + " bytes), the most kukeond reads of it");
            }
            return org.apache.pekko.japi.Pair.create(now, chunk);
        }, seen -> java.util.Optional.empty());
    }
}
