package io.kukeon.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.concurrent.atomic.AtomicBoolean;

/** Counts and times every API call once, when it ends: by its status, or CANCELLED when the client went away. */
public final class ApiCallMetrics implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        long started = System.nanoTime();
        AtomicBoolean ended = new AtomicBoolean();
        ServerCall<Q, R> measured = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                end(ended, method, status.getCode(), started);
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
            @Override
            public void onCancel() {
                end(ended, method, Status.Code.CANCELLED, started);
                super.onCancel();
            }
        };
    }

    private static void end(AtomicBoolean ended, String method, Status.Code code, long startedNanos) {
        if (ended.compareAndSet(false, true)) {
            DaemonMetrics.API_REQUESTS.labelValues(method, code.name()).inc();
            DaemonMetrics.API_REQUEST_DURATION.labelValues(method).observe((System.nanoTime() - startedNanos) / 1e9);
        }
    }
}
