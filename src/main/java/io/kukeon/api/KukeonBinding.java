package io.kukeon.api;

import io.grpc.stub.StreamObserver;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteResponse;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.HistoryResponse;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.Kukeon;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListImagesRequest;
import io.kukeon.wire.v1.ListImagesResponse;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.LoadImageResponse;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.ObjectResponse;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.VersionResponse;

/** The kukeon.v1.Kukeon service on grpc-java's server: each call handed to the service as it is written. */
final class KukeonBinding implements KukeonGrpc.AsyncService {
    private final Kukeon kukeon;
    private final GrpcCalls calls;
    private final ImageUploadLimit uploadLimit;

    KukeonBinding(Kukeon kukeon, GrpcCalls calls, ImageUploadLimit uploadLimit) {
        this.kukeon = kukeon;
        this.calls = calls;
        this.uploadLimit = uploadLimit;
    }

    @Override
    public void apply(ApplyRequest request, StreamObserver<ApplyResponse> out) {
        calls.unary(() -> kukeon.apply(request), out);
    }

    @Override
    public void create(CreateRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.create(request), out);
    }

    @Override
    public void get(GetRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.get(request), out);
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> out) {
        calls.unary(() -> kukeon.list(request), out);
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        calls.unary(() -> kukeon.delete(request), out);
    }

    @Override
    public void start(LifecycleRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.start(request), out);
    }

    @Override
    public void stop(LifecycleRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.stop(request), out);
    }

    @Override
    public void kill(LifecycleRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.kill(request), out);
    }

    @Override
    public void restart(LifecycleRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.restart(request), out);
    }

    @Override
    public void watch(io.kukeon.wire.v1.WatchRequest request, StreamObserver<Event> out) {
        calls.serverStream(() -> kukeon.watch(request), out);
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> out) {
        calls.unary(() -> kukeon.history(request), out);
    }

    @Override
    public void logs(LogsRequest request, StreamObserver<LogChunk> out) {
        calls.serverStream(() -> kukeon.logs(request), out);
    }

    @Override
    public StreamObserver<ExecInput> exec(StreamObserver<ExecOutput> out) {
        return calls.bidiStream(kukeon::exec, out);
    }

    @Override
    public StreamObserver<ExecInput> attach(StreamObserver<ExecOutput> out) {
        return calls.bidiStream(kukeon::attach, out);
    }

    @Override
    public StreamObserver<ImageChunk> loadImage(StreamObserver<LoadImageResponse> out) {
        return calls.clientStream(chunks -> kukeon.loadImage(chunks.via(uploadLimit.flow())), out);
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> out) {
        calls.unary(() -> kukeon.listImages(request), out);
    }

    @Override
    public void removeImages(io.kukeon.wire.v1.RemoveImagesRequest request,
                             StreamObserver<io.kukeon.wire.v1.RemoveImagesResponse> out) {
        calls.unary(() -> kukeon.removeImages(request), out);
    }

    @Override
    public void pullImage(io.kukeon.wire.v1.PullImageRequest request,
                          StreamObserver<io.kukeon.wire.v1.PullImageProgress> out) {
        calls.serverStream(() -> kukeon.pullImage(request), out);
    }

    @Override
    public void putRegistryCredential(io.kukeon.wire.v1.PutRegistryCredentialRequest request,
                                      StreamObserver<io.kukeon.wire.v1.PutRegistryCredentialResponse> out) {
        calls.unary(() -> kukeon.putRegistryCredential(request), out);
    }

    @Override
    public void putSecret(io.kukeon.wire.v1.PutSecretRequest request,
                          StreamObserver<io.kukeon.wire.v1.PutSecretResponse> out) {
        calls.unary(() -> kukeon.putSecret(request), out);
    }

    @Override
    public void listSecrets(io.kukeon.wire.v1.ListSecretsRequest request,
                            StreamObserver<io.kukeon.wire.v1.ListSecretsResponse> out) {
        calls.unary(() -> kukeon.listSecrets(request), out);
    }

    @Override
    public void deleteSecret(io.kukeon.wire.v1.DeleteSecretRequest request,
                             StreamObserver<io.kukeon.wire.v1.DeleteSecretResponse> out) {
        calls.unary(() -> kukeon.deleteSecret(request), out);
    }

    @Override
    public void putVolume(io.kukeon.wire.v1.PutVolumeRequest request,
                          StreamObserver<io.kukeon.wire.v1.PutVolumeResponse> out) {
        calls.unary(() -> kukeon.putVolume(request), out);
    }

    @Override
    public void listVolumes(io.kukeon.wire.v1.ListVolumesRequest request,
                            StreamObserver<io.kukeon.wire.v1.ListVolumesResponse> out) {
        calls.unary(() -> kukeon.listVolumes(request), out);
    }

    @Override
    public void deleteVolume(io.kukeon.wire.v1.DeleteVolumeRequest request,
                             StreamObserver<io.kukeon.wire.v1.DeleteVolumeResponse> out) {
        calls.unary(() -> kukeon.deleteVolume(request), out);
    }

    @Override
    public void listTemplates(io.kukeon.wire.v1.ListTemplatesRequest request,
                              StreamObserver<io.kukeon.wire.v1.ListTemplatesResponse> out) {
        calls.unary(() -> kukeon.listTemplates(request), out);
    }

    @Override
    public void deleteTemplate(io.kukeon.wire.v1.DeleteTemplateRequest request,
                               StreamObserver<io.kukeon.wire.v1.DeleteTemplateResponse> out) {
        calls.unary(() -> kukeon.deleteTemplate(request), out);
    }

    @Override
    public void materializeCell(io.kukeon.wire.v1.MaterializeCellRequest request, StreamObserver<ObjectResponse> out) {
        calls.unary(() -> kukeon.materializeCell(request), out);
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> out) {
        calls.unary(() -> kukeon.version(request), out);
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        calls.unary(() -> kukeon.status(request), out);
    }

    @Override
    public void journalExtent(io.kukeon.wire.v1.JournalExtentRequest request,
                              StreamObserver<io.kukeon.wire.v1.JournalExtentResponse> out) {
        calls.unary(() -> kukeon.journalExtent(request), out);
    }

    @Override
    public void listNodes(io.kukeon.wire.v1.ListNodesRequest request, StreamObserver<io.kukeon.wire.v1.ListNodesResponse> out) {
        calls.unary(() -> kukeon.listNodes(request), out);
    }

    @Override
    public void deleteNode(io.kukeon.wire.v1.DeleteNodeRequest request, StreamObserver<io.kukeon.wire.v1.DeleteNodeResponse> out) {
        calls.unary(() -> kukeon.deleteNode(request), out);
    }
}
