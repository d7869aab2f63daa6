package io.kukeon.runtime.archive;

import io.kukeon.runtime.RuntimeFailure;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tar of an OCI image layout: {@code index.json} and the blobs under {@code blobs/<alg>/<hex>}. */
public final class OciLayoutArchive {
    private OciLayoutArchive() {}

    /** Where the blobs of the layout go, in the order of the tar; {@code body} is valid during the call only. */
    @FunctionalInterface
    public interface BlobSink {
        void accept(String digest, long size, InputStream body);
    }

    /** Hands every blob of the layout to {@code blobs}; returns index.json. */
    public static byte[] read(Path archive, BlobSink blobs) {
        byte[] index = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
                String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
                if (!e.isFile()) {
                    continue;
                }
                if (name.equals("index.json")) {
                    index = e.body().readNBytes((int) Math.min(e.size(), 16 << 20));
                } else if (name.startsWith("blobs/")) {
                    String[] parts = name.split("/");
                    if (parts.length == 3) {
                        blobs.accept(parts[1] + ":" + parts[2], e.size(), e.body());
                    }
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("InvalidImage", "cannot read image archive " + archive + ": " + e.getMessage(), e);
        }
        if (index == null) {
            throw new RuntimeFailure("InvalidImage", archive + " is not an OCI image layout: it has no index.json");
        }
        return index;
    }
}
