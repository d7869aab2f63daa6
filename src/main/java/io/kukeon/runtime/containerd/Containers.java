package io.kukeon.runtime.containerd;

import com.google.protobuf.FieldMask;
import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.containers.Container;
import io.kukeon.runtime.containerd.api.containers.ContainersGrpc;
import io.kukeon.runtime.containerd.api.containers.CreateContainerRequest;
import io.kukeon.runtime.containerd.api.containers.DeleteContainerRequest;
import io.kukeon.runtime.containerd.api.containers.GetContainerRequest;
import io.kukeon.runtime.containerd.api.containers.ListContainersRequest;
import io.kukeon.runtime.containerd.api.containers.UpdateContainerRequest;

import java.util.List;

/** containerd's container records: spec, labels, runtime and the snapshot they run on (no process). */
final class Containers {
    static final String SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
    static final String RUNC_V2 = "io.containerd.runc.v2";
    /** Containers with the same value share one shim process. */
    static final String SHIM_GROUP_LABEL = "io.containerd.runc.v2.group";

    private final ContainerdConnection conn;

    Containers(ContainerdConnection conn) {
        this.conn = conn;
    }

    private ContainersGrpc.ContainersBlockingStub stub(String namespace, String lease) {
        return conn.stub(ContainersGrpc::newBlockingStub, namespace, lease);
    }

    /** The record, null when there is none. */
    Container get(String namespace, String id) {
        return conn.call("get container " + id, () -> {
            try {
                return stub(namespace, null).get(GetContainerRequest.newBuilder().setId(id).build()).getContainer();
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** containerd filter syntax, e.g. {@code labels."kukeon.io/cell"} (has the label). */
    List<Container> list(String namespace, String... filters) {
        return conn.call("list containers in " + namespace, () -> stub(namespace, null)
                .list(ListContainersRequest.newBuilder().addAllFilters(List.of(filters)).build()).getContainersList());
    }

    /** Creates the record; false when one of that ID exists already. */
    boolean create(String namespace, String lease, Container container) {
        return conn.call("create container " + container.getId(), () -> {
            try {
                stub(namespace, lease).create(CreateContainerRequest.newBuilder().setContainer(container).build());
                return true;
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isAlreadyExists(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Replaces the fields named in {@code paths} (e.g. {@code spec}, {@code labels}). */
    void update(String namespace, Container container, String... paths) {
        conn.run("update container " + container.getId(), () -> stub(namespace, null).update(UpdateContainerRequest
                .newBuilder().setContainer(container).setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths))).build()));
    }

    /** Missing is fine. */
    void delete(String namespace, String id) {
        conn.run("delete container " + id, () -> {
            try {
                stub(namespace, null).delete(DeleteContainerRequest.newBuilder().setId(id).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }
}
