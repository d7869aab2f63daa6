package io.kukeon.supervisor.tree;

import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.UserNetwork;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;

/** What passes between a parent and its children about their existence. */
public final class ChildMessages {
    private ChildMessages() {}

    /** Parent → child after recovery: do you exist? The answer is {@link Absent} or nothing. */
    public record Probe(ActorRef<TreeCommand> parent) implements TreeCommand {}

    /** Child → parent, the answer to a {@link Probe}: I do not exist (never created, or deleted). */
    public record Absent(String name) implements TreeCommand {}

    /**
     * Realm → host after recovery: the containerd namespace I hold, so that the host claims it for
     * a realm added before the host wrote claims.
     */
    public record NamespaceHeld(String realm, String namespace) implements TreeCommand {}

    /**
     * Space → host, through its realm: where this space's network comes from. Without a
     * {@code cniConfigPath}, the {@code /24} of the pod subnet it has, claimed in the host's journal
     * the first time (so no two spaces ever share one, also across a crash), the same one every
     * time after. With one and the {@code network} read from it (the space's provisioning), that
     * network, claimed once it overlaps no other space's. A cell asks without either; its space
     * adds its {@code cniConfigPath} as the claim passes, so that a space on a user's network is
     * never given a {@code /24}. Answered with the source, or an error (none free, an overlap).
     *
     * @param cniConfigPath the space's {@code spec.cniConfigPath}, or null
     * @param network       the user's network as the space read it, or null (a cell's claim)
     */
    public record ClaimSubnet(ObjectPath space, String cniConfigPath, UserNetwork network,
                              ActorRef<StatusReply<SpaceNetworkSource>> replyTo) implements TreeCommand {
        /** How long an ask of the host waits: it answers from memory, or after one journal write. */
        public static final Duration TIMEOUT = Duration.ofSeconds(30);

        /** A cell's claim: whatever its space has. */
        public ClaimSubnet(ObjectPath space, ActorRef<StatusReply<SpaceNetworkSource>> replyTo) {
            this(space, null, null, replyTo);
        }

        /** The claim as it leaves the space: marked with the space's {@code spec.cniConfigPath}. */
        public ClaimSubnet fromSpaceWith(String spaceCniConfigPath) {
            return cniConfigPath != null || spaceCniConfigPath == null ? this
                    : new ClaimSubnet(space, spaceCniConfigPath, null, replyTo);
        }
    }

    /** Space → host, through its realm, as the space's delete ends: its {@code /24} is free again. */
    public record ReleaseSubnet(ObjectPath space, ActorRef<StatusReply<Done>> replyTo) implements TreeCommand {}

    /**
     * Parent → child: delete yourself and everything below you, as part of the parent's own delete.
     * Answered with {@link Gone} or {@link DeleteFailed}; compared by identity, so that an answer to
     * an earlier incarnation's cascade is told apart.
     */
    public static final class CascadeDelete implements TreeCommand {}

    /** Who waits for a child's delete: the API's command, the parent's cascade, or nobody (resumed at recovery). */
    public sealed interface DeleteOrigin permits Asked, Cascade, Resumed {
        /** Answers the API when it asked; a cascade's answer is the parent's own business. */
        default void answer(Reply reply) {
            if (this instanceof Asked asked) {
                asked.delete().reply(reply);
            }
        }

        default void fail(Throwable error) {
            if (this instanceof Asked asked) {
                asked.delete().fail(error);
            }
        }
    }

    public record Asked(ObjectCommand.Delete delete) implements DeleteOrigin {}

    public record Cascade(CascadeDelete delete) implements DeleteOrigin {}

    public record Resumed() implements DeleteOrigin {}

    /** Child → parent: my delete finished; the parent forgets me, then answers {@code origin} with {@code reply}. */
    public record Gone(String name, DeleteOrigin origin, Reply reply) implements TreeCommand {}

    /**
     * Child → parent: the delete from {@code origin} failed. The child still exists, unless the
     * error says that it, itself, does not ({@link #childAbsent}).
     */
    public record DeleteFailed(String name, DeleteOrigin origin, Throwable error) implements TreeCommand {
        /**
         * The child at {@code child} is not there (its delete finished earlier). A "not found" about
         * anything else, a grandchild say, passed up with a failed cascade, does not count.
         */
        public boolean childAbsent(ObjectPath child) {
            return error instanceof NotFoundException missing && missing.isAbout(child);
        }
    }
}
