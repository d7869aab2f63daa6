package io.kukeon.runtime.archive;

import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.oci.OciDescriptor;
import io.kukeon.runtime.oci.OciSpecBuilder;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Small text files (/etc/passwd, /etc/group) of an image, read from its layer blobs in the
 * content store, top layer first, so that user names resolve without mounting anything.
 * Only read when a spec names a user; whiteouts are not followed.
 */
public final class LayerFiles implements OciSpecBuilder.ImageFiles {
    private static final int MAX_FILE = 1 << 20;

    private final Function<String, InputStream> openBlob;
    private final List<OciDescriptor> layers;
    private final Map<String, String> cache = new HashMap<>();

    /** @param openBlob opens a layer blob of the content store by its digest */
    public LayerFiles(Function<String, InputStream> openBlob, List<OciDescriptor> layers) {
        this.openBlob = openBlob;
        this.layers = layers;
    }

    @Override
    public String read(String path) {
        return cache.computeIfAbsent(path, this::find);
    }

    private String find(String path) {
        String wanted = path.startsWith("/") ? path.substring(1) : path;
        for (int i = layers.size() - 1; i >= 0; i--) {
            OciDescriptor layer = layers.get(i);
            try (InputStream raw = openBlob.apply(layer.digest());
                 InputStream in = layer.mediaType().contains("gzip") ? new GZIPInputStream(raw, 1 << 16)
                         : new BufferedInputStream(raw, 1 << 16)) {
                TarReader tar = new TarReader(in);
                for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
                    String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
                    if (name.equals(wanted) && e.isFile() && e.size() <= MAX_FILE) {
                        return new String(e.body().readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            } catch (IOException e) {
                throw new RuntimeFailure("InvalidImage", "cannot read layer " + layer.digest() + " for " + path
                        + ": " + e.getMessage(), e);
            }
        }
        return null;
    }
}
