package io.kukeon.runtime.containerd;

import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.containerd.api.images.CreateImageRequest;
import io.kukeon.runtime.containerd.api.images.DeleteImageRequest;
import io.kukeon.runtime.containerd.api.images.GetImageRequest;
import io.kukeon.runtime.containerd.api.images.Image;
import io.kukeon.runtime.containerd.api.images.ImagesGrpc;
import io.kukeon.runtime.containerd.api.images.ListImagesRequest;
import io.kukeon.runtime.containerd.api.images.UpdateImageRequest;
import io.kukeon.runtime.containerd.api.types.Descriptor;

import java.util.List;

/** containerd's image records: a name pointing at a root descriptor (index or manifest). */
final class Images {
    private final ContainerdConnection conn;

    Images(ContainerdConnection conn) {
        this.conn = conn;
    }

    private ImagesGrpc.ImagesBlockingStub stub(String namespace, String lease) {
        return conn.stub(ImagesGrpc::newBlockingStub, namespace, lease);
    }

    /** The image record, null when the namespace has none of that name. */
    Image get(String namespace, String name) {
        return conn.call("get image " + name, () -> {
            try {
                return stub(namespace, null).get(GetImageRequest.newBuilder().setName(name).build()).getImage();
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    List<Image> list(String namespace) {
        return conn.call("list images in " + namespace, () -> stub(namespace, null)
                .list(ListImagesRequest.getDefaultInstance()).getImagesList());
    }

    /** Creates the record, or points an existing one at the new target. */
    void put(String namespace, String lease, String name, Descriptor target) {
        Image image = Image.newBuilder().setName(name).setTarget(target).build();
        conn.run("create image " + name, () -> {
            try {
                stub(namespace, lease).create(CreateImageRequest.newBuilder().setImage(image).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isAlreadyExists(e)) {
                    throw e;
                }
                stub(namespace, lease).update(UpdateImageRequest.newBuilder().setImage(image).build());
            }
        });
    }

    /** Deletes the record (missing is fine); with {@code sync}, waits for the garbage collection. */
    void delete(String namespace, String name, boolean sync) {
        conn.run("delete image " + name, () -> {
            try {
                stub(namespace, null).delete(DeleteImageRequest.newBuilder().setName(name).setSync(sync).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }
}
