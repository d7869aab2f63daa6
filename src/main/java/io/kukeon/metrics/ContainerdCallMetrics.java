package io.kukeon.metrics;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/** Times kukeond's unary calls to containerd (the event stream, open for days, is not a latency). */
public final class ContainerdCallMetrics implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (method.getType() != MethodDescriptor.MethodType.UNARY) {
            return call;
        }
        String name = method.getFullMethodName();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                long started = System.nanoTime();
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        DaemonMetrics.CONTAINERD_CALL_DURATION.labelValues(name, status.getCode().name())
                                .observe((System.nanoTime() - started) / 1e9);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
