package io.kukeon.api;

import io.kukeon.wire.health.Health;
import io.kukeon.wire.health.HealthHandlerFactory;
import io.kukeon.wire.v1.Kukeon;
import io.kukeon.wire.v1.KukeonHandlerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import io.kukeon.model.Sizes;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Binds the kukeon service, health and server reflection on one HTTP/2 port, behind the token check. */
public final class ApiServer {
    /** The one call whose request may be large: it streams an image archive to a file. */
    private static final String LOAD_IMAGE = "/kukeon.v1.Kukeon/LoadImage";
    /** The setting that bounds an image upload (an OCI archive). */
    public static final String MAX_IMAGE_UPLOAD = "kukeon.max-image-upload";

    private ApiServer() {}

    @SuppressWarnings("unchecked")
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port, Kukeon kukeon,
                                                      Health health, TokenAuth auth) {
        Function<HttpRequest, CompletionStage<HttpResponse>> services = ServiceHandler.concatOrNotFound(
                KukeonHandlerFactory.create(kukeon, ErrorMapping.handler(), system),
                HealthHandlerFactory.create(health, ErrorMapping.handler(), system),
                ServerReflection.create(List.of(Kukeon.description, Health.description), system));
        Function<HttpRequest, CompletionStage<HttpResponse>> guarded = auth.guard(services, Materializer.matFromSystem(system));
        long maxImageUpload = maxImageUpload(system);
        Function<HttpRequest, CompletionStage<HttpResponse>> limited = request -> guarded.apply(limited(request, maxImageUpload));
        return Http.get(system).newServerAt(host, port).bind(limited);
    }

    /**
     * Bounds what is read of a request: its reader fails as soon as more than the limit has arrived,
     * so an oversized request is refused (RESOURCE_EXHAUSTED) before it is buffered.
     */
    static HttpRequest limited(HttpRequest request, long maxImageUpload) {
        BoundedRequestBytes bound = request.getUri().path().equals(LOAD_IMAGE)
                ? new BoundedRequestBytes(maxImageUpload, "the image archive (setting " + MAX_IMAGE_UPLOAD + ")")
                : new BoundedRequestBytes(Sizes.MAX_REQUEST_BYTES, "the request");
        // pekko-http's own limit would cancel the stream at once; this one answers first (BoundedRequestBytes)
        return request.withEntity(HttpEntities.createChunked(request.entity().getContentType(),
                request.entity().withoutSizeLimit().getDataBytes().via(bound)));
    }

    private static long maxImageUpload(ActorSystem<?> system) {
        long bytes = system.settings().config().getBytes(MAX_IMAGE_UPLOAD);
        if (bytes < Sizes.MAX_REQUEST_BYTES) {
            throw new io.kukeon.model.InvalidArgumentException(MAX_IMAGE_UPLOAD, "must be at least "
                    + Sizes.of(Sizes.MAX_REQUEST_BYTES));
        }
        return bytes;
    }
}
