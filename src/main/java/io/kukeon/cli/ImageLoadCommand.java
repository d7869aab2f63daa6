package io.kukeon.cli;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kukeon.model.Names;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.LoadImageResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams an OCI or docker image archive to kukeond in 1 MiB chunks, sending only as fast as the
 * connection takes them (so a large archive is never held in memory); progress on a terminal.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Import an image archive (tar, or - for stdin) into a realm.",
        footer = {"%nExamples:",
                "  # an OCI or docker archive into realm default",
                "  kuke image load busybox-oci.tar",
                "  # from stdin into realm demo",
                "  kuke image load - --realm demo < busybox-oci.tar"})
final class ImageLoadCommand extends DaemonCommand {
    static final int CHUNK = 1 << 20;

    @Parameters(index = "0", paramLabel = "TAR")
    String archive;

    @Option(names = "--realm", defaultValue = "default", description = "Realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Override
    int run(DaemonConnection daemon) throws Exception {
        Names.require("--realm", realm);
        long total = archive.equals("-") ? -1 : Files.size(Path.of(archive));
        ProgressLine progress = new ProgressLine(err(), kuke().terminal());
        CompletableFuture<LoadImageResponse> done = new CompletableFuture<>();
        try (InputStream in = archive.equals("-") ? kuke().stdin() : Files.newInputStream(Path.of(archive))) {
            daemon.async().loadImage(new Sender(in, total, progress, done));
            LoadImageResponse response;
            try {
                response = done.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
            progress.clear();
            for (Image i : response.getImagesList()) {
                out().println("Loaded " + i.getName() + " (" + ImageListCommand.shortDigest(i.getDigest()) + ", "
                        + Sizes.of(i.getSize()) + ") into realm \"" + realm + "\"");
            }
        }
        return 0;
    }

    /** Sends a chunk whenever the call is ready for one; the first names the realm. */
    private final class Sender implements ClientResponseObserver<ImageChunk, LoadImageResponse> {
        private final InputStream in;
        private final long total;
        private final ProgressLine progress;
        private final CompletableFuture<LoadImageResponse> done;
        private long sent;
        private boolean finished;
        private LoadImageResponse response;

        Sender(InputStream in, long total, ProgressLine progress, CompletableFuture<LoadImageResponse> done) {
            this.in = in;
            this.total = total;
            this.progress = progress;
            this.done = done;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ImageChunk> requests) {
            requests.setOnReadyHandler(() -> {
                try {
                    while (requests.isReady() && !finished) {
                        byte[] data = in.readNBytes(CHUNK);
                        ImageChunk.Builder c = ImageChunk.newBuilder().setData(ByteString.copyFrom(data));
                        if (sent == 0) {
                            c.setRealm(realm);
                        }
                        if (data.length > 0 || sent == 0) {
                            requests.onNext(c.build());
                        }
                        sent += data.length;
                        progress.show("loading " + archive + ": " + Sizes.progress(sent, total));
                        if (data.length < CHUNK) {
                            finished = true;
                            requests.onCompleted();
                        }
                    }
                } catch (IOException e) {
                    finished = true;
                    requests.cancel("cannot read " + archive, e);
                    done.completeExceptionally(new UncheckedIOException(archive + ": " + e.getMessage(), e));
                }
            });
        }

        @Override
        public void onNext(LoadImageResponse value) {
            response = value;
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(response == null ? LoadImageResponse.getDefaultInstance() : response);
        }
    }
}
