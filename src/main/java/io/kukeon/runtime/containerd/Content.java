package io.kukeon.runtime.containerd;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.content.ContentGrpc;
import io.kukeon.runtime.containerd.api.content.DeleteContentRequest;
import io.kukeon.runtime.containerd.api.content.Info;
import io.kukeon.runtime.containerd.api.content.InfoRequest;
import io.kukeon.runtime.containerd.api.content.ListContentRequest;
import io.kukeon.runtime.containerd.api.content.ReadContentRequest;
import io.kukeon.runtime.containerd.api.content.ReadContentResponse;
import io.kukeon.runtime.containerd.api.content.UpdateRequest;
import io.kukeon.runtime.containerd.api.content.WriteAction;
import io.kukeon.runtime.containerd.api.content.WriteContentRequest;
import io.kukeon.runtime.containerd.api.content.WriteContentResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/** containerd's content store: blobs by digest (manifests, configs, layers). */
final class Content {
    private static final int CHUNK = 1 << 20;
    /** Manifests and configs are read whole; nothing of that kind is this large. */
    private static final long MAX_READ_ALL = 16L << 20;

    private final ContainerdConnection conn;

    Content(ContainerdConnection conn) {
        this.conn = conn;
    }

    private ContentGrpc.ContentBlockingStub stub(String namespace) {
        return conn.stub(ContentGrpc::newBlockingStub, namespace, null);
    }

    boolean exists(String namespace, String digest) {
        return info(namespace, digest) != null;
    }

