package io.kukeon.api;

import io.kukeon.manifest.LabelSelector;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Names;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.volumes.VolumeDirectories;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import io.kukeon.wire.v1.DeleteVolumeResponse;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.ListVolumesResponse;
import io.kukeon.wire.v1.PutVolumeRequest;
import io.kukeon.wire.v1.PutVolumeResponse;
import io.kukeon.supervisor.TemplateIndex;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteResponse;
import io.kukeon.wire.v1.DeleteSecretRequest;
import io.kukeon.wire.v1.DeleteSecretResponse;
import io.kukeon.wire.v1.DeleteTemplateRequest;
import io.kukeon.wire.v1.DeleteTemplateResponse;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.HistoryResponse;
import io.kukeon.wire.v1.JournalExtentRequest;
import io.kukeon.wire.v1.JournalExtentResponse;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.Kukeon;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListImagesRequest;
import io.kukeon.wire.v1.ListImagesResponse;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.ListSecretsResponse;
import io.kukeon.wire.v1.ListTemplatesRequest;
import io.kukeon.wire.v1.ListTemplatesResponse;
import io.kukeon.wire.v1.LoadImageResponse;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.MaterializeCellRequest;
import io.kukeon.wire.v1.ObjectResponse;
import io.kukeon.wire.v1.PullImageProgress;
import io.kukeon.wire.v1.PullImageRequest;
import io.kukeon.wire.v1.PutRegistryCredentialRequest;
import io.kukeon.wire.v1.PutRegistryCredentialResponse;
import io.kukeon.wire.v1.PutSecretRequest;
import io.kukeon.wire.v1.PutSecretResponse;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.VersionResponse;
import io.kukeon.wire.v1.WatchRequest;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kukeon v1 service: a thin mapper from requests to tree operations and back. Requests are
 * validated here, before anything is routed; failures become gRPC statuses in {@link ErrorMapping}.
 */
public final class KukeonService implements Kukeon {
    private final SupervisorTree tree;
    private final io.kukeon.fleet.Fleet fleet;
    private final io.kukeon.supervisor.ObjectIndex index;
    private final JournalQueries journal;
    private final ApplyService applier;
    private final ImageService images;
    private final ExecService execs;
    private final RunLogs runLogs;
    private final DaemonStatus status;
    private final HostIds ids;
    private final DataDirSpace dataDir;
    private final HeapRoom heap;
    private final SecretService secrets;
    private final SecretIndex storedSecrets;
    private final VolumeService volumes;
    private final VolumeIndex storedVolumes;
    private final TemplateIndex storedTemplates;
    private final TemplateService templates;
    private final CellMaterializer materializer;
    private final FleetRoutes routes;
    /** The read pool: the journal's extent is a query of the store. */
    private final Executor reads;
    /** Published ports of creates and applies in flight: one set for both, so neither races the other. */
    private final PublishedPortHolds portHolds = new PublishedPortHolds();

    public KukeonService(SupervisorTree tree, io.kukeon.supervisor.ObjectIndex index, SecretIndex storedSecrets,
                         VolumeIndex storedVolumes, VolumeDirectories volumeDirectories, TemplateIndex storedTemplates,
                         JournalQueries journal, ImageService images, ExecService execs, DaemonStatus status, HostIds ids,
                         DataDirSpace dataDir, HeapRoom heap, Path logRoot, Executor reads, int applyParallelism,
                         io.kukeon.fleet.Fleet fleet) {
        this.fleet = fleet;
        this.routes = new FleetRoutes(fleet, index, tree);
        this.tree = tree;
        this.index = index;
        this.journal = journal;
        this.ids = ids;
        this.dataDir = dataDir;
        this.heap = heap;
        this.storedSecrets = storedSecrets;
        this.storedVolumes = storedVolumes;
        this.storedTemplates = storedTemplates;
        this.secrets = new SecretService(tree, index, storedSecrets);
        this.volumes = new VolumeService(tree, index, storedVolumes, volumeDirectories, reads);
        this.templates = new TemplateService(tree, index, storedTemplates);
        this.materializer = new CellMaterializer(index, storedTemplates, templates, this::createObject);
        this.applier = new ApplyService(tree, index, storedSecrets, storedVolumes, ids, dataDir, portHolds, secrets, volumes,
                templates, applyParallelism, reads, routes);
        this.images = images;
        this.execs = execs;
        this.status = status;
        this.runLogs = new RunLogs(journal, logRoot, reads);
        this.reads = reads;
    }

