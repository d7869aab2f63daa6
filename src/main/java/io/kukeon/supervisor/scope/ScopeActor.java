package io.kukeon.supervisor.scope;

import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.StoredTemplate;
import io.kukeon.model.StoredVolume;
import io.kukeon.model.TemplateScope;
import io.kukeon.model.VolumeScope;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.UserNetwork;
import io.kukeon.supervisor.Asks;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.supervisor.cell.CellActor;
import io.kukeon.supervisor.scope.ScopeEvent.ChildAdded;
import io.kukeon.supervisor.scope.ScopeEvent.ChildRemoved;
import io.kukeon.supervisor.scope.ScopeEvent.Created;
import io.kukeon.supervisor.scope.ScopeEvent.DeleteFailed;
import io.kukeon.supervisor.scope.ScopeEvent.DeleteRequested;
import io.kukeon.supervisor.scope.ScopeEvent.Deleted;
import io.kukeon.supervisor.scope.ScopeEvent.Provisioned;
import io.kukeon.supervisor.scope.ScopeEvent.Updated;
import io.kukeon.supervisor.scope.ScopeWork.Deleting;
import io.kukeon.supervisor.scope.ScopeWork.Provisioning;
import io.kukeon.supervisor.scope.ScopeWork.Retired;
import io.kukeon.supervisor.tree.Blocking;
import io.kukeon.supervisor.tree.Broadcast;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.supervisor.tree.ChildMessages.DeleteOrigin;
import io.kukeon.supervisor.tree.Children;
import io.kukeon.supervisor.tree.Failures;
import io.kukeon.supervisor.tree.HeldSecrets;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.supervisor.tree.TreeNode;
import io.kukeon.supervisor.tree.Waiting;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A realm, a space or a stack: a level that owns a cgroup (a realm also owns a containerd
 * namespace) and supervises its children. The three levels differ only in their spec's fields
 * and in what lies below them, so one actor class serves all three.
 *
 * <p>Persist, act, persist: {@link Created}, {@link Updated} and {@link DeleteRequested} are written
 * before the side effect, {@link Provisioned}, {@link Deleted} and {@link DeleteFailed} after it. An
 * intent found without its outcome at recovery is carried out again (every step is idempotent).
 * The work in flight is one {@link ScopeWork}.
 */
public final class ScopeActor extends TreeNode<ScopeEvent, ScopeRecord> {

    // results of side effects: to itself only
    private record ProvisionDone(ScopeProvisioning.Result result) implements TreeCommand {}

    private record DeprovisionDone(Throwable error) implements TreeCommand {}

    // ---- factory ----