    /** The blob's info, null when the namespace does not have it. */
    Info info(String namespace, String digest) {
        return conn.call("content info " + digest, () -> {
            try {
                return stub(namespace).info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo();
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    List<Info> list(String namespace) {
        return conn.call("list content in " + namespace, () -> {
            List<Info> all = new ArrayList<>();
            stub(namespace).list(ListContentRequest.getDefaultInstance()).forEachRemaining(r -> all.addAll(r.getInfoList()));
            return all;
        });
    }

    void delete(String namespace, String digest) {
        conn.run("delete content " + digest, () -> {
            try {
                stub(namespace).delete(DeleteContentRequest.newBuilder().setDigest(digest).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }

    /** Sets these labels on the blob, leaving its other labels as they are. */
    void addLabels(String namespace, String digest, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return;
        }
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(k -> mask.addPaths("labels." + k));
        conn.run("label content " + digest, () -> stub(namespace).update(UpdateRequest.newBuilder()
                .setInfo(Info.newBuilder().setDigest(digest).putAllLabels(labels)).setUpdateMask(mask).build()));
    }

    /** A small blob (manifest, index, config) as bytes. */
    byte[] readAll(String namespace, String digest) {
        Info info = info(namespace, digest);
        if (info == null) {
            throw new RuntimeFailure("ContentNotFound", "blob " + digest + " is not in namespace " + namespace);
        }
        if (info.getSize() > MAX_READ_ALL) {
            throw new RuntimeFailure("RuntimeError", "blob " + digest + " is " + info.getSize() + " bytes, too large to read whole");
        }
        try (InputStream in = open(namespace, digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "reading blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /** Streams a blob; close the stream to cancel the read. */
    InputStream open(String namespace, String digest) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        Iterator<ReadContentResponse> chunks;
        Context previous = ctx.attach();
        try {
            chunks = conn.stub(ContentGrpc::newBlockingStub, namespace, null, conn.config().pullTimeout())
                    .read(ReadContentRequest.newBuilder().setDigest(digest).build());
        } finally {
            ctx.detach(previous);
        }
        return new InputStream() {
            private ByteString current = ByteString.EMPTY;
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos >= current.size()) {
                    try {
                        if (!chunks.hasNext()) {
                            return -1;
                        }
                        current = chunks.next().getData();
                    } catch (StatusRuntimeException e) {
                        throw new IOException(ContainerdFailures.translate("read blob " + digest,
                                conn.socket().toString(), e).getMessage(), e);
                    }
                    pos = 0;
                }
                int n = Math.min(len, current.size() - pos);
                current.copyTo(b, pos, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() {
                ctx.cancel(null);
            }
        };
    }

    /**
     * Writes a blob of known digest and size under the lease; a blob the namespace already has is
     * success. containerd checks the digest and size at commit.
     *
     * @param written told the running byte count after each chunk
     */
    void write(String namespace, String lease, String digest, long size, InputStream data, Map<String, String> labels,
               LongConsumer written) {
        if (exists(namespace, digest)) {
            addLabels(namespace, digest, labels);
            written.accept(size);
            return;
        }
        try {
            writeStream(namespace, lease, digest, size, data, labels, written);
        } catch (StatusRuntimeException e) {
            if (!ContainerdFailures.isAlreadyExists(e)) {
                throw ContainerdFailures.translate("write blob " + digest, conn.socket().toString(), e);
            }
            addLabels(namespace, digest, labels);
        }
    }

    /**
     * The Write protocol in lock step: each request gets its response before the next one is sent.
     * The stream has no deadline of its own (a large layer that keeps arriving is never cut): each
     * reply is awaited for the pull timeout, and the registry's side is guarded against stalls.
     */
    private void writeStream(String namespace, String lease, String digest, long size, InputStream data,
                             Map<String, String> labels, LongConsumer written) {
        BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
        StreamObserver<WriteContentRequest> requests = conn.stub(ContentGrpc::newStub, namespace, lease,
                null).write(new StreamObserver<>() {
            @Override
            public void onNext(WriteContentResponse r) {
                replies.add(r);
            }

            @Override
            public void onError(Throwable t) {
                replies.add(t);
            }

            @Override
            public void onCompleted() {
                replies.add(Boolean.TRUE);
            }
        });
        String ref = "kukeon-" + digest + "-" + UUID.randomUUID();
        try {
            exchange(requests, replies, WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef(ref).build());
            byte[] buf = new byte[CHUNK];
            long offset = 0;
            while (true) {
                int n = data.readNBytes(buf, 0, buf.length);
                if (n <= 0) {
                    break;
                }
                exchange(requests, replies, WriteContentRequest.newBuilder().setAction(WriteAction.WRITE).setRef(ref)
                        .setOffset(offset).setTotal(size).setExpected(digest).setData(ByteString.copyFrom(buf, 0, n)).build());
                offset += n;
                written.accept(offset);
            }
            if (offset != size) {
                requests.onError(new IllegalStateException("short blob"));
                throw new RuntimeFailure("RuntimeError", "blob " + digest + " has " + offset + " bytes, expected " + size);
            }
            exchange(requests, replies, WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setRef(ref)
                    .setOffset(offset).setTotal(size).setExpected(digest).putAllLabels(labels).build());
            requests.onCompleted();
            awaitReply(replies);
        } catch (IOException e) {
            requests.onError(e);
            throw new RuntimeFailure("RuntimeError", "reading blob " + digest + " to store it: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            requests.onError(e);   // a failed download (or containerd's refusal) ends the write in containerd too
            throw e;
        }
    }

    private void exchange(StreamObserver<WriteContentRequest> requests, BlockingQueue<Object> replies, WriteContentRequest r) {
        requests.onNext(r);
        Object reply = awaitReply(replies);
        if (reply == Boolean.TRUE) {
            throw new RuntimeFailure("RuntimeError", "containerd closed the content write early");
        }
    }

    private Object awaitReply(BlockingQueue<Object> replies) {
        Object reply;
        try {
            reply = replies.poll(conn.config().pullTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("RuntimeError", "interrupted while writing content");
        }
        if (reply == null) {
            throw new RuntimeFailure("RuntimeError", "containerd did not answer a content write in time");
        }
        if (reply instanceof StatusRuntimeException e) {
            throw e;
        }
        if (reply instanceof Throwable t) {
            throw io.grpc.Status.fromThrowable(t).asRuntimeException();
        }
        return reply;
    }
}