    @Override
    public CompletionStage<ApplyResponse> apply(ApplyRequest in) {
        return apply(in, routes.clustered() ? ApplyService.Routing.WHERE_IT_RUNS_OR_PENDING : ApplyService.Routing.HERE);
    }

    private CompletionStage<ApplyResponse> apply(ApplyRequest in, ApplyService.Routing routing) {
        return guarded(() -> {
            if (in.getManifest().size() > ManifestReader.MAX_BYTES) {
                throw new ResourceExhaustedException("manifest is " + in.getManifest().size() + " bytes; at most "
                        + ManifestReader.MAX_BYTES);
            }
            if (!in.getDryRun()) {
                dataDir.requireRoom();
                heap.requireRoom();
            }
            return applier.apply(in, routing);
        });
    }

    @Override
    public CompletionStage<ObjectResponse> create(CreateRequest in) {
        return writing(() -> {
            if (!in.hasObject()) {
                throw new InvalidArgumentException("object", "is required");
            }
            TreeObject object = ObjectMapping.fromProto(in.getObject());
            if (!(object instanceof TreeObject.Cell cell) || !routes.clustered()) {
                return createHere(object);
            }
            return routes.cellTarget(cell.path(), cell.spec(), false).thenCompose(target -> {
                if (target.unplaced() != null) {   // kept by the fleet, Pending, until a node can run it
                    return routes.holdPending(cell, target.unplaced(), false).thenApply(pending -> ObjectResponse.newBuilder()
                            .setObject(ObjectMapping.toProto(pending)).setCreated(true).build());
                }
                CompletionStage<ObjectResponse> created = target.here()
                        ? createHere(object).thenApply(answer -> FleetRoutes.onNode(answer, target.node()))
                        : routes.createOn(target, in);
                return target.exists() ? created : created.thenCompose(answer -> routes.placedAfterAll(cell.path())
                        .thenApply(v -> answer));
            });
        });
    }

    private CompletionStage<ObjectResponse> createHere(TreeObject object) {
        return createObject(object).thenApply(reply -> respond(reply, reply.outcome() == Reply.Outcome.CREATED));
    }

    /** Checks and creates one object (CREATE: parents must exist, a cell is not started, an existing one is left). */
    private CompletionStage<Reply> createObject(TreeObject object) {
        routes.requirePlaceableHere(object);
        TreeObject desired = InheritedDefaults.applied(object, index);
        PublishedPortHolds.Hold hold = Validation.validateAndHold(desired, ids, index, storedSecrets, storedVolumes, portHolds);
        return tree.ask(desired.path(), replyTo -> new ObjectCommand.Upsert(desired, ObjectCommand.Mode.CREATE, replyTo))
                .whenComplete((reply, error) -> hold.release());
    }

    @Override
    public CompletionStage<ObjectResponse> materializeCell(MaterializeCellRequest in) {
        return writing(() -> materializer.materialize(in)
                .thenApply(reply -> respond(reply, reply.outcome() == Reply.Outcome.CREATED)));
    }

    @Override
    public CompletionStage<ListTemplatesResponse> listTemplates(ListTemplatesRequest in) {
        return guarded(() -> templates.list(in));
    }

    @Override
    public CompletionStage<DeleteTemplateResponse> deleteTemplate(DeleteTemplateRequest in) {
        return guarded(() -> templates.delete(in));
    }

    @Override
    public CompletionStage<ObjectResponse> get(GetRequest in) {
        return routes.get(in, this::getHere);
    }

    private CompletionStage<ObjectResponse> getHere(GetRequest in) {
        return guarded(() -> tree.get(Validation.path(in.getKind(), in.getPath()))
                .thenApply(reply -> respond(Reply.of(materializer.withSync(reply.object()), reply.outcome()), false)));
    }

