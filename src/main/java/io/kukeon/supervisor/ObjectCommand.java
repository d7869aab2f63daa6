package io.kukeon.supervisor;

import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.SecretData;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TreeObject;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;

/**
 * What the API asks of one object. Each command carries the {@code replyTo} that waits for its
 * {@link Reply}; it travels down the tree inside a {@link Routed}.
 */
public sealed interface ObjectCommand extends Routed.Addressed {

    ActorRef<StatusReply<Reply>> replyTo();

    default void reply(Reply reply) {
        replyTo().tell(StatusReply.success(reply));
    }

    default void fail(Throwable error) {
        replyTo().tell(StatusReply.error(error));
    }

    /** How an upsert treats what exists and what is missing. */
    enum Mode {
        /** Create or update; missing parents are created; a cell is started. */
        APPLY,
        /** Create only: an existing object is left as it is; parents must exist; a cell is not started. */
        CREATE;

        public boolean createsParents() {
            return this == APPLY;
        }

        public boolean starts() {
            return this == APPLY;
        }

        public boolean createOnly() {
            return this == CREATE;
        }
    }

    /** Create the object, or bring it to this spec and labels. */
    record Upsert(TreeObject desired, Mode mode, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    record Get(ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {
        @Override
        public boolean mutates() {
            return false;
        }
    }

    /** @param force implies cascade */
    record Delete(boolean cascade, boolean force, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {
        public boolean cascades() {
            return cascade || force;
        }
    }

    record Start(ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** @param timeout SIGTERM to SIGKILL; null: the daemon's default */
    record Stop(Duration timeout, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    record Kill(ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** @param timeout of the stop part; null: the daemon's default */
    record Restart(Duration timeout, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /**
     * Create or update a Secret of the scope this is sent to; answered with no object, only the outcome.
     *
     * @param data null: keep the stored value (a redacted document applied back)
     */
    record PutSecret(String name, SecretData data, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** Remove a Secret of the scope this is sent to. */
    record RemoveSecret(String name, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** Create a Volume of the scope this is sent to (its directory too), or change its policy; answered with the outcome only. */
    record PutVolume(String name, ReclaimPolicy reclaimPolicy, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** Delete a Volume of the scope this is sent to, and its directory; refused while an active cell mounts it. */
    record RemoveVolume(String name, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** Create or replace a CellBlueprint or CellConfig (exactly one set) of the scope this is sent to. */
    record PutTemplate(String name, CellBlueprint blueprint, CellConfig config, ActorRef<StatusReply<Reply>> replyTo)
            implements ObjectCommand {
        public TemplateKind kind() {
            return blueprint != null ? TemplateKind.BLUEPRINT : TemplateKind.CONFIG;
        }
    }

    /** Remove a CellBlueprint or CellConfig of the scope this is sent to. */
    record RemoveTemplate(TemplateKind kind, String name, ActorRef<StatusReply<Reply>> replyTo) implements ObjectCommand {}

    /** Create or replace the realm's registry credential for its server address; sent to a realm. */
    record PutRegistryCredential(RegistryCredential credential, ActorRef<StatusReply<Reply>> replyTo)
            implements ObjectCommand {}
}
