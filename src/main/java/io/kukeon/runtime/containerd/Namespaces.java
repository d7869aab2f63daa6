package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.namespaces.CreateNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.DeleteNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.GetNamespaceRequest;
import io.kukeon.runtime.containerd.api.namespaces.ListNamespacesRequest;
import io.kukeon.runtime.containerd.api.namespaces.Namespace;
import io.kukeon.runtime.containerd.api.namespaces.NamespacesGrpc;
import io.kukeon.runtime.containerd.api.namespaces.UpdateNamespaceRequest;
import com.google.protobuf.FieldMask;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** containerd namespaces: create (existing is fine), labels, list, delete (missing is fine). */
final class Namespaces {
    private final ContainerdConnection conn;

    Namespaces(ContainerdConnection conn) {
        this.conn = conn;
    }

    /** containerd publishes an event for each change, and an event needs a namespace: the one concerned. */
    private NamespacesGrpc.NamespacesBlockingStub stub(String namespace) {
        return conn.stub(NamespacesGrpc::newBlockingStub, namespace, null);
    }

    void create(String name, Map<String, String> labels) {
        conn.run("create namespace " + name, () -> {
            try {
                stub(name).create(CreateNamespaceRequest.newBuilder()
                        .setNamespace(Namespace.newBuilder().setName(name).putAllLabels(labels)).build());
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

    /** The namespace's labels, or empty when there is no such namespace. */
    Optional<Map<String, String>> labels(String name) {
        return conn.call("get namespace " + name, () -> {
            try {
                return Optional.of(stub(name).get(GetNamespaceRequest.newBuilder().setName(name).build())
                        .getNamespace().getLabelsMap());
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    boolean exists(String name) {
        return labels(name).isPresent();
    }

    /** Sets one label, leaving the others as they are. */
    void setLabel(String name, String key, String value) {
        conn.run("label namespace " + name, () -> stub(name).update(UpdateNamespaceRequest.newBuilder()
                .setNamespace(Namespace.newBuilder().setName(name).putLabels(key, value))
                .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + key)).build()));
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
