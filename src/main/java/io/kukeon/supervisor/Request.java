package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * An operation on one object, routed down the tree from the host to the actor that owns the
 * object. {@code replyTo} is null for notifications (runtime events) and for requests a parent
 * sends its own children during a cascade.
 */
public record Request(ObjectPath target, Operation op, ActorRef<StatusReply<Reply>> replyTo) implements TreeCommand {

    public void reply(Reply reply) {
        if (replyTo != null) {
            replyTo.tell(StatusReply.success(reply));
        }
    }

    public void fail(Throwable error) {
        if (replyTo != null) {
            replyTo.tell(StatusReply.error(error));
        }
    }

    /** The name at the level below {@code owner}: where a parent sends this request next. */
    public String childNameBelow(ObjectPath owner) {
        return target.segments().get(owner == null ? 0 : owner.segments().size());
    }

    /** True if the request targets the object at {@code owner} itself. */
    public boolean targets(ObjectPath owner) {
        return target.equals(owner);
    }
}
