package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.leases.CreateRequest;
import io.kukeon.runtime.containerd.api.leases.DeleteRequest;
import io.kukeon.runtime.containerd.api.leases.Lease;
import io.kukeon.runtime.containerd.api.leases.LeasesGrpc;
import io.kukeon.runtime.containerd.api.leases.ListRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Leases protect what is being created (blobs, snapshots) from containerd's garbage collector
 * until a record (image, container) references it. Each lease expires by itself, so one left
 * behind by a crash does not pin anything for ever.
 */
final class Leases {
    private final ContainerdConnection conn;

    Leases(ContainerdConnection conn) {
        this.conn = conn;
    }

    private LeasesGrpc.LeasesBlockingStub stub(String namespace) {
        return conn.stub(LeasesGrpc::newBlockingStub, namespace, null);
    }

    /** A lease to send as the {@code containerd-lease} header; close it once the work is referenced. */
    Held acquire(String namespace, String purpose, Duration expiry) {
        String id = "kukeon-" + purpose + "-" + UUID.randomUUID();
        String expires = Instant.now().plus(expiry).truncatedTo(ChronoUnit.SECONDS).toString();
        conn.run("create lease in " + namespace, () -> stub(namespace).create(CreateRequest.newBuilder()
                .setId(id).putLabels("containerd.io/gc.expire", expires).build()));
        return new Held(namespace, id);
    }

    List<String> list(String namespace) {
        return conn.call("list leases in " + namespace, () -> stub(namespace).list(ListRequest.getDefaultInstance())
                .getLeasesList().stream().map(Lease::getId).toList());
    }

    /** Deletes the lease; with {@code sync} waits for the garbage collection it allows. Missing is fine. */
    void delete(String namespace, String id, boolean sync) {
        conn.run("delete lease " + id, () -> {
            try {
                stub(namespace).delete(DeleteRequest.newBuilder().setId(id).setSync(sync).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }

    /** A lease held by us. */
    final class Held implements AutoCloseable {
        private final String namespace;
        private final String id;

        private Held(String namespace, String id) {
            this.namespace = namespace;
            this.id = id;
        }

        String id() {
            return id;
        }

        @Override
        public void close() {
            delete(namespace, id, false);
        }
    }
}
