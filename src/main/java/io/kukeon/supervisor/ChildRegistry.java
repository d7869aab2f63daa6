package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The live side of a parent's children: their actor refs, which of them are being deleted, and
 * which were probed after recovery. Which children exist is the parent's persisted state; this
 * class only keeps the running actors in step with it.
 */
final class ChildRegistry {
    private final ActorContext<TreeCommand> context;
    private final ObjectPath owner;
    private final BiFunction<ObjectPath, ActorRef<TreeCommand>, Behavior<TreeCommand>> factory;
    private final Map<String, ActorRef<TreeCommand>> refs = new HashMap<>();
    private final Set<String> deleting = new HashSet<>();
    private final Set<String> probing = new HashSet<>();
    private long incarnations;

    /**
     * @param owner   the parent's path (null for the host)
     * @param factory builds a child's behaviour from its path and its parent
     */
    ChildRegistry(ActorContext<TreeCommand> context, ObjectPath owner,
                  BiFunction<ObjectPath, ActorRef<TreeCommand>, Behavior<TreeCommand>> factory) {
        this.context = context;
        this.owner = owner;
        this.factory = factory;
    }

    ObjectPath pathOf(String name) {
        return owner == null ? ObjectPath.of(name) : owner.child(name);
    }

    /** After recovery: start every child and ask it whether it exists (a crash may have left a ghost). */
    void spawnAndProbe(Collection<String> names) {
        for (String name : names) {
            probing.add(name);
            ref(name).tell(new ChildMessages.Probe(context.getSelf()));
        }
    }

    /** Sends to the child, starting it if needed. Any message but a probe settles the probe. */
    void forward(String name, TreeCommand message) {
        probing.remove(name);
        ref(name).tell(message);
    }

    void broadcast(Collection<String> names, TreeCommand message) {
        for (String name : names) {
            ref(name).tell(message);
        }
    }

    /** A probe's "I do not exist" counts only if nothing was sent to the child since the probe. */
    boolean acceptProbeAnswer(String name) {
        return probing.remove(name);
    }

    boolean isDeleting(String name) {
        return deleting.contains(name);
    }

    void markDeleting(String name) {
        deleting.add(name);
    }

    void unmarkDeleting(String name) {
        deleting.remove(name);
    }

    /**
     * After a restart of the owner (a journal failure): its children's actors were stopped with it,
     * but the owner object, and this registry, outlive the restart. Forget their refs; fresh actors,
     * with fresh names, are started on demand.
     */
    void forgetAll() {
        refs.clear();
        probing.clear();
        deleting.clear();
    }

    /** Stops the child's actor; a later create of the same name starts a fresh one. */
    void stop(String name) {
        probing.remove(name);
        deleting.remove(name);
        ActorRef<TreeCommand> ref = refs.remove(name);
        if (ref != null) {
            context.stop(ref);
        }
    }

    private ActorRef<TreeCommand> ref(String name) {
        // A fresh actor name per incarnation: the stopped one may not have terminated yet.
        return refs.computeIfAbsent(name, n -> context.spawn(factory.apply(pathOf(n), context.getSelf()),
                n + "." + (++incarnations)));
    }
}
