package io.kukeon.api;

import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

import java.time.Duration;

/**
 * A request's bytes up to a limit. Past it the reader fails with RESOURCE_EXHAUSTED, so nothing
 * more is buffered. Once the reader is done (failed here, or it stopped reading, as it does on a
 * message it cannot parse) the bytes still arriving are discarded for a short while rather than
 * the stream being cancelled at once: an HTTP/2 stream reset then would reach the client before
 * the status and leave it with a bare CANCELLED.
 */
final class BoundedRequestBytes extends GraphStage<FlowShape<ByteString, ByteString>> {
    /** How long the rest of an oversized request is read and dropped before its stream is reset. */
    static final Duration DISCARD_FOR = Duration.ofSeconds(5);

    private final Inlet<ByteString> in = Inlet.create("BoundedRequestBytes.in");
    private final Outlet<ByteString> out = Outlet.create("BoundedRequestBytes.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final long limit;
    private final String what;

    /** @param what the request, for the error: "the request", "the image archive" */
    BoundedRequestBytes(long limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new TimerGraphStageLogic(shape) {
            private long seen;
            private boolean discarding;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString bytes = grab(in);
                        if (discarding) {
                            pull(in);
                            return;
                        }
                        seen += bytes.size();
                        if (seen <= limit) {
                            push(out, bytes);
                            return;
                        }
                        fail(out, new ResourceExhaustedException(what + " is larger than " + Sizes.of(limit) + " ("
                                + limit + " bytes), the most kukeond reads of it"));
                        discardTheRest();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable cause) {
                        if (discarding) {
                            completeStage();   // the client went away after its answer: nothing to report
                        } else {
                            failStage(cause);
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        discardTheRest();
                    }
                });
            }

            private void discardTheRest() {
                discarding = true;
                scheduleOnce("discarded", DISCARD_FOR);
                if (!hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
                }
            }

            @Override
            public void onTimer(Object key) {
                completeStage();
            }
        };
    }
}
