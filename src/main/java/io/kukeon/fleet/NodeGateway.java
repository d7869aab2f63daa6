package io.kukeon.fleet;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.SinkRef;
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
     * @param request      its request's protobuf bytes (the first message of a call whose client streams)
     * @param streams      the client streams more messages (exec, attach): the answer opens a way for them
     * @param sentAtMillis when it was sealed
     * @param seal         its {@link CallSeal}
     */
    public record Call(String method, byte[] request, boolean streams, long sentAtMillis, byte[] seal,
                       ActorRef<Opened> replyTo) implements FleetMessage {}

    /**
     * The answer, to be pulled within the stream reference's subscription timeout; and for a call
     * whose client streams, where its further messages go (else null).
     */
    public record Opened(SourceRef<Piece> answer, SinkRef<Piece> more) implements FleetMessage {}

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
                        if (refused != null) {
                            Source<Piece, NotUsed> no = Piece.cut(Source.failed(new CallFailed(7, "PermissionDenied", refused)));
                            call.replyTo().tell(new Opened(no.runWith(StreamRefs.sourceRef(), materializer), null));
                            return Behaviors.same();
                        }
                        Pair<SinkRef<Piece>, Source<Piece, NotUsed>> more = call.streams()
                                ? StreamRefs.<Piece>sinkRef().preMaterialize(materializer) : null;
                        Source<byte[], NotUsed> moreMessages = more == null ? Source.empty() : more.second().via(Piece.joined());
                        Source<Piece, NotUsed> answer = Piece.cut(Source.lazySource(
                                () -> calls.call(call.method(), call.request(), moreMessages))
                                .mapMaterializedValue(m -> NotUsed.getInstance()));
                        call.replyTo().tell(new Opened(answer.runWith(StreamRefs.sourceRef(), materializer),
                                more == null ? null : more.first()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
