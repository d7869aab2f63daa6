package io.kukeon.api;

import io.grpc.stub.StreamObserver;
import io.kukeon.wire.health.Health;
import io.kukeon.wire.health.HealthCheckRequest;
import io.kukeon.wire.health.HealthCheckResponse;
import io.kukeon.wire.health.HealthGrpc;

/** grpc.health.v1.Health on grpc-java's server. */
final class HealthBinding implements HealthGrpc.AsyncService {
    private final Health health;
    private final GrpcCalls calls;

    HealthBinding(Health health, GrpcCalls calls) {
        this.health = health;
        this.calls = calls;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        calls.unary(() -> health.check(request), out);
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        calls.serverStream(() -> health.watch(request), out);
    }
}
