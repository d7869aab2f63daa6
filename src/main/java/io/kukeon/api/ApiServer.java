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
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Binds the kukeon service, health and server reflection on one HTTP/2 port, behind the token check. */
public final class ApiServer {
    private ApiServer() {}

    @SuppressWarnings("unchecked")
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port, Kukeon kukeon,
                                                      Health health, TokenAuth auth) {
        Function<HttpRequest, CompletionStage<HttpResponse>> services = ServiceHandler.concatOrNotFound(
                KukeonHandlerFactory.create(kukeon, ErrorMapping.handler(), system),
                HealthHandlerFactory.create(health, ErrorMapping.handler(), system),
                ServerReflection.create(List.of(Kukeon.description, Health.description), system));
        return Http.get(system).newServerAt(host, port).bind(auth.guard(services, Materializer.matFromSystem(system)));
    }
}
