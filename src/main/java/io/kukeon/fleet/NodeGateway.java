package io.kukeon.fleet;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * This node's door for the fleet's other members: a call one of them routes here (a Get, a List
 * page, a Stop, a Logs stream) runs on this node's own API ({@link NodeCalls}), and its answer
 * goes back as {@link Piece}s through a stream reference, which the caller pulls at its own pace.
 * Registered with the receptionist, so every member finds every other's.
 */
public final class NodeGateway {
    static final ServiceKey<Call> KEY = ServiceKey.create(Call.class, "kukeon-node-gateway");

    /**
     * @param method       the API call's name, as {@link NodeCalls} knows it
     * @param request      its request's protobuf bytes
     * @param sentAtMillis when it was sealed
     * @param seal         its {@link CallSeal}
     */
    public record Call(String method, byte[] request, long sentAtMillis, byte[] seal, ActorRef<Opened> replyTo)
            implements FleetMessage {}

    /** The answer, to be pulled within the stream reference's subscription timeout. */
    public record Opened(SourceRef<Piece> answer) implements FleetMessage {}

    private NodeGateway() {}

    static Behavior<Call> create(NodeCalls calls, CallSeal seals) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
            Materializer materializer = Materializer.matFromSystem(context.getSystem());
            return Behaviors.receive(Call.class)
                    .onMessage(Call.class, call -> {
                        String refused = seals.problem(call.method(), call.request(), call.sentAtMillis(), call.seal());
                        if (refused != null) {
                            context.getLog().warn("refused a {} call from {}: {}", call.method(),
                                    call.replyTo().path().address(), refused);
                        }
                        Source<byte[], NotUsed> run = refused != null
                                ? Source.failed(new CallFailed(7, "PermissionDenied", refused))
                                : Source.lazySource(() -> calls.call(call.method(), call.request()))
                                        .mapMaterializedValue(m -> NotUsed.getInstance());
                        Source<Piece, NotUsed> answer = Piece.cut(run);
                        call.replyTo().tell(new Opened(answer.runWith(StreamRefs.sourceRef(), materializer)));
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
