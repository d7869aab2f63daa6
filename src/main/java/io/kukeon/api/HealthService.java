package io.kukeon.api;

import io.kukeon.wire.health.Health;
import io.kukeon.wire.health.HealthCheckRequest;
import io.kukeon.wire.health.HealthCheckResponse;
import io.kukeon.wire.health.HealthCheckResponse.ServingStatus;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * grpc.health.v1: service "" (and "kukeon.v1.Kukeon") is SERVING while the journal answers and writes;
 * "kukeon.runtime" reports containerd on its own, since the daemon serves without it.
 */
public final class HealthService implements Health {
    public static final String RUNTIME = "kukeon.runtime";

    private final DaemonStatus status;
    private final Executor reads;

    public HealthService(DaemonStatus status, Executor reads) {
        this.status = status;
        this.reads = reads;
    }

    @Override
    public CompletionStage<HealthCheckResponse> check(HealthCheckRequest in) {
        return CompletableFuture.supplyAsync(() -> HealthCheckResponse.newBuilder().setStatus(of(in.getService())).build(),
                reads);
    }

    @Override
    public Source<HealthCheckResponse, NotUsed> watch(HealthCheckRequest in) {
        return Source.tick(Duration.ZERO, Duration.ofSeconds(1), 0)
                .map(t -> of(in.getService()))
                .statefulMapConcat(() -> {
                    ServingStatus[] last = {null};
                    return s -> {
                        if (s == last[0]) {
                            return java.util.List.of();
                        }
                        last[0] = s;
                        return java.util.List.of(HealthCheckResponse.newBuilder().setStatus(s).build());
                    };
                })
                .mapMaterializedValue(c -> NotUsed.getInstance());
    }

    private ServingStatus of(String service) {
        return switch (service) {
            case "", "kukeon.v1.Kukeon" -> status.journalWrites() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            case RUNTIME -> status.runtimeHealth().available() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            default -> ServingStatus.SERVICE_UNKNOWN;
        };
    }
}