    /** @param realm the realm's access, as the parent knows it (null for a realm, which has its own) */
    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> parent, Ports ports,
                                               RealmAccess realm) {
        return supervised(Behaviors.setup(context -> new ScopeActor(context, path, parent, ports, realm)));
    }

    private final Children<Void> children;
    private ScopeWork work = ScopeWork.IDLE;

    private ScopeActor(ActorContext<TreeCommand> context, ObjectPath path, ActorRef<TreeCommand> parent, Ports ports,
                       RealmAccess realm) {
        super(context, PersistenceIds.of(path), path, parent, ports, realm);
        this.children = childRegistry((childPath, self) -> childPath.kind() == Kind.CELL
                ? CellActor.create(childPath, self, ports, this.realm)
                : ScopeActor.create(childPath, self, ports, this.realm));
    }

    @Override
    public ScopeRecord emptyState() {
        return ScopeRecord.empty();
    }

    // ---- commands ----

    @Override
    protected boolean busy() {
        return work.busy();
    }

    @Override
    public CommandHandler<TreeCommand, ScopeEvent, ScopeRecord> commandHandler() {
        CommandHandlerBuilder<TreeCommand, ScopeEvent, ScopeRecord> builder = newCommandHandlerBuilder();
        whileBusy(builder)
                .onCommand(ProvisionDone.class, this::onProvisionDone)
                .onCommand(DeprovisionDone.class, this::onDeprovisionDone);
        inAnyState(builder)
                .onCommand(Routed.class, (state, routed) -> routed.isFor(path) ? onCommand(state, routed)
                        : routeDown(state, routed))
                .onCommand(ChildMessages.CascadeDelete.class, (state, delete) -> onDelete(state, new ChildMessages.Cascade(delete), true))
                .onCommand(ChildMessages.Absent.class, (state, absent) -> forgetAbsentChild(state.children(), children,
                        absent, childRemoved(absent.name())))
                .onCommand(ChildMessages.Gone.class, this::onChildGone)
                .onCommand(ChildMessages.DeleteFailed.class, this::onChildDeleteFailed)
                .onCommand(ChildMessages.ClaimSubnet.class, (state, claim) -> passUp(path.kind() == Kind.SPACE
                        && claim.space().equals(path) && state.exists() ? claim.fromSpaceWith(state.spec().cniConfigPath()) : claim))
                .onCommand(ChildMessages.ReleaseSubnet.class, release -> passUp(release))
                .onCommand(Broadcast.class, this::onBroadcast);
        return builder.build();
    }

    /** A command for this level itself. */
    private Effect<ScopeEvent, ScopeRecord> onCommand(ScopeRecord state, Routed routed) {
        ObjectCommand command = (ObjectCommand) routed.message();
        if (command instanceof ObjectCommand.Get get) {
            return answerGet(get, state.exists());
        }
        if (command instanceof ObjectCommand.Upsert upsert) {
            return onUpsert(state, upsert);
        }
        if (command instanceof ObjectCommand.Delete delete) {
            return onDelete(state, new ChildMessages.Asked(delete), delete.cascades());
        }
        if (command instanceof ObjectCommand.PutSecret put) {
            return onPutSecret(state, put);
        }
        if (command instanceof ObjectCommand.RemoveSecret remove) {
            return onRemoveSecret(state, remove);
        }
        if (command instanceof ObjectCommand.PutVolume put) {
            return onPutVolume(state, put);
        }
        if (command instanceof ObjectCommand.RemoveVolume remove) {
            return onRemoveVolume(state, remove);
        }
        if (command instanceof ObjectCommand.PutTemplate put) {
            return onPutTemplate(state, put);
        }
        if (command instanceof ObjectCommand.RemoveTemplate remove) {
            return onRemoveTemplate(state, remove);
        }
        if (command instanceof ObjectCommand.PutRegistryCredential put && path.kind() == Kind.REALM) {
            return onPutRegistryCredential(state, put);
        }
        command.fail(new InvalidArgumentException("kind",
                "only cells and containers can be started, stopped, killed or restarted, not a " + path.kind().label()));
        return Effect().none();
    }

    private Effect<ScopeEvent, ScopeRecord> onUpsert(ScopeRecord state, ObjectCommand.Upsert upsert) {
        ScopeSpec desired = ScopeSpec.of(upsert.desired());
        Map<String, String> labels = upsert.desired().metadata().labels();
        Map<String, String> annotations = upsert.desired().metadata().annotations();
        if (!state.exists()) {
            if (work instanceof Retired) {
                upsert.fail(notFound());
                return Effect().none();
            }
            return recordAndProvision(new Created(desired, labels, annotations, Instant.now()), waiting(upsert, Reply.Outcome.CREATED));
        }
        if (upsert.mode().createOnly()) {
            upsert.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        desired = desired.keepingPasswordsOf(state.spec(), RegistryCredential.REDACTED);
        if (path.kind() == Kind.SPACE && !Objects.equals(desired.cniConfigPath(), state.spec().cniConfigPath())) {
            upsert.fail(new FailedPreconditionException("CniConfigPathImmutable", "space \"" + path.name()
                    + "\": spec.cniConfigPath cannot change (from " + describeSource(state.spec().cniConfigPath()) + " to "
                    + describeSource(desired.cniConfigPath()) + "); delete the space and recreate it"));
            return Effect().none();
        }
        if (path.kind() == Kind.REALM && !Objects.equals(desired.realmSpec().namespaceOn(ports.ids(), path.name()),
                state.spec().realmSpec().namespaceOn(ports.ids(), path.name()))) {
            upsert.fail(new FailedPreconditionException("NamespaceImmutable", "realm \"" + path.name()
                    + "\": spec.namespace cannot change; delete the realm and create it again"));
            return Effect().none();
        }
        if (desired.equals(state.spec()) && labels.equals(state.labels()) && annotations.equals(state.annotations())) {
            if (state.outcome().state() == LevelState.Ready || state.phase() != ScopeRecord.Phase.PROVISIONED) {
                upsert.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
                return Effect().none();
            }
            provision(state, waiting(upsert, Reply.Outcome.UNCHANGED), false);   // a failed level tries again
            return Effect().none();
        }
        return recordAndProvision(new Updated(desired, labels, annotations, state.generations().current() + 1, Instant.now()),
                waiting(upsert, Reply.Outcome.UPDATED));
    }

    /**
     * An upsert of the realm as it is, with the one credential put in: decided here, on the stored
     * spec, so that the other credentials keep their passwords and two puts at once both land.
     */
    private Effect<ScopeEvent, ScopeRecord> onPutRegistryCredential(ScopeRecord state, ObjectCommand.PutRegistryCredential put) {
        if (!state.exists() || work instanceof Retired) {
            put.fail(notFound());
            return Effect().none();
        }
        TreeObject.Realm current = (TreeObject.Realm) view(state, null);
        TreeObject.Realm desired = new TreeObject.Realm(path, current.metadata(),
                current.spec().withCredential(put.credential()), current.status());
        return onUpsert(state, new ObjectCommand.Upsert(desired, ObjectCommand.Mode.APPLY, put.replyTo()));
    }

    // ---- secrets ----

    private Effect<ScopeEvent, ScopeRecord> onPutSecret(ScopeRecord state, ObjectCommand.PutSecret put) {
        if (!state.exists() || work instanceof Retired) {
            put.fail(notFound());
            return Effect().none();
        }
        Reply.Outcome outcome = HeldSecrets.decide(state.secrets(), path, put);
        if (outcome == null) {
            return Effect().none();
        }
        return Effect().persist(new ScopeEvent.SecretPut(put.name(), put.data(), Instant.now()))
                .thenRun(s -> {
                    publishSecrets(s);
                    put.reply(Reply.of(null, outcome));
                });
    }

    private Effect<ScopeEvent, ScopeRecord> onRemoveSecret(ScopeRecord state, ObjectCommand.RemoveSecret remove) {
        if (!state.exists() || work instanceof Retired) {
            remove.fail(notFound());
            return Effect().none();
        }
        if (!HeldSecrets.decide(state.secrets(), path, remove)) {
            return Effect().none();
        }
        return Effect().persist(new ScopeEvent.SecretRemoved(remove.name(), Instant.now()))
                .thenRun(s -> {
                    publishSecrets(s);
                    remove.reply(HeldSecrets.removed(path, remove.name()));
                });
    }

    private void publishSecrets(ScopeRecord state) {
        if (state.exists() && !(work instanceof Retired)) {
            ports.storedSecrets().replace(path, state.secrets());
        }
    }

    // ---- volumes: persist first, then make or remove the directory ----

    private Effect<ScopeEvent, ScopeRecord> onPutVolume(ScopeRecord state, ObjectCommand.PutVolume put) {
        if (!state.exists() || work instanceof Retired) {
            put.fail(notFound());
            return Effect().none();
        }
        StoredVolume stored = state.volumes().get(put.name());
        if (stored != null && stored.reclaimPolicy() == put.reclaimPolicy()) {
            ensureVolumeDirectories(Map.of(put.name(), stored), put, Reply.Outcome.UNCHANGED);   // re-made if it went missing
            return Effect().none();
        }
        if (stored == null && state.volumes().size() >= VolumeScope.MAX_VOLUMES) {
            put.fail(new ResourceExhaustedException(path.kind().label() + " \"" + path + "\" holds "
                    + state.volumes().size() + " volumes; at most " + VolumeScope.MAX_VOLUMES));
            return Effect().none();
        }
        Reply.Outcome outcome = stored == null ? Reply.Outcome.CREATED : Reply.Outcome.UPDATED;
        return Effect().persist(new ScopeEvent.VolumePut(put.name(), put.reclaimPolicy(), Instant.now()))
                .thenRun(s -> {
                    publishVolumes(s);
                    ensureVolumeDirectories(Map.of(put.name(), s.volumes().get(put.name())), put, outcome);
                });
    }

    private Effect<ScopeEvent, ScopeRecord> onRemoveVolume(ScopeRecord state, ObjectCommand.RemoveVolume remove) {
        if (!state.exists() || work instanceof Retired) {
            remove.fail(notFound());
            return Effect().none();
        }
        if (!state.volumes().containsKey(remove.name())) {
            remove.fail(NotFoundException.volume(remove.name(), path));
            return Effect().none();
        }
        List<String> active = ports.storedVolumes().users(ports.index(), path, remove.name()).stream()
                .filter(VolumeIndex.User::active).map(u -> u.cell() + " (" + u.state() + ")").toList();
        if (!active.isEmpty()) {
            remove.fail(new FailedPreconditionException("VolumeInUse", "volume \"" + remove.name() + "\" of "
                    + path.kind().label() + " \"" + path + "\" is mounted by cells that are not stopped: "
                    + String.join(", ", active) + "; stop or delete them first"));
            return Effect().none();
        }
        return Effect().persist(new ScopeEvent.VolumeRemoved(remove.name(), Instant.now()))
                .thenRun(s -> {
                    publishVolumes(s);
                    CompletableFuture.runAsync(() -> {
                        try {
                            ports.volumeDirectories().remove(path, remove.name());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, Blocking.runtime(context)).whenComplete((done, error) -> {
                        if (error == null) {
                            remove.reply(Reply.deleted(List.of(path + "/volume/" + remove.name())));
                        } else {
                            remove.fail(new UnavailableException("VolumeDirectoryFailed", "volume \"" + remove.name()
                                    + "\" is deleted but its directory " + ports.volumeDirectories().dir(path, remove.name())
                                    + " could not be removed: " + Failures.describe(Blocking.unwrap(error))));
                        }
                    });
                });
    }

    /**
     * Makes the volumes' directories (idempotent: an existing one is adopted) off the actor's thread;
     * answers {@code asked} (if any) with {@code outcome} once they are there.
     */
    private void ensureVolumeDirectories(Map<String, StoredVolume> volumes, ObjectCommand asked, Reply.Outcome outcome) {
        CompletableFuture.runAsync(() -> volumes.keySet().forEach(name -> {
            try {
                ports.volumeDirectories().ensure(path, name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), Blocking.runtime(context)).whenComplete((done, error) -> {
            if (error == null) {
                if (asked != null) {
                    asked.reply(Reply.of(null, outcome));
                }
                return;
            }
            String why = path.kind().label() + " \"" + path + "\": a volume's directory could not be made: "
                    + Failures.describe(Blocking.unwrap(error));
            if (asked != null) {
                asked.fail(new UnavailableException("VolumeDirectoryFailed", why));
            } else {
                context.getSystem().log().warn(why);
            }
        });
    }

    private void publishVolumes(ScopeRecord state) {
        if (state.exists() && !(work instanceof Retired)) {
            ports.storedVolumes().replace(path, state.volumes());
        }
    }

    // ---- cell templates ----

    private Effect<ScopeEvent, ScopeRecord> onPutTemplate(ScopeRecord state, ObjectCommand.PutTemplate put) {
        if (!state.exists() || work instanceof Retired) {
            put.fail(notFound());
            return Effect().none();
        }
        StoredTemplate stored = state.templates().get(put.kind(), put.name());
        if (stored != null && Objects.equals(stored.blueprint(), put.blueprint()) && Objects.equals(stored.config(), put.config())) {
            put.reply(Reply.of(null, Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        int held = state.templates().of(put.kind()).size();
        if (stored == null && held >= TemplateScope.MAX_TEMPLATES) {
            put.fail(new ResourceExhaustedException(path.kind().label() + " \"" + path + "\" holds " + held + " "
                    + put.kind().kindName() + "s; at most " + TemplateScope.MAX_TEMPLATES));
            return Effect().none();
        }
        Reply.Outcome outcome = stored == null ? Reply.Outcome.CREATED : Reply.Outcome.UPDATED;
        return Effect().persist(new ScopeEvent.TemplatePut(put.name(), put.blueprint(), put.config(), Instant.now()))
                .thenRun(s -> {
                    publishTemplates(s);
                    put.reply(Reply.of(null, outcome));
                });
    }

    private Effect<ScopeEvent, ScopeRecord> onRemoveTemplate(ScopeRecord state, ObjectCommand.RemoveTemplate remove) {
        if (!state.exists() || work instanceof Retired) {
            remove.fail(notFound());
            return Effect().none();
        }
        if (state.templates().get(remove.kind(), remove.name()) == null) {
            remove.fail(NotFoundException.template(remove.kind(), remove.name(), path, false));
            return Effect().none();
        }
        return Effect().persist(new ScopeEvent.TemplateRemoved(remove.kind(), remove.name(), Instant.now()))
                .thenRun(s -> {
                    publishTemplates(s);
                    remove.reply(Reply.deleted(List.of(path + "/" + remove.kind().label() + "/" + remove.name())));
                });
    }

    private void publishTemplates(ScopeRecord state) {
        if (state.exists() && !(work instanceof Retired)) {
            ports.templates().replace(path, state.templates());
        }
    }

    private Waiting waiting(ObjectCommand command, Reply.Outcome outcome) {
        return Waiting.on(command, path, outcome);
    }

    /** Writes a new spec (or the level itself), then makes the host match it. */
    private Effect<ScopeEvent, ScopeRecord> recordAndProvision(ScopeEvent intent, Waiting waiting) {
        work = new Provisioning(waiting, false);
        return Effect().persist(intent).thenRun(s -> {
            takeRealmAccess(s);
            provision(s, waiting, false);
        });
    }

    private void provision(ScopeRecord state, Waiting waiting, boolean quiet) {
        work = new Provisioning(waiting, quiet);
        ScopeSpec spec = state.spec();
        boolean heldBefore = state.times().readyAt() != null;
        CompletableFuture<SpaceNetworkSource> subnet = path.kind() != Kind.SPACE ? CompletableFuture.completedFuture(null)
                : spec.cniConfigPath() == null ? askHost(replyTo -> new ChildMessages.ClaimSubnet(path, replyTo))
                : CompletableFuture.supplyAsync(() -> UserNetwork.read(spec.cniConfigPath()), Blocking.runtime(context))
                        .thenCompose(network -> askHost(replyTo -> new ChildMessages.ClaimSubnet(path, spec.cniConfigPath(), network, replyTo)));
        Blocking.pipe(context, subnet.handleAsync((claimed, noSubnet) -> ScopeProvisioning.provision(ports, path, spec,
                        heldBefore, claimed, Blocking.unwrap(noSubnet)), Blocking.runtime(context)),
                (result, error) -> new ProvisionDone(result != null ? result
                        : new ScopeProvisioning.Result(GroupStatus.missing(ports.ids().cgroup(path).toString()), null,
                        LevelState.Failed, "ProvisionFailed", Failures.describe(error))));
    }

    private Effect<ScopeEvent, ScopeRecord> onProvisionDone(ScopeRecord state, ProvisionDone done) {
        Provisioning provisioning = (Provisioning) work;
        work = ScopeWork.IDLE;
        ScopeProvisioning.Result r = done.result();
        ScopeRecord.Outcome now = state.outcome();
        boolean unchanged = state.phase() == ScopeRecord.Phase.PROVISIONED && r.state() == now.state()
                && Objects.equals(r.cgroup(), now.cgroup()) && Objects.equals(r.namespaceReady(), now.namespaceReady())
                && Objects.equals(r.reason(), now.reason());
        if (provisioning.quiet() && unchanged) {
            publish(state);
            return Effect().unstashAll();
        }
        if (r.reason() != null) {   // one line where the operator looks; the status says it too
            context.getLog().warn("{} {}: {}: {}", path.kind().label(), path, r.reason(), r.message());
        }
        return Effect().persist(new Provisioned(r.cgroup(), r.namespaceReady(), r.state(), r.reason(), r.message(),
                        Instant.now()))
                .thenRun(s -> {
                    publish(s);
                    provisioning.waiting().answer(target -> view(s, null));
                })
                .thenUnstashAll();
    }

    /** Every answer to a delete goes through the parent, which holds back other messages for us meanwhile. */
    private Effect<ScopeEvent, ScopeRecord> onDelete(ScopeRecord state, DeleteOrigin origin, boolean cascade) {
        if (!state.exists() || work instanceof Retired) {
            return deleteFailed(origin, notFound());
        }
        if (!state.children().isEmpty() && !cascade) {
            return deleteFailed(origin, new FailedPreconditionException("ResourceHasDependencies",
                    path.kind().label() + " \"" + path.name() + "\" has " + state.children().size() + " "
                            + path.kind().child().label() + "(s). Use --cascade to delete them or --force to skip validation"));
        }
        work = Deleting.of(origin);
        return Effect().persist(new DeleteRequested(cascade, Instant.now())).thenRun(this::deleteChildren);
    }

    private Effect<ScopeEvent, ScopeRecord> deleteFailed(DeleteOrigin origin, Throwable error) {
        reportDeleteFailed(origin, error);
        return Effect().none();
    }

    /** Children first (depth-first), then our own resources. */
    private void deleteChildren(ScopeRecord state) {
        Deleting deleting = Deleting.of(((Deleting) work).origin());
        for (String child : state.children()) {
            ChildMessages.CascadeDelete delete = new ChildMessages.CascadeDelete();
            deleting = deleting.sent(child, delete);
            children.markDeleting(child);
            children.forward(child, delete);
        }
        work = deleting;
        if (deleting.childrenDone()) {
            deprovision(state);
        }
    }

    /** Our resources, then (a space) the subnet given back to the host: the last step, so a retry finds it still ours. */
    private void deprovision(ScopeRecord state) {
        ScopeSpec spec = state.spec();
        Map<String, StoredVolume> volumes = state.volumes();
        CompletableFuture<Done> removed = CompletableFuture.supplyAsync(() -> {
            ScopeProvisioning.deprovision(ports, path, spec);
            try {
                ports.volumeDirectories().reclaim(path, volumes);   // Retain volumes' directories stay
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Done.getInstance();
        }, Blocking.runtime(context));
        Blocking.pipe(context, path.kind() != Kind.SPACE ? removed
                        : removed.thenCompose(done -> askHost(replyTo -> new ChildMessages.ReleaseSubnet(path, replyTo))),
                (ok, error) -> new DeprovisionDone(error));
    }

    private static String describeSource(String cniConfigPath) {
        return cniConfigPath == null ? "kukeond's own network" : "\"" + cniConfigPath + "\"";
    }

    /** A space's question to the host, through its realm (which passes it up, busy or not). */
    private <T> CompletableFuture<T> askHost(org.apache.pekko.japi.function.Function<ActorRef<StatusReply<T>>, TreeCommand> message) {
        return Asks.askWithStatus(parent, message, ChildMessages.ClaimSubnet.TIMEOUT, context.getSystem().scheduler());
    }

    private Effect<ScopeEvent, ScopeRecord> onDeprovisionDone(ScopeRecord state, DeprovisionDone done) {
        Deleting deleting = (Deleting) work;
        work = ScopeWork.IDLE;
        if (done.error() != null) {
            return Effect().persist(new DeleteFailed("DeleteFailed", Failures.describe(done.error()), Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        reportDeleteFailed(deleting.origin(), done.error());
                    })
                    .thenUnstashAll();
        }
        List<String> deleted = new ArrayList<>(deleting.deleted());
        deleted.add(path.toString());
        return Effect().persist(new Deleted(Instant.now()))
                .thenRun(s -> {
                    work = new Retired();
                    reportDeleted(deleting.origin(), deleted);
                })
                .thenUnstashAll();
    }

    // ---- children ----

    private Effect<ScopeEvent, ScopeRecord> routeDown(ScopeRecord state, Routed routed) {
        if (!state.exists() || work instanceof Retired) {
            if (!(work instanceof Retired) && routed.message() instanceof ObjectCommand.Upsert upsert
                    && upsert.mode().createsParents()) {
                // Apply creates missing parents: this level first, with defaults, then the message again.
                context.getSelf().tell(routed);
                return recordAndProvision(new Created(ScopeSpec.defaults(), Map.of(), Map.of(), Instant.now()), Waiting.none());
            }
            if (routed.message() instanceof ObjectCommand command) {
                command.fail(notFound());
            }
            return Effect().none();
        }
        return routeToChild(state.children(), children, routed, name -> new ChildAdded(path.kind().child().label(), name));
    }

    /** A realm passes its spaces' questions for the host up to it. */
    private Effect<ScopeEvent, ScopeRecord> passUp(TreeCommand forHost) {
        parent.tell(forHost);
        return Effect().none();
    }

    private ChildRemoved childRemoved(String name) {
        return new ChildRemoved(path.kind().child().label(), name);
    }

    private Effect<ScopeEvent, ScopeRecord> onChildGone(ScopeRecord state, ChildMessages.Gone gone) {
        return forgetChild(state.children(), children, gone, childRemoved(gone.name()), s -> {
            if (work instanceof Deleting deleting && deleting.pending().containsKey(gone.name())) {
                Deleting rest = deleting.childGone(gone.name(), gone.reply() == null ? List.of() : gone.reply().deleted());
                work = rest;
                if (rest.childrenDone()) {
                    deprovision(s);
                }
            }
        });
    }

    private Effect<ScopeEvent, ScopeRecord> onChildDeleteFailed(ScopeRecord state, ChildMessages.DeleteFailed failed) {
        ChildMessages.CascadeDelete asked = work instanceof Deleting d ? d.pending().get(failed.name()) : null;
        if (asked == null) {
            return childDeleteFailed(state.children(), children, failed, childRemoved(failed.name()));
        }
        if (failed.childAbsent(children.pathOf(failed.name()))) {
            // Gone already: its delete finished before a crash that came before we recorded it.
            return onChildGone(state, new ChildMessages.Gone(failed.name(), new ChildMessages.Resumed(), null));
        }
        if (!(failed.origin() instanceof ChildMessages.Cascade cascade) || cascade.delete() != asked) {
            // The answer to a delete an earlier incarnation of ours sent, abandoned when that child's
            // actor stopped with it; the child has ours now, and its answer will come.
            return Effect().none();
        }
        // One child could not be deleted: this level stays, with the reason.
        Deleting deleting = (Deleting) work;
        work = ScopeWork.IDLE;
        deleting.pending().keySet().forEach(children::unmarkDeleting);
        String message = "could not delete " + path.kind().child().label() + " \"" + failed.name() + "\": "
                + Failures.describe(failed.error());
        return Effect().persist(new DeleteFailed("DeleteFailed", message, Instant.now()))
                .thenRun(s -> {
                    publish(s);
                    reportDeleteFailed(deleting.origin(), failed.error());
                })
                .thenUnstashAll();
    }

    private Effect<ScopeEvent, ScopeRecord> onBroadcast(ScopeRecord state, Broadcast broadcast) {
        children.broadcast(state.children(), broadcast);
        if (state.phase() == ScopeRecord.Phase.PROVISIONED && !busy() && broadcast.reprovision()) {
            provision(state, Waiting.none(), true);
        }
        return Effect().none();
    }

    // ---- events ----

    @Override
    public EventHandler<ScopeRecord, ScopeEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(ScopeRecord::apply);
    }

    // ---- recovery ----

    /** Answers whoever waits; the record's phase is resumed at recovery. */
    @Override
    protected void abandonWork(UnavailableException why) {
        work.waiting().fail(why);
        if (work instanceof Deleting deleting) {
            abandonDelete(deleting.origin(), why);
        }
        if (!(work instanceof Retired)) {
            work = ScopeWork.IDLE;
        }
    }

    @Override
    protected void onRecovered(ScopeRecord state) {
        publishSecrets(state);   // before the children: their containers look secrets up when they start
        publishVolumes(state);   // and volumes
        publishTemplates(state);
        if (state.exists() && state.phase() != ScopeRecord.Phase.DELETING && !state.volumes().isEmpty()) {
            ensureVolumeDirectories(state.volumes(), null, null);   // re-asserted: made again if gone
        }
        if (path.kind() == Kind.REALM) {   // an absent realm holds the namespace it would be created with
            parent.tell(new ChildMessages.NamespaceHeld(path.name(),
                    state.spec().realmSpec().namespaceOn(ports.ids(), path.name())));
        }
        takeRealmAccess(state);
        children.spawnAndProbe(new HashSet<>(state.children()));
        switch (state.phase()) {
            case PROVISIONING -> provision(state, Waiting.none(), false);
            case PROVISIONED -> provision(state, Waiting.none(), true);
            case DELETING -> {
                work = Deleting.of(new ChildMessages.Resumed());
                deleteChildren(state);
            }
            case ABSENT -> { }
        }
        publish(state);
    }

    /** A realm's children reach containerd through its namespace and logins; a change goes down to them. */
    private void takeRealmAccess(ScopeRecord state) {
        if (path.kind() != Kind.REALM || !state.exists()) {
            return;
        }
        RealmAccess now = new RealmAccess(state.spec().realmSpec().namespaceOn(ports.ids(), path.name()),
                state.spec().registryCredentials());
        if (realm != null && !realm.equals(now)) {
            children.tellRunning(new RealmAccess.Changed(now));
        }
        realm = now;
    }

    // ---- view ----

    private void publish(ScopeRecord state) {
        if (state.exists() && !(work instanceof Retired)) {
            ports.index().put(view(state, null));
        }
    }

    @Override
    protected boolean exists(ScopeRecord state) {
        return state.exists();
    }

    @Override
    protected TreeObject view(ScopeRecord s, GroupStatus.Usage usage) {
        Metadata metadata = new Metadata(path.name(), s.labels(), s.annotations(), s.generations().current());
        ScopeRecord.Outcome o = s.outcome();
        GroupStatus cgroup = o.cgroup() == null ? GroupStatus.missing(ports.ids().cgroup(path).toString()) : o.cgroup();
        String namespace = path.kind() == Kind.REALM ? s.spec().realmSpec().namespaceOn(ports.ids(), path.name()) : null;
        LevelStatus status = new LevelStatus(s.display(), o.reason(), o.message(), usage == null ? cgroup
                : cgroup.withUsage(usage), o.namespaceReady(), namespace, s.times().createdAt(), s.times().updatedAt(),
                s.times().readyAt(), s.generations().observed());
        return switch (path.kind()) {
            case REALM -> new TreeObject.Realm(path, metadata, s.spec().realmSpec(), status);
            case SPACE -> new TreeObject.Space(path, metadata, s.spec().spaceSpec(), status);
            default -> new TreeObject.Stack(path, metadata, s.spec().stackSpec(), status);
        };
    }
}
