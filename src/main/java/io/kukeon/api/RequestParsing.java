package io.kukeon.api;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses each request itself, so that bytes that are no message of the call are the client's
 * mistake: INVALID_ARGUMENT and no log line. (grpc-java parses requests where a failure becomes
 * UNKNOWN "Application error processing RPC" and a logged stack trace.)
 */
final class RequestParsing {
    private RequestParsing() {}

    static ServerServiceDefinition of(ServerServiceDefinition service) {
        List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<InputStream, ?> raw = raw(method);
            descriptor.addMethod(raw.getMethodDescriptor());
            methods.add(raw);
        }
        ServerServiceDefinition.Builder parsed = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(parsed::addMethod);
        return parsed.build();
    }

    private static <Q, R> ServerMethodDefinition<InputStream, R> raw(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw = typed.toBuilder(BYTES, typed.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(raw, parsing(typed, method.getServerCallHandler()));
    }

    private static <Q, R> ServerCallHandler<InputStream, R> parsing(MethodDescriptor<Q, R> typed, ServerCallHandler<Q, R> handler) {
        return (call, headers) -> {
            ServerCall.Listener<Q> listener = handler.startCall(new TypedCall<>(call, typed), headers);
            return new ServerCall.Listener<>() {
                private boolean refused;

                @Override
                public void onMessage(InputStream bytes) {
                    if (refused) {
                        return;
                    }
                    Q request;
                    try {
                        request = typed.parseRequest(bytes);
                    } catch (RuntimeException e) {
                        refused = true;
                        call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid protobuf message of its call: "
                                + rootMessage(e)), ErrorMapping.trailers("InvalidArgument"));
                        return;
                    }
                    listener.onMessage(request);
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        listener.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    listener.onCancel();
                }

                @Override
                public void onComplete() {
                    listener.onComplete();
                }

                @Override
                public void onReady() {
                    listener.onReady();
                }
            };
        };
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** The call as the service's handler sees it: with its typed method. */
    private static final class TypedCall<Q, R> extends ForwardingServerCall<Q, R> {
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected ServerCall<Q, R> delegate() {
            return (ServerCall<Q, R>) (ServerCall<?, R>) call;   // every method but the two below takes no request
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }

    /** Hands grpc-java the bytes of a request, unparsed. */
    private static final MethodDescriptor.Marshaller<InputStream> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            try {
                return new ByteArrayInputStream(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
