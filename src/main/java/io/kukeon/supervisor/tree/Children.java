package io.kukeon.supervisor.tree;

import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The live side of a parent's children: their actors, which of them are being deleted, which were
 * probed after recovery, and what each last reported. Which children exist is the parent's
 * journaled record; this only keeps the running actors in step with it. Made through
 * {@link TreeNode#childRegistry}, so a restart of the parent, which stops the children's actors,
 * forgets all of it.
 *
 * @param <R> what a child reports to its parent (a container's status), or {@link Void}
 */
public final class Children<R> {
    private final ActorContext<TreeCommand> context;
    private final ObjectPath owner;
    private final BiFunction<ObjectPath, ActorRef<TreeCommand>, Behavior<TreeCommand>> factory;
    // Read by a cell's operations off the actor's thread; written on it only.
    private final Map<String, ActorRef<TreeCommand>> refs = new ConcurrentHashMap<>();
    private final Set<String> deleting = new HashSet<>();
    private final Set<String> probing = new HashSet<>();
    private final Map<String, R> reports = new HashMap<>();
    private long incarnations;

    /**
     * @param owner   the parent's path (null for the host)
     * @param factory builds a child's behaviour from its path and its parent
     */
    Children(ActorContext<TreeCommand> context, ObjectPath owner,
             BiFunction<ObjectPath, ActorRef<TreeCommand>, Behavior<TreeCommand>> factory) {
        this.context = context;
        this.owner = owner;
        this.factory = factory;
    }

    public ObjectPath pathOf(String name) {
        return owner == null ? ObjectPath.of(name) : owner.child(name);
    }

    /** After recovery: start every child and ask it whether it exists (a crash may have left a ghost). */
    public void spawnAndProbe(Collection<String> names) {
        for (String name : names) {
            probing.add(name);
            ref(name).tell(new ChildMessages.Probe(context.getSelf()));
        }
    }

    /** Starts the actors of these children that do not run yet. */
    public void spawn(Collection<String> names) {
        names.forEach(this::ref);
    }

    /** Sends to the child, starting it if needed. Any message but a probe settles the probe. */
    public void forward(String name, TreeCommand message) {
        probing.remove(name);
        ref(name).tell(message);
    }

    public void broadcast(Collection<String> names, TreeCommand message) {
        for (String name : names) {
            ref(name).tell(message);
        }
    }

    /** Sends to every child whose actor runs. */
    public void tellRunning(TreeCommand message) {
        refs.values().forEach(ref -> ref.tell(message));
    }

    /** The running child's actor; fails if it does not run (callers spawn their children first). */
    public ActorRef<TreeCommand> running(String name) {
        ActorRef<TreeCommand> ref = refs.get(name);
        if (ref == null) {
            throw new IllegalStateException("no actor for " + pathOf(name));
        }
        return ref;
    }

    public boolean isRunning(String name) {
        return refs.containsKey(name);
    }

    /** A probe's "I do not exist" counts only if nothing was sent to the child since the probe. */
    public boolean acceptProbeAnswer(String name) {
        return probing.remove(name);
    }

    public boolean isDeleting(String name) {
        return deleting.contains(name);
    }

    public void markDeleting(String name) {
        deleting.add(name);
    }

    public void unmarkDeleting(String name) {
        deleting.remove(name);
    }

    /** What the running child last reported; ignored from a child whose actor no longer runs. */
    public void report(String name, R report) {
        if (refs.containsKey(name)) {
            reports.put(name, report);
        }
    }

    public Map<String, R> reports() {
        return reports;
    }

    /** Stops the child's actor; a later message to the same name starts a fresh one. */
    public void stop(String name) {
        probing.remove(name);
        deleting.remove(name);
        reports.remove(name);
        ActorRef<TreeCommand> ref = refs.remove(name);
        if (ref != null) {
            context.stop(ref);
        }
    }

    /** Stops every child's actor but those named. */
    public void stopAllBut(Collection<String> keep) {
        for (String name : List.copyOf(refs.keySet())) {
            if (!keep.contains(name)) {
                stop(name);
            }
        }
    }

    /**
     * After a restart of the owner (a journal failure): its children's actors were stopped with it,
     * but the owner object, and this registry, outlive the restart. Forget them; fresh actors, with
     * fresh names, are started on demand.
     */
    void forgetAll() {
        refs.clear();
        probing.clear();
        deleting.clear();
        reports.clear();
    }

    private ActorRef<TreeCommand> ref(String name) {
        // A fresh actor name per incarnation: the stopped one may not have terminated yet.
        return refs.computeIfAbsent(name, n -> context.spawn(factory.apply(pathOf(n), context.getSelf()),
                n + "." + (++incarnations)));
    }
}
