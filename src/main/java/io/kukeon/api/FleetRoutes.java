package io.kukeon.api;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.kukeon.fleet.CallFailed;
import io.kukeon.fleet.Fleet;
import io.kukeon.fleet.NodeGateway;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.Kind;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import io.kukeon.model.UnavailableException;
import io.kukeon.fleet.Placement;
import io.kukeon.manifest.LabelSelector;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.ObjectResponse;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Source;
import scala.PartialFunction;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Where a call runs in a fleet. A call on one object runs on the node that holds it: here when this
 * node does, else on the one other member that does (each asked with a Get); a list runs on every
 * member, and their pages are merged, each object naming its node. A kukeond alone runs every call
 * here.
 */
final class FleetRoutes {
    static final String GET = "Get";
    static final String LIST = "List";
    static final String DELETE = "Delete";
    static final String START = "Start";
    static final String STOP = "Stop";
    static final String KILL = "Kill";
    static final String RESTART = "Restart";
    static final String HISTORY = "History";
    static final String LOGS = "Logs";
    static final String EXEC = "Exec";
    static final String ATTACH = "Attach";
    static final String CREATE = "Create";
    static final String APPLY = "Apply";
    /** How long a routed unary call may take on the other node (a stop waits up to its own timeout). */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);
    /** How long a member has to say whether it holds an object, and to answer its page of a list. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a call on one object waits for the doors of members that joined a moment ago (the
     * receptionist tells of a door a gossip round or two after its member is Up); a list does not.
     */
    static final Duration DOOR_WAIT = Duration.ofSeconds(5);
    /** A failure on the holder, as its own client would have seen it. */
    private static final PartialFunction<Throwable, Throwable> AS_THE_HOLDER_SAID =
            new PFBuilder<Throwable, Throwable>().match(CallFailed.class, ErrorMapping::fromFleet).build();

    private final Fleet fleet;
    private final ObjectIndex index;
    private final SupervisorTree tree;
    private final Placement placement;

    FleetRoutes(Fleet fleet, ObjectIndex index, SupervisorTree tree) {
        this.fleet = fleet;
        this.index = index;
        this.tree = tree;
        this.placement = new Placement(fleet, Clock.systemUTC());
    }

    boolean clustered() {
        return fleet.clustered();
    }

    /**
     * Where a cell's create or apply runs: here, or on the node behind {@code door}; or, a new cell
     * that fits on no node, nowhere yet ({@code unplaced} says why).
     */
    record CellTarget(String node, ActorRef<NodeGateway.Call> door, boolean exists, String unplaced) {
        CellTarget(String node, ActorRef<NodeGateway.Call> door, boolean exists) {
            this(node, door, exists, null);
        }

        boolean here() {
            return door == null && unplaced == null;
        }

        /** The failure of a call that may not keep the cell pending. */
        FailedPreconditionException unschedulable() {
            return new FailedPreconditionException(Placement.UNSCHEDULABLE, unplaced);
        }
    }

    /**
     * Where a create or apply of the cell at {@code cell} runs: on the node that holds it, else (a
     * new cell) on the node placement chooses for {@code spec}, or nowhere when none can take it;
     * null {@code spec} (a container of the cell) only follows the cell. A changed placement of a
     * cell that exists is refused.
     */
    CompletionStage<CellTarget> cellTarget(ObjectPath cell, CellSpec spec, boolean dryRun) {
        CellTarget here = new CellTarget(fleet.nodeName(), null, true);
        if (!fleet.clustered()) {
            return CompletableFuture.completedFuture(here);   // kept here, as requirePlaceableHere checks
        }
        return heldHere(Kind.CELL.displayName(), cell.toString()).thenCompose(local -> local
                ? kept(cell, spec, fleet.nodeName()).thenApply(v -> here)
                : holder(Kind.CELL.displayName(), cell.toString()).thenCompose(holder -> {
                    if (holder != null) {
                        return kept(cell, spec, holder.node()).thenApply(v -> new CellTarget(holder.node(), holder.door(), true));
                    }
                    if (spec == null) {
                        return CompletableFuture.completedFuture(here);   // a container of a cell no node holds: here says so
                    }
                    return placement.place(cell, spec, dryRun).handle((node, failed) -> failed == null ? placedOn(cell, node)
                            : ErrorMapping.unwrap(failed) instanceof FailedPreconditionException f && f.kind().equals(Placement.UNSCHEDULABLE)
                                    ? CompletableFuture.completedFuture(new CellTarget(null, null, false, f.getMessage()))
                                    : CompletableFuture.<CellTarget>failedFuture(failed)).thenCompose(target -> target);
                }));
    }

    /** The new cell's target on {@code node}, which placement chose. */
    private CompletionStage<CellTarget> placedOn(ObjectPath cell, String node) {
        return node.equals(fleet.nodeName()) ? CompletableFuture.completedFuture(new CellTarget(node, null, false))
                : fleet.othersKnown(DOOR_WAIT).thenApply(doors -> {
                    ActorRef<NodeGateway.Call> door = doors.get(node);
                    if (door == null) {
                        throw new UnavailableException("NodeUnavailable", "cell \"" + cell + "\" is placed on node \""
                                + node + "\", which cannot be asked yet; try again");
                    }
                    return new CellTarget(node, door, false);
                });
    }

    /**
     * Keeps {@code cell}, new and fitting on no node, pending in the fleet (unless {@code dryRun}):
     * its realm, space and stack as this node holds them, then the cell. The cell as lists show it
     * now, under no node.
     */
    CompletionStage<TreeObject.Cell> holdPending(TreeObject.Cell cell, String why, boolean dryRun) {
        List<TreeObject> documents = new ArrayList<>(ancestorsHere(cell.path()));
        documents.add(cell);
        TreeObject.Cell shown = Fleet.pending(cell, why);
        return dryRun ? CompletableFuture.completedFuture(shown)
                : fleet.holdPending(cell.path(), ManifestWriter.yaml(documents), why).thenApply(v -> shown);
    }

    /** Forgets a pending cell of that path: a node runs it after all (applied again when one could). */
    CompletionStage<Void> placedAfterAll(ObjectPath cell) {
        return fleet.forgetPending(cell).thenApply(wasPending -> null);
    }

    /** Fails when the cell, held on {@code node}, now asks for another node: its node is decided once. */
    private CompletionStage<Void> kept(ObjectPath cell, CellSpec spec, String node) {
        if (spec == null || (spec.node() == null && spec.nodeSelector().isEmpty())) {
            return CompletableFuture.completedFuture(null);
        }
        return fleet.nodes().thenAccept(nodes -> {
            Map<String, String> labels = nodes.stream().filter(n -> n.name().equals(node)).findFirst()
                    .map(io.kukeon.fleet.NodeView::labels).orElse(Map.of());
            requirePlaceable(cell, spec, node, labels, "; a cell's node is decided once: delete the cell and apply it again"
                    + " to move it");
        });
    }

    /** Fails when the cell cannot run on this node, as its {@code spec.node} and {@code spec.nodeSelector} say. */
    void requirePlaceableHere(TreeObject object) {
        if (object instanceof TreeObject.Cell cell) {
            requirePlaceable(cell.path(), cell.spec(), fleet.nodeName(), fleet.nodeLabels(),
                    fleet.clustered() ? "" : " (this kukeond runs alone)");
        }
    }

    private static void requirePlaceable(ObjectPath cell, CellSpec spec, String node, Map<String, String> labels,
                                         String why) {
        if (spec.node() != null && !spec.node().equals(node)) {
            throw new FailedPreconditionException(Placement.UNSCHEDULABLE, "spec.node: cell \"" + cell + "\" would run on node \""
                    + node + "\", not \"" + spec.node() + "\"" + why);
        }
        if (!spec.placeableOn(node, labels)) {
            throw new FailedPreconditionException(Placement.UNSCHEDULABLE, "spec.nodeSelector: node \"" + node
                    + "\", where cell \"" + cell + "\" would run, lacks some of its labels (has: " + labels + ")" + why);
        }
    }

    /**
     * Creates the cell on the node {@code target} names, after the realm, space and stack this node
     * holds for it that that node lacks (those this node does not hold either must be there
     * already); the answer names that node.
     */
    CompletionStage<ObjectResponse> createOn(CellTarget target, CreateRequest in) {
        List<TreeObject> ancestors = target.exists() ? List.of() : ancestorsHere(ObjectMapping.fromProto(in.getObject()).path());
        CompletionStage<?> parents = ancestors.isEmpty() ? CompletableFuture.completedFuture(null)
                : unary(target.node(), target.door(), APPLY, ancestorsIfAbsent(ancestors, false), ApplyResponse.parser(), ANSWER_TIMEOUT)
                        .thenAccept(made -> made.getResultsList().stream().filter(r -> r.getOutcome().equals("failed")).findFirst()
                                .ifPresent(r -> {
                                    throw new FailedPreconditionException(r.getErrorKind().isEmpty() ? "ApplyFailed" : r.getErrorKind(),
                                            r.getKind() + " \"" + r.getPath() + "\" on node \"" + target.node() + "\": " + r.getError());
                                }));
        return parents.thenCompose(v -> unary(target.node(), target.door(), CREATE, in, ObjectResponse.parser(), ANSWER_TIMEOUT))
                .thenApply(answer -> onNode(answer, target.node()));
    }

    /**
     * Applies one document of a manifest (a cell, or a container of one) on the node {@code target}
     * names, after the {@code ancestors} a new cell needs, which that node makes when it lacks them
     * (see {@link io.kukeon.fleet.ScopesForCells}); its result as that node gives it, the object naming that node.
     */
    CompletionStage<ApplyResult> applyOn(CellTarget target, List<TreeObject> ancestors, TreeObject object, boolean dryRun) {
        List<TreeObject> documents = new ArrayList<>(ancestors);
        documents.add(object);
        return unary(target.node(), target.door(), APPLY, ancestorsIfAbsent(documents, dryRun), ApplyResponse.parser(), ANSWER_TIMEOUT)
                .thenApply(response -> {
                    ApplyResult last = response.getResults(response.getResultsCount() - 1);
                    return last.hasObject() ? last.toBuilder().setObject(last.getObject().toBuilder().setNode(target.node())).build() : last;
                });
    }

    /**
     * Applies a realm, space or stack document on every node that holds a copy of it: here when this
     * node does, when no node does (made here), or when {@code alsoHere}; and on each other holder
     * (whose copy held only for its cells stays labelled so). Every holder is asked first: one that
     * cannot be asked fails the document, applied nowhere. One result ({@link ScopeCopies#merged}).
     *
     * @param result the document's result so far (kind, name, path, line, warnings)
     * @param here   the document applied here
     */
    CompletionStage<ApplyResult> applyScope(TreeObject scope, boolean dryRun, boolean alsoHere, ApplyResult.Builder result,
                                            java.util.function.Supplier<CompletionStage<ApplyResult>> here) {
        String kind = scope.kind().displayName();
        String path = scope.path().toString();
        return heldHere(kind, path).thenCompose(local -> holders(kind, path).thenCompose(others -> {
            Map<String, CompletableFuture<ApplyResult>> copies = new TreeMap<>();
            if (ScopeCopies.appliedHere(local, !others.isEmpty(), alsoHere)) {
                copies.put(fleet.nodeName(), here.get().exceptionally(FleetRoutes::failedApply).toCompletableFuture());
            }
            for (Holder h : others) {
                ApplyRequest there = ApplyRequest.newBuilder().setDryRun(dryRun).setManifest(com.google.protobuf.ByteString
                        .copyFromUtf8(ManifestWriter.yaml(List.of(ScopeCopies.forHolder(scope, h.found().getObject()))))).build();
                copies.put(h.node(), unary(h.node(), h.door(), APPLY, there, ApplyResponse.parser(), ANSWER_TIMEOUT)
                        .thenApply(answer -> answer.getResults(0)).exceptionally(FleetRoutes::failedApply).toCompletableFuture());
            }
            return CompletableFuture.allOf(copies.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
                Map<String, ApplyResult> answers = new TreeMap<>();
                copies.forEach((node, answer) -> answers.put(node, answer.join()));
                return ScopeCopies.merged(result, fleet.nodeName(), answers);
            });
        }));
    }

    /** A document's apply on one node that failed as a whole (not answered, or refused before it began), as its result. */
    private static ApplyResult failedApply(Throwable failed) {
        io.grpc.StatusRuntimeException e = ErrorMapping.grpcException(failed);
        String kind = e.getTrailers() == null ? null : e.getTrailers().get(ErrorMapping.KIND);
        return ApplyResult.newBuilder().setOutcome("failed").setErrorKind(kind == null ? "Internal" : kind)
                .setError(String.valueOf(e.getStatus().getDescription())).build();
    }

    /** An apply whose realms, spaces and stacks the node asked makes only when it lacks them. */
    private static ApplyRequest ancestorsIfAbsent(List<TreeObject> documents, boolean dryRun) {
        return ApplyRequest.newBuilder().setDryRun(dryRun).setAncestorsIfAbsent(true)
                .setManifest(com.google.protobuf.ByteString.copyFromUtf8(ManifestWriter.yaml(documents))).build();
    }

    /** The realm, space and stack above {@code path} that this node holds, from the top. */
    private List<TreeObject> ancestorsHere(ObjectPath path) {
        List<TreeObject> out = new ArrayList<>();
        for (ObjectPath p = path.parent(); p != null; p = p.parent()) {
            if (p.kind() == Kind.REALM || p.kind() == Kind.SPACE || p.kind() == Kind.STACK) {
                index.get(p).ifPresent(o -> out.add(0, o));
            }
        }
        return out;
    }

    /**
     * A unary call on the object at {@code kind}/{@code path}, run where it is held; its answer
     * stamped with that node. A realm, space or stack may be held by several nodes (each runs cells
     * under it): the call then runs on every one of them, and their answers are one by {@code copies}.
     */
    <Q extends Message, R extends Message> CompletionStage<R> onHolder(String method, String kind, String path, Q in,
                                                                       Parser<R> parser, Function<Q, CompletionStage<R>> here,
                                                                       BiFunction<R, String, R> stamp, BinaryOperator<R> copies) {
        if (!fleet.clustered()) {
            return here.apply(in);
        }
        if (isScope(kind)) {
            return onEveryHolder(kind, path, in, here, (node, door) -> unary(node, door, method, in, parser, ANSWER_TIMEOUT),
                    stamp, copies);
        }
        return heldHere(kind, path).thenCompose(local -> local
                ? here.apply(in).thenApply(answer -> stamp.apply(answer, fleet.nodeName()))
                : holder(kind, path).thenCompose(holder -> holder == null ? notHeld(method, kind, path, in, here)
                        : unary(holder.node(), holder.door(), method, in, parser, ANSWER_TIMEOUT)
                                .thenApply(answer -> stamp.apply(answer, holder.node()))));
    }

    /**
     * A call on an object no member holds: a start, stop, kill or restart of a cell no node runs (it
     * waits for a node, or stays with a downed one) is refused saying so; anything else here answers
     * (NOT_FOUND).
     */
    private <Q, R> CompletionStage<R> notHeld(String method, String kind, String path, Q in,
                                              Function<Q, CompletionStage<R>> here) {
        if (!Set.of(START, STOP, KILL, RESTART).contains(method) || Kind.parse("kind", kind) != Kind.CELL) {
            return here.apply(in);
        }
        return fleet.awayCells().thenCompose(away -> away.stream().filter(a -> a.cell().path().toString().equals(path))
                .findFirst()
                .<CompletionStage<R>>map(a -> CompletableFuture.failedFuture(new FailedPreconditionException(
                        a.cell().status().reason(), "cell \"" + path + "\" is " + a.cell().status().state() + ": "
                        + a.cell().status().message())))
                .orElseGet(() -> here.apply(in)));
    }

    /**
     * Deletes the cell at {@code kind}/{@code path} when no node runs it: pending (the fleet would
     * run it otherwise), or of a downed node (which deletes its copy when it is back); true when it
     * was one of those.
     */
    CompletionStage<Boolean> forgetAway(String kind, String path) {
        if (!fleet.clustered()) {
            return CompletableFuture.completedFuture(false);
        }
        ObjectPath cell;
        try {
            cell = Validation.path(kind, path);
        } catch (RuntimeException invalid) {
            return CompletableFuture.completedFuture(false);   // not a path: the delete says why
        }
        return cell.kind() == Kind.CELL ? fleet.forgetAway(cell) : CompletableFuture.completedFuture(false);
    }

    /** A Get, answered by the holder's answer to whether it holds the object: one call, not two. */
    CompletionStage<ObjectResponse> get(GetRequest in, Function<GetRequest, CompletionStage<ObjectResponse>> here) {
        if (!fleet.clustered()) {
            return here.apply(in);
        }
        if (isScope(in.getKind())) {   // this node's copy when it has one, else the first holder's; named with every holder
            return onEveryHolder(in.getKind(), in.getPath(), in, here, null, FleetRoutes::onNode, (first, other) -> first);
        }
        return heldHere(in.getKind(), in.getPath()).thenCompose(local -> local
                ? here.apply(in).thenApply(answer -> onNode(answer, fleet.nodeName()))
                : holder(in.getKind(), in.getPath()).thenCompose(holder -> holder == null ? awayOrHere(in, here)
                        : CompletableFuture.completedFuture(onNode(holder.found(), holder.node()))));
    }

    /** A cell no member holds: the copy of a downed node's, when the fleet has one (Pending or Lost), else here's answer. */
    private CompletionStage<ObjectResponse> awayOrHere(GetRequest in, Function<GetRequest, CompletionStage<ObjectResponse>> here) {
        if (Kind.parse("kind", in.getKind()) != Kind.CELL) {
            return here.apply(in);
        }
        return fleet.awayCells().thenCompose(away -> away.stream()
                .filter(a -> a.cell().path().toString().equals(in.getPath())).findFirst()
                .map(a -> CompletableFuture.completedFuture(ObjectResponse.newBuilder()
                        .setObject(ObjectMapping.toProto(a.cell()).toBuilder().setNode(a.node())).build()))
                .orElseGet(() -> here.apply(in).toCompletableFuture()));
    }

    /**
     * Runs the call on every node that holds the scope: here when this node does, and on each other
     * holder by {@code there} (null: its answer to whether it holds it is the answer). Every holder
     * answers before the call does; a failure on one fails the call, once the others are done. The
     * answers, this node's first, then by node name, are one by {@code copies}, stamped with the
     * holders' names ({@link ScopeCopies#named}). When no node holds it, here answers (NOT_FOUND).
     */
    private <Q extends Message, R extends Message> CompletionStage<R> onEveryHolder(
            String kind, String path, Q in, Function<Q, CompletionStage<R>> here,
            BiFunction<String, ActorRef<NodeGateway.Call>, CompletionStage<R>> there, BiFunction<R, String, R> stamp,
            BinaryOperator<R> copies) {
        return heldHere(kind, path).thenCompose(local -> holders(kind, path).thenCompose(others -> {
            Map<String, CompletableFuture<R>> answers = new java.util.LinkedHashMap<>();
            if (local) {
                answers.put(fleet.nodeName(), here.apply(in).toCompletableFuture());
            }
            for (Holder h : others) {
                @SuppressWarnings("unchecked")
                CompletionStage<R> answer = there == null ? CompletableFuture.completedFuture((R) h.found())
                        : there.apply(h.node(), h.door());
                answers.put(h.node(), answer.toCompletableFuture());
            }
            if (answers.isEmpty()) {
                return here.apply(in);
            }
            String nodes = ScopeCopies.named(answers.keySet());
            return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).handle((all, failed) -> {
                if (failed != null) {
                    throw failed instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                            ? asUnchecked(c.getCause()) : asUnchecked(failed);
                }
                return stamp.apply(answers.values().stream().map(CompletableFuture::join).reduce(copies).orElseThrow(), nodes);
            });
        }));
    }

    /** A realm, space or stack: a name that every node running cells under it holds a copy of. */
    private static boolean isScope(String kind) {
        try {
            Kind k = Kind.parse("kind", kind);
            return k == Kind.REALM || k == Kind.SPACE || k == Kind.STACK;
        } catch (RuntimeException notAKind) {
            return false;   // here says why
        }
    }

    /** An object's answer, naming the node that holds the object. */
    static ObjectResponse onNode(ObjectResponse answer, String node) {
        return answer.toBuilder().setObject(answer.getObject().toBuilder().setNode(node)).build();
    }

    /** A streamed call on the object at {@code kind}/{@code path}, run where it is held. */
    <Q extends Message, R> Source<R, NotUsed> streamOnHolder(String method, String kind, String path, Q in, Parser<R> parser,
                                                             Function<Q, Source<R, NotUsed>> here) {
        if (!fleet.clustered()) {
            return here.apply(in);
        }
        return Source.completionStage(heldHere(kind, path)).flatMapConcat(local -> local ? here.apply(in)
                : Source.completionStage(holder(kind, path)).flatMapConcat(holder -> holder == null ? here.apply(in)
                        : fleet.call(holder.node(), holder.door(), method, in.toByteArray()).map(parser::parseFrom)
                                .mapError(AS_THE_HOLDER_SAID)));
    }

    /**
     * A call whose client streams too (exec, attach), run where the cell its first message names is
     * held; the client's messages follow it there.
     */
    <Q extends Message, R> Source<R, NotUsed> streamingOnHolder(String method, Source<Q, NotUsed> in, Function<Q, String> cellOf,
                                                                Parser<R> parser, Function<Source<Q, NotUsed>, Source<R, NotUsed>> here) {
        if (!fleet.clustered()) {
            return here.apply(in);
        }
        return in.prefixAndTail(1).flatMapConcat(firstAndRest -> {
            Source<Q, NotUsed> whole = Source.from(firstAndRest.first()).concat(firstAndRest.second());
            String cell = firstAndRest.first().isEmpty() ? "" : cellOf.apply(firstAndRest.first().get(0));
            CompletionStage<Boolean> local = cell.isEmpty() ? CompletableFuture.completedFuture(true) : heldHere("Cell", cell);
            return Source.completionStage(local).flatMapConcat(isLocal -> isLocal ? here.apply(whole)
                    : Source.completionStage(holder("Cell", cell)).flatMapConcat(holder -> holder == null ? here.apply(whole)
                            : fleet.call(holder.node(), holder.door(), method, firstAndRest.first().get(0).toByteArray(),
                                    firstAndRest.second().map(Message::toByteArray)).map(parser::parseFrom)
                            .mapError(AS_THE_HOLDER_SAID)));
        }).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    /** A list over every member: each one's page, merged by path (then node), within the request's page. */
    CompletionStage<ListResponse> list(ListRequest in, Function<ListRequest, CompletionStage<ListResponse>> here) {
        if (!fleet.clustered()) {
            return here.apply(in);
        }
        return fleet.others().thenCompose(doors -> {
            Map<String, CompletableFuture<ListResponse>> parts = new TreeMap<>();
            parts.put(fleet.nodeName(), here.apply(in).toCompletableFuture());
            if (Kind.parse("kind", in.getKind()) == Kind.CELL) {
                parts.put(AWAY, awayPage(in).toCompletableFuture());
            }
            doors.forEach((node, door) -> {
                if (door != null) {   // a member that joined a moment ago, its door not known here yet, is left out
                    parts.put(node, unary(node, door, LIST, in, ListResponse.parser(), READ_TIMEOUT).toCompletableFuture());
                }
            });
            return CompletableFuture.allOf(parts.values().toArray(CompletableFuture[]::new))
                    .handle((all, failed) -> merged(in, parts));
        });
    }

    /** The part of a list of cells that no member answers for: the cells of downed nodes ({@link Fleet#awayCells}). */
    private static final String AWAY = "\u0000away";

    /** A page of the cells of downed nodes that no member runs, under the list's parent and selector, each naming its node. */
    private CompletionStage<ListResponse> awayPage(ListRequest in) {
        ObjectPath parent = in.getParent().isEmpty() ? null : ObjectPath.parse("parent", in.getParent());
        LabelSelector selector = LabelSelector.parse(in.getSelector());
        return fleet.awayCells().thenApply(away -> {
            Map<String, String> nodes = new HashMap<>();
            TreeMap<String, TreeObject> cells = new TreeMap<>();
            for (Fleet.AwayCell a : away) {
                ObjectPath path = a.cell().path();
                if ((parent == null || parent.equals(path.ancestor(parent.kind()))) && selector.matches(a.cell().metadata().labels())
                        && cells.putIfAbsent(path.toString(), a.cell()) == null) {
                    nodes.put(path.toString(), a.node());
                }
            }
            ListResponse page = ListPages.page(Kind.CELL, after -> after == null ? cells.values()
                    : cells.tailMap(after, false).values(), in, o -> o);
            ListResponse.Builder out = page.toBuilder().clearObjects();
            page.getObjectsList().forEach(d -> out.addObjects(d.toBuilder().setNode(nodes.get(d.getPath()))));
            return out.build();
        });
    }

    /** What {@link NodeCalls} sends back for a call that ran here: its messages' bytes, a failure as the API would map it. */
    static Source<byte[], NotUsed> answered(Source<? extends Message, NotUsed> answer) {
        return answer.<byte[]>map(Message::toByteArray)
                .mapError(new PFBuilder<Throwable, Throwable>().matchAny(ErrorMapping::forFleet).build());
    }

    static Source<byte[], NotUsed> answered(CompletionStage<? extends Message> answer) {
        return answered(Source.completionStage(answer));
    }

    /**
     * Whether this node holds the object. The index answers for every object whose actor has
     * recovered; right after a start it may lack one that is here, so the tree, which answers once
     * its actors have, is asked before the others are.
     */
    private CompletionStage<Boolean> heldHere(String kind, String path) {
        ObjectPath target;
        try {
            target = Validation.path(kind, path);
        } catch (RuntimeException invalid) {
            return CompletableFuture.completedFuture(true);   // not a path: here says why
        }
        if (index.get(target).isPresent()) {
            return CompletableFuture.completedFuture(true);
        }
        return tree.get(target).handle((found, failed) -> failed == null
                || ErrorMapping.grpcException(failed).getStatus().getCode() != Status.Code.NOT_FOUND);
    }

    /** @param found its answer to the Get that asked whether it holds the object */
    private record Holder(String node, ActorRef<NodeGateway.Call> door, ObjectResponse found) {}

    /** A member's answer to that Get: the object, or the status it failed with. */
    private record Probe(Status.Code code, ObjectResponse found) {}

    /**
     * The one other member that holds the object; null when none does (here then answers NOT_FOUND).
     * Two that hold it is an error naming them.
     */
    private CompletionStage<Holder> holder(String kind, String path) {
        return holders(kind, path).thenApply(holders -> {
            if (holders.size() > 1) {
                throw new FailedPreconditionException("HeldTwice", what(kind, path) + " is held by nodes " + holders.stream()
                        .map(Holder::node).collect(java.util.stream.Collectors.joining(", ")) + ": act on it through each of them");
            }
            return holders.isEmpty() ? null : holders.get(0);
        });
    }

    /**
     * The other members that hold the object, by name, each asked with a Get. One that could not be
     * asked is an error naming it when none holds the object, or when the object is a scope (which
     * that one may hold too).
     */
    private CompletionStage<List<Holder>> holders(String kind, String path) {
        GetRequest probe = GetRequest.newBuilder().setKind(kind).setPath(path).build();
        return fleet.othersKnown(DOOR_WAIT).thenCompose(doors -> {
            Map<String, CompletableFuture<Probe>> answers = new TreeMap<>();
            doors.forEach((node, door) -> answers.put(node, door == null
                    ? CompletableFuture.completedFuture(new Probe(Status.Code.UNAVAILABLE, null))   // not known here yet
                    : unary(node, door, GET, probe, ObjectResponse.parser(), READ_TIMEOUT)
                            .handle((found, failed) -> failed == null ? new Probe(Status.Code.OK, found)
                                    : new Probe(ErrorMapping.grpcException(failed).getStatus().getCode(), null))
                            .toCompletableFuture()));
            return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<Holder> holders = new ArrayList<>();
                List<String> silent = new ArrayList<>();
                answers.forEach((node, answer) -> {
                    Status.Code c = answer.join().code();
                    if (c == Status.Code.OK) {
                        holders.add(new Holder(node, doors.get(node), answer.join().found()));
                    } else if (c != Status.Code.NOT_FOUND) {
                        silent.add(node);
                    }
                });
                if (!silent.isEmpty() && (holders.isEmpty() || isScope(kind))) {
                    throw new UnavailableException("NodeUnavailable", what(kind, path) + (holders.isEmpty()
                            ? " is not on node \"" + fleet.nodeName() + "\", and node(s) " : " may be held by node(s) ")
                            + String.join(", ", silent) + (holders.isEmpty() ? " could not be asked for it" : ", which could not be asked"));
                }
                return holders;
            });
        });
    }

    private static String what(String kind, String path) {
        return kind.toLowerCase(java.util.Locale.ROOT) + " \"" + path + "\"";
    }

    private <R extends Message> CompletionStage<R> unary(String node, ActorRef<NodeGateway.Call> door, String method,
                                                         Message in, Parser<R> parser, Duration timeout) {
        return fleet.answer(node, door, method, in.toByteArray(), timeout)
                .handle((bytes, failed) -> {
                    if (failed != null) {
                        throw asUnchecked(ErrorMapping.fromFleet(failed));
                    }
                    try {
                        return parser.parseFrom(bytes);
                    } catch (InvalidProtocolBufferException e) {
                        throw new UnavailableException("NodeUnavailable", "node \"" + node + "\" answered " + method
                                + " with a message that does not parse: " + e.getMessage());
                    }
                });
    }

    private static RuntimeException asUnchecked(Throwable e) {
        return e instanceof RuntimeException r ? r : new UnavailableException("NodeUnavailable", String.valueOf(e.getMessage()), e);
    }

    /**
     * The members' pages as one: objects sorted by path and node, none past the first path at which
     * a member's page ended with more to come (the next page starts there), within the page size and
     * {@link Sizes#MAX_RESPONSE_BYTES}. The copies of a scope that several nodes hold are one row,
     * naming them all.
     */
    private ListResponse merged(ListRequest in, Map<String, CompletableFuture<ListResponse>> parts) {
        List<ObjectDoc> copies = new ArrayList<>();
        String endsAt = null;
        RuntimeException notFound = null;
        int answered = 0;
        for (Map.Entry<String, CompletableFuture<ListResponse>> part : parts.entrySet()) {
            ListResponse page;
            try {
                page = part.getValue().join();
            } catch (RuntimeException failed) {
                if (ErrorMapping.grpcException(failed).getStatus().getCode() == Status.Code.NOT_FOUND) {
                    notFound = notFound == null ? failed : notFound;
                    continue;
                }
                throw failed;
            }
            if (part.getKey().equals(AWAY) && page.getObjectsCount() == 0) {
                continue;   // no cell of a downed node: a parent that no member holds is still NOT_FOUND
            }
            answered++;
            page.getObjectsList().forEach(d -> copies.add(d.getNode().isEmpty() && !part.getKey().equals(AWAY)   // pending: on no node
                    ? d.toBuilder().setNode(part.getKey()).build() : d));
            if (!page.getNextPageToken().isEmpty()) {
                String last = page.getObjects(page.getObjectsCount() - 1).getPath();
                endsAt = endsAt == null || last.compareTo(endsAt) < 0 ? last : endsAt;
            }
        }
        if (answered == 0 && notFound != null) {
            throw notFound;
        }
        copies.sort(Comparator.comparing(ObjectDoc::getPath).thenComparing(ObjectDoc::getNode));
        // a realm, space or stack is one name, however many nodes hold a copy
        List<ObjectDoc> docs = isScope(in.getKind()) ? ScopeCopies.oneRowPerName(copies, fleet.nodeName()) : copies;
        boolean paging = in.getPageSize() > 0 || !in.getPageToken().isEmpty();
        ListResponse.Builder out = ListResponse.newBuilder();
        long bytes = 0;
        int i = 0;
        while (i < docs.size() && (endsAt == null || docs.get(i).getPath().compareTo(endsAt) <= 0)) {
            int j = i;
            long groupBytes = 0;
            while (j < docs.size() && docs.get(j).getPath().equals(docs.get(i).getPath())) {
                groupBytes += CodedOutputStream.computeMessageSize(ListResponse.OBJECTS_FIELD_NUMBER, docs.get(j));
                j++;
            }
            boolean full = in.getPageSize() > 0 && out.getObjectsCount() > 0 && out.getObjectsCount() + (j - i) > in.getPageSize();
            if (bytes + groupBytes > Sizes.MAX_RESPONSE_BYTES || full) {
                if (out.getObjectsCount() == 0 || !paging) {
                    throw new ResourceExhaustedException("the " + Kind.parse("kind", in.getKind()).label() + "s found are more"
                            + " than a response may carry (" + Sizes.of(Sizes.MAX_RESPONSE_BYTES) + "): narrow the list"
                            + " (parent, selector) or page through it (page_size, page_token)");
                }
                return out.setNextPageToken(docs.get(i - 1).getPath()).build();
            }
            out.addAllObjects(docs.subList(i, j));
            bytes += groupBytes;
            i = j;
        }
        if (endsAt != null) {
            out.setNextPageToken(out.getObjectsCount() == 0 ? endsAt : docs.get(i - 1).getPath());
        }
        return out.build();
    }
}