    @Override
    public CompletionStage<ListResponse> list(ListRequest in) {
        return routes.list(in, this::listHere);
    }

    private CompletionStage<ListResponse> listHere(ListRequest in) {
        return guarded(() -> {
            Kind kind = Kind.parse("kind", in.getKind());
            ObjectPath parent = in.getParent().isEmpty() ? null : ObjectPath.parse("parent", in.getParent());
            if (parent != null && parent.kind().depth() >= kind.depth()) {
                throw new InvalidArgumentException("parent", "a " + kind.label() + " cannot be under the "
                        + parent.kind().label() + " \"" + parent + "\"");
            }
            LabelSelector selector = LabelSelector.parse(in.getSelector());
            return requireExists(parent, index, tree).thenApply(v -> ListPages.page(kind,
                    after -> index.listAfter(kind, parent, after, selector::matches), in, materializer::withSync));
        });
    }

    /**
     * A list under a scope that does not exist is NOT_FOUND naming its first missing level, not an
     * empty list. A scope the index lacks is asked of the tree, which answers once its actors have
     * recovered: right after a start the index may not hold it yet.
     */
    static CompletionStage<Void> requireExists(ObjectPath scope, io.kukeon.supervisor.ObjectIndex index, SupervisorTree tree) {
        if (scope == null || index.get(scope).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        return tree.get(scope).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<DeleteResponse> delete(DeleteRequest in) {
        // a cell no node runs (pending, or a downed node's) is forgotten first, then deleted wherever the fleet placed it meanwhile
        return routes.forgetAway(in.getKind(), in.getPath()).thenCompose(wasAway -> routes.onHolder(FleetRoutes.DELETE,
                        in.getKind(), in.getPath(), in, DeleteResponse.parser(), this::deleteHere, (deleted, node) -> deleted,
                        (some, more) -> DeleteResponse.newBuilder().addAllDeleted(new java.util.LinkedHashSet<>(
                                java.util.stream.Stream.concat(some.getDeletedList().stream(), more.getDeletedList().stream())
                                        .toList())).build())
                .exceptionallyCompose(failed -> wasAway && ErrorMapping.unwrap(failed) instanceof NotFoundException
                        ? CompletableFuture.completedFuture(DeleteResponse.newBuilder().addDeleted(in.getPath()).build())
                        : CompletableFuture.failedFuture(failed)));
    }

    private CompletionStage<DeleteResponse> deleteHere(DeleteRequest in) {
        return guarded(() -> tree.ask(Validation.path(in.getKind(), in.getPath()),
                        replyTo -> new ObjectCommand.Delete(in.getCascade(), in.getForce(), replyTo))
                .thenApply(reply -> DeleteResponse.newBuilder().addAllDeleted(reply.deleted()).build()));
    }

    @Override
    public CompletionStage<ObjectResponse> start(LifecycleRequest in) {
        return onHolder(FleetRoutes.START, in);
    }

    @Override
    public CompletionStage<ObjectResponse> stop(LifecycleRequest in) {
        return onHolder(FleetRoutes.STOP, in);
    }

    @Override
    public CompletionStage<ObjectResponse> kill(LifecycleRequest in) {
        return onHolder(FleetRoutes.KILL, in);
    }

    @Override
    public CompletionStage<ObjectResponse> restart(LifecycleRequest in) {
        return onHolder(FleetRoutes.RESTART, in);
    }

    private CompletionStage<ObjectResponse> onHolder(String method, LifecycleRequest in) {
        return routes.onHolder(method, in.getKind(), in.getPath(), in, ObjectResponse.parser(),
                here -> lifecycleHere(method, here), FleetRoutes::onNode, (first, other) -> first);
    }

    /** A start, stop, kill or restart of an object this node holds. */
    private CompletionStage<ObjectResponse> lifecycleHere(String method, LifecycleRequest in) {
        return switch (method) {
            case FleetRoutes.START -> writing(() -> lifecycle(in, ObjectCommand.Start::new));
            case FleetRoutes.STOP -> guarded(() -> lifecycle(in, replyTo -> new ObjectCommand.Stop(timeout(in), replyTo)));
            case FleetRoutes.KILL -> guarded(() -> lifecycle(in, ObjectCommand.Kill::new));
            case FleetRoutes.RESTART -> writing(() -> lifecycle(in, replyTo -> new ObjectCommand.Restart(timeout(in), replyTo)));
            default -> throw new IllegalArgumentException(method);
        };
    }

    /**
     * What the fleet does through this node when a cell moves: the cell's manifest applied as
     * `kuke apply` through this member applies it (placed anew, on whichever node placement
     * chooses), or this node's copy deleted with its containers.
     */
    public io.kukeon.fleet.CellMoves cellMoves() {
        return new io.kukeon.fleet.CellMoves() {
            @Override
            public CompletionStage<String> applyPlaced(String manifest) {
                return apply(ApplyRequest.newBuilder().setManifest(com.google.protobuf.ByteString.copyFromUtf8(manifest)).build(),
                        ApplyService.Routing.WHERE_IT_RUNS).thenApply(response -> {
                            for (ApplyResult r : response.getResultsList()) {
                                if (r.getOutcome().equals("failed")) {
                                    throw new FailedPreconditionException(r.getErrorKind().isEmpty() ? "ApplyFailed" : r.getErrorKind(),
                                            (r.getKind().equals(Kind.CELL.displayName()) ? "" : r.getKind() + " \"" + r.getPath()
                                                    + "\": ") + r.getError());
                                }
                            }
                            ApplyResult last = response.getResults(response.getResultsCount() - 1);
                            return last.hasObject() && !last.getObject().getNode().isEmpty() ? last.getObject().getNode() : fleet.nodeName();
                        });
            }

            @Override
            public CompletionStage<Void> deletePlaced(io.kukeon.model.ObjectPath cell) {
                return delete(DeleteRequest.newBuilder().setKind(Kind.CELL.displayName()).setPath(cell.toString()).setCascade(true)
                        .setForce(true).build()).handle((deleted, failed) -> {
                            if (failed != null && !(ErrorMapping.unwrap(failed) instanceof NotFoundException)) {
                                throw new java.util.concurrent.CompletionException(failed);
                            }
                            return null;
                        });
            }

            @Override
            public CompletionStage<Boolean> removeEmptyScopeHere(io.kukeon.model.ObjectPath scope) {
                if (holdsAnything(scope)) {
                    return CompletableFuture.completedFuture(false);
                }
                return deleteHere(DeleteRequest.newBuilder().setKind(scope.kind().displayName()).setPath(scope.toString()).build())
                        .handle((deleted, failed) -> {
                            Throwable why = failed == null ? null : ErrorMapping.unwrap(failed);
                            if (why != null && !(why instanceof NotFoundException) && !(why instanceof FailedPreconditionException)) {
                                throw new java.util.concurrent.CompletionException(why);
                            }
                            return why == null;   // gone already, or a cell came meanwhile: kept
                        });
            }

            @Override
            public CompletionStage<Boolean> removeHere(io.kukeon.model.ObjectPath cell, long createdBeforeMillis) {
                return tree.get(cell).handle((found, failed) -> {
                    if (failed != null) {
                        if (io.kukeon.supervisor.tree.Blocking.unwrap(failed) instanceof NotFoundException) {
                            return false;
                        }
                        throw new java.util.concurrent.CompletionException(failed);
                    }
                    return found.object() instanceof TreeObject.Cell c && (c.status() == null || c.status().createdAt() == null
                            || c.status().createdAt().toEpochMilli() < createdBeforeMillis);
                }).thenCompose(older -> !older ? CompletableFuture.completedFuture(false)
                        : deleteHere(DeleteRequest.newBuilder().setKind(Kind.CELL.displayName()).setPath(cell.toString())
                                .setCascade(true).setForce(true).build()).thenApply(deleted -> true));
            }
        };
    }

    /** Whether a secret, volume or template is kept in {@code scope} itself. */
    private boolean holdsAnything(io.kukeon.model.ObjectPath scope) {
        return !storedSecrets.list(scope).isEmpty() || !storedVolumes.list(scope).isEmpty()
                || java.util.Arrays.stream(io.kukeon.model.TemplateKind.values()).anyMatch(k -> !storedTemplates.list(k, scope).isEmpty());
    }

    /**
     * This node's answers to the calls the fleet's other members route here: each runs here, never
     * routed on (the member that routed it already chose this node).
     */
    public io.kukeon.fleet.NodeCalls nodeCalls() {
        return (method, request, more) -> {
            try {
                return switch (method) {
                    case FleetRoutes.GET -> FleetRoutes.answered(getHere(GetRequest.parseFrom(request)));
                    case FleetRoutes.CREATE -> {
                        CreateRequest create = CreateRequest.parseFrom(request);
                        yield FleetRoutes.answered(writing(() -> createHere(ObjectMapping.fromProto(create.getObject()))));
                    }
                    case FleetRoutes.APPLY -> FleetRoutes.answered(apply(ApplyRequest.parseFrom(request),
                            ApplyService.Routing.HERE));
                    case FleetRoutes.LIST -> FleetRoutes.answered(listHere(ListRequest.parseFrom(request)));
                    case FleetRoutes.DELETE -> FleetRoutes.answered(deleteHere(DeleteRequest.parseFrom(request)));
                    case FleetRoutes.START, FleetRoutes.STOP, FleetRoutes.KILL, FleetRoutes.RESTART ->
                            FleetRoutes.answered(lifecycleHere(method, LifecycleRequest.parseFrom(request)));
                    case FleetRoutes.HISTORY -> FleetRoutes.answered(historyHere(HistoryRequest.parseFrom(request)));
                    case FleetRoutes.LOGS -> FleetRoutes.answered(logsHere(LogsRequest.parseFrom(request)));
                    case FleetRoutes.EXEC -> FleetRoutes.answered(execs.exec(Source.single(ExecInput.parseFrom(request))
                            .concat(more.map(ExecInput::parseFrom))));
                    case FleetRoutes.ATTACH -> FleetRoutes.answered(execs.attach(Source.single(ExecInput.parseFrom(request))
                            .concat(more.map(ExecInput::parseFrom))));
                    default -> Source.failed(new io.kukeon.fleet.CallFailed(io.grpc.Status.Code.UNIMPLEMENTED.value(),
                            "Unimplemented", "kukeond does not take a routed " + method + " call"));
                };
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return Source.failed(ErrorMapping.forFleet(e));
            }
        };
    }

    private CompletionStage<ObjectResponse> lifecycle(LifecycleRequest in,
                                                      Function<ActorRef<StatusReply<Reply>>, ObjectCommand> command) {
        return tree.ask(Validation.lifecyclePath(in.getKind(), in.getPath()), command)
                .thenApply(reply -> respond(reply, false));
    }

    private static Duration timeout(LifecycleRequest in) {
        if (in.getTimeoutSeconds() < 0 || in.getTimeoutSeconds() > 3600) {
            throw new InvalidArgumentException("timeout_seconds", "must be between 0 and 3600");
        }
        return in.getTimeoutSeconds() == 0 ? null : Duration.ofSeconds(in.getTimeoutSeconds());
    }

    @Override
    public Source<Event, NotUsed> watch(WatchRequest in) {
        try {
            Set<Kind> kinds = EnumSet.noneOf(Kind.class);
            for (String k : in.getKindsList()) {
                kinds.add(Kind.parse("kinds", k));
            }
            if (in.getAfterOffset() < 0) {
                throw new InvalidArgumentException("after_offset", "must not be negative");
            }
            ObjectPath prefix = in.getPathPrefix().isEmpty() ? null : ObjectPath.parse("path_prefix", in.getPathPrefix());
            return journal.watch(in.getAfterOffset(), in.getFromNow(), in.getUntilNow(), kinds, prefix, since(in.getSince()));
        } catch (RuntimeException e) {
            return Source.failed(e);
        }
    }

    private static Instant since(String since) {
        if (since.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidArgumentException("since", "\"" + since + "\" must be an RFC 3339 time, e.g. 2026-12-06T10:00:00Z");
        }
    }

    @Override
    public CompletionStage<JournalExtentResponse> journalExtent(JournalExtentRequest in) {
        return CompletableFuture.supplyAsync(journal::extent, reads);
    }

    @Override
    public CompletionStage<io.kukeon.wire.v1.ListNodesResponse> listNodes(io.kukeon.wire.v1.ListNodesRequest in) {
        return guarded(() -> fleet.nodes().thenCombine(fleet.downedNodes(), (members, downed) -> {
            java.util.List<io.kukeon.fleet.NodeView> all = new java.util.ArrayList<>(members);
            java.util.Set<String> names = new java.util.HashSet<>();
            members.forEach(n -> names.add(n.name()));
            downed.stream().filter(n -> !names.contains(n.name())).forEach(all::add);
            all.sort(java.util.Comparator.comparing(io.kukeon.fleet.NodeView::name));
            return NodeRows.response(all);
        }));
    }

    @Override
    public CompletionStage<io.kukeon.wire.v1.DeleteNodeResponse> deleteNode(io.kukeon.wire.v1.DeleteNodeRequest in) {
        return writing(() -> fleet.forgetNode(in.getName()).thenApply(cells -> io.kukeon.wire.v1.DeleteNodeResponse.newBuilder()
                .addAllDeletedCells(cells).build()));
    }

    @Override
    public CompletionStage<HistoryResponse> history(HistoryRequest in) {
        return routes.onHolder(FleetRoutes.HISTORY, in.getKind(), in.getPath(), in, HistoryResponse.parser(),
                this::historyHere, (history, node) -> history, (first, other) -> first);
    }

    private CompletionStage<HistoryResponse> historyHere(HistoryRequest in) {
        return guarded(() -> {
            ObjectPath path = Validation.path(in.getKind(), in.getPath());
            return journal.history(path).thenApply(history -> {
                if (history.getEventsCount() == 0) {
                    // The journal keeps a deleted object's history; no event at all means it never existed.
                    throw new io.kukeon.model.NotFoundException(path.kind(), path);
                }
                return history;
            });
        });
    }

    @Override
    public Source<LogChunk, NotUsed> logs(LogsRequest in) {
        return routes.streamOnHolder(FleetRoutes.LOGS, "Cell", in.getPath(), in, LogChunk.parser(), this::logsHere);
    }

    private Source<LogChunk, NotUsed> logsHere(LogsRequest in) {
        try {
            ObjectPath cell = Validation.path("Cell", in.getPath());
            LogQuery query = LogQuery.of(in);
            return Source.completionStage(tree.get(cell))
                    .flatMapConcat(reply -> query.nextRun()
                            ? runLogs.of((TreeObject.Cell) reply.object(), in.getContainer(), query)
                            : LogStream.of(LogFiles.of((TreeObject.Cell) reply.object(), in.getContainer()), query));
        } catch (RuntimeException e) {
            return Source.failed(e);
        }
    }

    @Override
    public Source<ExecOutput, NotUsed> exec(Source<ExecInput, NotUsed> in) {
        return routes.streamingOnHolder(FleetRoutes.EXEC, in, KukeonService::cellOf, ExecOutput.parser(), execs::exec);
    }

    @Override
    public Source<ExecOutput, NotUsed> attach(Source<ExecInput, NotUsed> in) {
        return routes.streamingOnHolder(FleetRoutes.ATTACH, in, KukeonService::cellOf, ExecOutput.parser(), execs::attach);
    }

    /** The cell an exec or attach names in its first message; empty when it names none (here says what is wrong). */
    private static String cellOf(ExecInput first) {
        return first.hasStart() ? first.getStart().getPath() : "";
    }

    @Override
    public CompletionStage<LoadImageResponse> loadImage(Source<ImageChunk, NotUsed> in) {
        return writing(() -> images.load(in));
    }

    @Override
    public CompletionStage<ListImagesResponse> listImages(ListImagesRequest in) {
        return guarded(() -> images.list(in.getRealm()));
    }

    @Override
    public CompletionStage<io.kukeon.wire.v1.RemoveImagesResponse> removeImages(io.kukeon.wire.v1.RemoveImagesRequest in) {
        return guarded(() -> images.remove(in));
    }

    @Override
    public Source<PullImageProgress, NotUsed> pullImage(PullImageRequest in) {
        try {
            dataDir.requireRoom();   // new work, as writing() refuses it
            heap.requireRoom();
            return images.pull(in);
        } catch (RuntimeException e) {
            return Source.failed(e);
        }
    }

    @Override
    public CompletionStage<PutRegistryCredentialResponse> putRegistryCredential(PutRegistryCredentialRequest in) {
        return writing(() -> {
            String realm = in.getRealm();
            Names.require("realm", realm);
            if (!in.hasCredential()) {
                throw new InvalidArgumentException("credential", "is required");
            }
            RegistryCredential credential = new RegistryCredential(in.getCredential().getUsername(),
                    in.getCredential().getPassword(), in.getCredential().getServerAddress());
            credential.validate("credential");
            if (credential.password().isEmpty() || credential.password().equals(RegistryCredential.REDACTED)) {
                throw new InvalidArgumentException("credential.password", "must be the password itself, not empty or "
                        + RegistryCredential.REDACTED);
            }
            ObjectPath path = ObjectPath.of(realm);
            // for the answer's word only: the actor decides on its stored spec
            boolean had = index.get(path).filter(o -> o instanceof TreeObject.Realm r
                    && r.spec().hasCredentialFor(credential.serverAddress())).isPresent();
            return tree.ask(path, replyTo -> new ObjectCommand.PutRegistryCredential(credential, replyTo))
                    .thenApply(reply -> PutRegistryCredentialResponse.newBuilder().setOutcome(
                            reply.outcome() == Reply.Outcome.UNCHANGED ? "unchanged" : had ? "updated" : "created").build());
        });
    }

    @Override
    public CompletionStage<PutSecretResponse> putSecret(PutSecretRequest in) {
        return writing(() -> secrets.put(in));
    }

    @Override
    public CompletionStage<ListSecretsResponse> listSecrets(ListSecretsRequest in) {
        return guarded(() -> secrets.list(in));
    }

    @Override
    public CompletionStage<DeleteSecretResponse> deleteSecret(DeleteSecretRequest in) {
        return guarded(() -> secrets.delete(in));
    }

    @Override
    public CompletionStage<PutVolumeResponse> putVolume(PutVolumeRequest in) {
        return writing(() -> volumes.put(in));
    }

    @Override
    public CompletionStage<ListVolumesResponse> listVolumes(ListVolumesRequest in) {
        return guarded(() -> volumes.list(in));
    }

    @Override
    public CompletionStage<DeleteVolumeResponse> deleteVolume(DeleteVolumeRequest in) {
        return guarded(() -> volumes.delete(in));
    }

    @Override
    public CompletionStage<VersionResponse> version(VersionRequest in) {
        return guarded(status::version);
    }

    @Override
    public CompletionStage<StatusResponse> status(StatusRequest in) {
        return guarded(status::checks);
    }

    private static ObjectResponse respond(Reply reply, boolean created) {
        return ObjectResponse.newBuilder().setObject(ObjectMapping.toProto(reply.object())).setCreated(created).build();
    }

    /**
     * A call that starts new work: refused up front, before anything is routed, while the data dir is
     * below its reserve or the heap is nearly full. Stop, kill and delete are not: they are how room is made, and their few
     * events are what the reserve keeps room for.
     */
    private <T> CompletionStage<T> writing(Supplier<CompletionStage<T>> call) {
        return guarded(() -> {
            dataDir.requireRoom();
            heap.requireRoom();
            return call.get();
        });
    }

    /** Runs the call, a failure thrown becoming a failed stage (the API maps each to its status: ErrorMapping). */
    private static <T> CompletionStage<T> guarded(Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
