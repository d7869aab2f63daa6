package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.namespaces.CreateNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.DeleteNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.GetNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.ListNamespacesRequest;
import io.kukeon.runtime.containerd.api.namespaces.Namespace;
import io.kukeon.runtime.containerd.api.namespaces.NamespacesGrpc;

import java.util.List;

/** containerd namespaces: create (existing is fine), list, exists, delete (missing is fine). */
final class Namespaces {
    private final ContainerdConnection conn;

    Namespaces(ContainerdConnection conn) {
        this.conn = conn;
    }

    /** containerd publishes an event for each change, and an event needs a namespace: the one concerned. */
    private NamespacesGrpc.NamespacesBlockingStub stub(String namespace) {
        return conn.stub(NamespacesGrpc::newBlockingStub, namespace, null);
    }

    void create(String name) {
        conn.run("create namespace " + name, () -> {
            try {
                stub(name).create(CreateNamespaceRequest.newBuilder().setNamespace(Namespace.newBuilder().setName(name)).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isAlreadyExists(e)) {
                    throw e;
                }
            }
        });
    }

    List<String> list() {
        return conn.call("list namespaces", () -> stub(null).list(ListNamespacesRequest.getDefaultInstance())
                .getNamespacesList().stream().map(Namespace::getName).sorted().toList());
    }

    boolean exists(String name) {
        return conn.call("get namespace " + name, () -> {
            try {
                stub(name).get(GetNamespaceRequest.newBuilder().setName(name).build());
                return true;
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Deletes an empty namespace; containerd refuses (FAILED_PRECONDITION) while anything is left in it. */
    void delete(String name) {
        conn.run("delete namespace " + name, () -> {
            try {
                stub(name).delete(DeleteNamespaceRequest.newBuilder().setName(name).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }
}
