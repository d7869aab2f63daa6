package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.snapshots.CommitSnapshotRequest;
import io.kukeon.runtime.containerd.api.snapshots.Info;
import io.kukeon.runtime.containerd.api.snapshots.ListSnapshotsRequest;
import io.kukeon.runtime.containerd.api.snapshots.MountsRequest;
import io.kukeon.runtime.containerd.api.snapshots.PrepareSnapshotRequest;
import io.kukeon.runtime.containerd.api.snapshots.RemoveSnapshotRequest;
import io.kukeon.runtime.containerd.api.snapshots.SnapshotsGrpc;
import io.kukeon.runtime.containerd.api.snapshots.StatSnapshotRequest;
import io.kukeon.runtime.containerd.api.types.Mount;

import java.util.ArrayList;
import java.util.List;

/** Snapshots of one snapshotter: image layers (committed, named by chain ID) and container root filesystems. */
final class Snapshots {
    private final ContainerdConnection conn;

    Snapshots(ContainerdConnection conn) {
        this.conn = conn;
    }

    private SnapshotsGrpc.SnapshotsBlockingStub stub(String namespace, String lease) {
        return conn.stub(SnapshotsGrpc::newBlockingStub, namespace, lease);
    }

    /** An active snapshot on top of {@code parent} (empty for none); returns its mounts. */
    List<Mount> prepare(String namespace, String lease, String snapshotter, String key, String parent) {
        return conn.call("prepare snapshot " + key, () -> stub(namespace, lease).prepare(PrepareSnapshotRequest.newBuilder()
                .setSnapshotter(snapshotter).setKey(key).setParent(parent).build()).getMountsList());
    }

    List<Mount> mounts(String namespace, String snapshotter, String key) {
        return conn.call("mounts of snapshot " + key, () -> stub(namespace, null).mounts(MountsRequest.newBuilder()
                .setSnapshotter(snapshotter).setKey(key).build()).getMountsList());
    }

    /** Turns the active snapshot {@code key} into the committed one {@code name}. */
    void commit(String namespace, String lease, String snapshotter, String name, String key) {
        conn.run("commit snapshot " + name, () -> stub(namespace, lease).commit(CommitSnapshotRequest.newBuilder()
                .setSnapshotter(snapshotter).setName(name).setKey(key).build()));
    }

    /** The snapshot's info, null when it does not exist. */
    Info stat(String namespace, String snapshotter, String key) {
        return conn.call("stat snapshot " + key, () -> {
            try {
                return stub(namespace, null).stat(StatSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build()).getInfo();
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Missing is fine: a snapshot can vanish to the garbage collector between two calls. */
    void remove(String namespace, String snapshotter, String key) {
        conn.run("remove snapshot " + key, () -> {
            try {
                stub(namespace, null).remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }

    List<Info> list(String namespace, String snapshotter) {
        return conn.call("list snapshots in " + namespace, () -> {
            List<Info> all = new ArrayList<>();
            stub(namespace, null).list(ListSnapshotsRequest.newBuilder().setSnapshotter(snapshotter).build())
                    .forEachRemaining(r -> all.addAll(r.getInfoList()));
            return all;
        });
    }
}
