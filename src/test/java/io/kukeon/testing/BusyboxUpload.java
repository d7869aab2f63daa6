package io.kukeon.testing;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LoadImageResponse;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Uploads the busybox archive into a realm, as {@code kuke image load} does (there is no Docker Hub here). */
public final class BusyboxUpload {
    private BusyboxUpload() {}

    /** @param api a stub that carries the daemon's token */
    public static LoadImageResponse into(KukeonGrpc.KukeonStub api, String realm) throws Exception {
        CompletableFuture<LoadImageResponse> done = new CompletableFuture<>();
        StreamObserver<ImageChunk> upload = api.loadImage(new StreamObserver<>() {
            public void onNext(LoadImageResponse r) {
                done.complete(r);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onCompleted() {
            }
        });
        byte[] buf = new byte[1 << 20];
        boolean first = true;
        try (InputStream in = Files.newInputStream(RealComponents.busyboxArchive())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                ImageChunk.Builder chunk = ImageChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n));
                if (first) {
                    chunk.setRealm(realm);
                    first = false;
                }
                upload.onNext(chunk.build());
            }
        }
        upload.onCompleted();
        return done.get(60, TimeUnit.SECONDS);
    }
}
