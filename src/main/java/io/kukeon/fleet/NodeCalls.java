package io.kukeon.fleet;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * This node's own API as the fleet's other members reach it: a call by its name with its request's
 * protobuf bytes, answered by the messages of its response (one for a unary call, many for a
 * stream), each as protobuf bytes. A failure ends the source with a {@link CallFailed}. A call that
 * arrives here runs here: it is never routed on to another node.
 */
public interface NodeCalls {
    /**
     * @param request the request, or the first message of a call whose client streams (exec, attach)
     * @param more    the client's further messages of such a call; empty for the others
     */
    Source<byte[], NotUsed> call(String method, byte[] request, Source<byte[], NotUsed> more);
}
