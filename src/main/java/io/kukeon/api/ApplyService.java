package io.kukeon.api;

import io.kukeon.manifest.ManifestDiff;
import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.CellSpec;
import io.kukeon.manifest.SecretDocument;
import io.kukeon.manifest.VolumeDocument;
import io.kukeon.manifest.TemplateDocument;
import io.kukeon.fleet.ScopesForCells;
import io.kukeon.model.CellState;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.HostIds;
import io.kukeon.model.KukeonException;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.supervisor.cell.CellUpdates;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Apply: documents in kind order (parents first), each upserted with missing parents created
 * and cells started; one result per document, in that order, and a failed document does not stop
 * the others. Documents that do not wait for one another ({@link ApplyPlan}) are applied at once,
 * at most {@code parallelism} of them; a document whose parent or scope was not applied is not
 * tried, and says which one failed.
 * With dry_run, each document is only compared with what exists. Each document goes down the
 * tree once: what exists is read from the index, and the upsert's answer is the object as it is then.
 */
final class ApplyService {
    /** The error kind of a document not tried because one it needs was not applied. */
    static final String NOT_APPLIED = "NotApplied";
    /** The outcome of a new cell that fits on no node yet: the fleet keeps it and runs it once a node can. */
    static final String PENDING = "pending";

    private final SupervisorTree tree;
    private final ObjectIndex index;
    private final HostIds ids;
    private final DataDirSpace dataDir;
    private final PublishedPortHolds holds;
    private final SecretService secrets;
    private final SecretIndex storedSecrets;
    private final VolumeIndex storedVolumes;
    private final VolumeService volumes;
    private final TemplateService templates;
    private final int parallelism;
    private final Executor executor;
    private final FleetRoutes routes;

    /**
     * @param parallelism documents of one manifest applied at once
     * @param executor    where each document's apply starts (its checks run there)
     */
    ApplyService(SupervisorTree tree, ObjectIndex index, SecretIndex storedSecrets, VolumeIndex storedVolumes, HostIds ids,
                 DataDirSpace dataDir, PublishedPortHolds holds, SecretService secrets, VolumeService volumes,
                 TemplateService templates, int parallelism, Executor executor, FleetRoutes routes) {
        this.tree = tree;
        this.index = index;
        this.ids = ids;
        this.dataDir = dataDir;
        this.holds = holds;
        this.secrets = secrets;
        this.storedSecrets = storedSecrets;
        this.storedVolumes = storedVolumes;
        this.volumes = volumes;
        this.templates = templates;
        this.parallelism = parallelism;
        this.executor = executor;
        this.routes = routes;
    }

    /** Where a manifest's cells are applied. */
    enum Routing {
        /** Here: a kukeond alone, or another member routed them here. */
        HERE,
        /** On the node that holds each, a new one where placement chooses; one that fits nowhere fails. */
        WHERE_IT_RUNS,
        /** As {@link #WHERE_IT_RUNS}, but a new cell that fits nowhere is kept pending by the fleet: a user's apply. */
        WHERE_IT_RUNS_OR_PENDING
    }

    CompletionStage<ApplyResponse> apply(ApplyRequest request, Routing routing) {
        List<ManifestDocument> documents = ManifestReader.inApplyOrder(ManifestReader.read(request.getManifest().toByteArray()));
        ApplyPlan plan = ApplyPlan.of(documents);
        ApplySlots slots = new ApplySlots(parallelism, executor);
        // filled in order before any wait on it is registered: each callback sees the slots it reads
        @SuppressWarnings("unchecked")
        CompletableFuture<ApplyResult>[] results = new CompletableFuture[documents.size()];
        EarlierTree earlierTree = new EarlierTree();
        Map<ObjectPath, TreeObject> scopes = scopesOf(documents);
        Set<ObjectPath> holding = holdingScopes(documents);
        for (int i = 0; i < documents.size(); i++) {
            ManifestDocument document = documents.get(i);
            ApplyPlan.Step step = plan.step(i);
            Stream<CompletableFuture<?>> waits = Stream.concat(step.needs().stream(), step.after().stream()).map(j -> results[j]);
            if (step.afterScopes()) {
                waits = Stream.concat(waits, Stream.of(earlierTree.done()));
            }
            results[i] = CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                ApplyResult missing = null;
                for (int needed : step.needs()) {   // nearest first: the last one missing is where it began
                    ApplyResult parent = results[needed].join();
                    missing = notApplied(parent) ? parent : missing;
                }
                return missing != null ? CompletableFuture.completedFuture(dependentNotApplied(document, missing))
                        : slots.run(() -> routing != Routing.HERE ? applyWhereItRuns(document, request.getDryRun(), routing, scopes, holding)
                                : applyOne(document, request.getDryRun(), request.getAncestorsIfAbsent()));
            }).handle((result, error) -> error == null ? result : failed(started(document), ErrorMapping.unwrap(error)));
            if (document.object() != null) {
                earlierTree.add(results[i]);
            }
        }
        return CompletableFuture.allOf(results).thenApply(v -> {
            ApplyResponse.Builder response = ApplyResponse.newBuilder();
            for (CompletableFuture<ApplyResult> result : results) {
                response.addResults(result.join());
            }
            return withinResponseLimit(response, Sizes.MAX_RESPONSE_BYTES);
        });
    }

    /** The documents of the tree so far, and one wait for all of them, made again only when one was added since. */
    private static final class EarlierTree {
        private final List<CompletableFuture<ApplyResult>> documents = new java.util.ArrayList<>();
        private CompletableFuture<Void> done;

        void add(CompletableFuture<ApplyResult> document) {
            documents.add(document);
            done = null;
        }

        CompletableFuture<Void> done() {
            if (done == null) {
                done = CompletableFuture.allOf(documents.toArray(CompletableFuture[]::new));
            }
            return done;
        }
    }

    /** A document that failed and left nothing behind (a failed cell start still made the cell). */
    private static boolean notApplied(ApplyResult result) {
        return result.getOutcome().equals("failed") && !result.hasObject();
    }

    /** A document whose realm, space, stack, cell or scope was not applied: nothing is tried. */
    private static ApplyResult dependentNotApplied(ManifestDocument document, ApplyResult parent) {
        ApplyResult.Builder result = started(document);
        if (document.object() != null) {
            result.setPath(document.object().path().toString()).setKind(document.object().kind().displayName());
        } else if (!document.failed()) {
            result.setPath(ApplyPlan.heldPath(document));
        }
        String what = (parent.getKind().isEmpty() ? "Document" : parent.getKind()) + " \"" + parent.getName() + "\" (line "
                + parent.getLine() + ")";
        return failed(result, new FailedPreconditionException(NOT_APPLIED, "not applied: " + what + " failed"));
    }

    /** The results, without their objects when with them the response would be over {@code budget}. */
    static ApplyResponse withinResponseLimit(ApplyResponse.Builder response, long budget) {
        if (response.build().getSerializedSize() > budget) {
            response.getResultsBuilderList().forEach(ApplyResult.Builder::clearObject);
        }
        return response.build();
    }

    /** The result of a document as far as the manifest tells: kind, name, line and warnings. */
    private static ApplyResult.Builder started(ManifestDocument document) {
        return ApplyResult.newBuilder().setKind(nz(document.kind())).setName(nz(document.name()))
                .setLine(document.line()).addAllWarnings(document.warnings());
    }

    /** The realms, spaces and stacks a manifest names, by path. */
    private static Map<ObjectPath, TreeObject> scopesOf(List<ManifestDocument> documents) {
        Map<ObjectPath, TreeObject> out = new HashMap<>();
        for (ManifestDocument d : documents) {
            if (!d.failed() && d.object() != null && ScopesForCells.isScope(d.object())) {
                out.put(d.object().path(), d.object());
            }
        }
        return out;
    }

    /** The scopes (and those above them) a manifest's Secrets, Volumes and templates go to: here, where they are kept. */
    private static Set<ObjectPath> holdingScopes(List<ManifestDocument> documents) {
        Set<ObjectPath> out = new HashSet<>();
        for (ManifestDocument d : documents) {
            if (!d.failed() && (d.isSecret() || d.isVolume() || d.isTemplate())) {
                ObjectPath scope = d.isSecret() ? d.secret().scope() : d.isVolume() ? d.volume().scope() : d.template().scope();
                for (ObjectPath p = scope; p != null; p = p.parent()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * A cell's document, or a container's, applied on the node that holds the cell, or for a new cell
     * the node placement chooses, with the realm, space and stack it needs made there when that node
     * lacks them (a new cell that fits on none kept pending by the fleet for a user's apply, else
     * failed). A realm, space or stack on every node that holds a copy of it (here too when none does,
     * or when the manifest puts a Secret, Volume or template in it, {@code holding}); but for the
     * fleet's own apply of a cell's manifest ({@link Routing#WHERE_IT_RUNS}), whose realm, space and
     * stack go with the cell to its node only. Any other document here.
     */
    private CompletionStage<ApplyResult> applyWhereItRuns(ManifestDocument document, boolean dryRun, Routing routing,
                                                          Map<ObjectPath, TreeObject> scopes, Set<ObjectPath> holding) {
        TreeObject object = document.failed() ? null : document.object();
        if (object != null && ScopesForCells.isScope(object)) {
            ApplyResult.Builder result = started(document).setPath(object.path().toString()).setKind(object.kind().displayName());
            return routing == Routing.WHERE_IT_RUNS ? CompletableFuture.completedFuture(result.setOutcome("unchanged").build())
                    : routes.applyScope(object, dryRun, holding.contains(object.path()), result,
                            () -> absentAncestorsMadeHere(ancestorsOf(object.path(), scopes), dryRun)   // as a cell's: not defaults
                                    .thenCompose(made -> applyOne(document, dryRun, false)))
                    .exceptionally(error -> failed(result, ErrorMapping.unwrap(error)));
        }
        if (!(object instanceof TreeObject.Cell) && !(object instanceof TreeObject.Container)) {
            return applyOne(document, dryRun, false);
        }
        boolean mayWait = routing == Routing.WHERE_IT_RUNS_OR_PENDING;
        ObjectPath cell = object instanceof TreeObject.Cell ? object.path() : object.path().parent();
        CellSpec spec = object instanceof TreeObject.Cell c ? c.spec() : null;
        ApplyResult.Builder result = started(document).setPath(object.path().toString()).setKind(object.kind().displayName());
        return routes.cellTarget(cell, spec, dryRun).thenCompose(target -> {
                    if (target.unplaced() != null) {
                        if (!mayWait || !(object instanceof TreeObject.Cell newCell)) {
                            throw target.unschedulable();
                        }
                        return routes.holdPending(newCell, target.unplaced(), dryRun)
                                .thenApply(pending -> result.setOutcome(PENDING).setObject(ObjectMapping.toProto(pending)).build());
                    }
                    List<TreeObject> ancestors = target.exists() ? List.of() : ancestorsOf(cell, scopes);
                    CompletionStage<ApplyResult> applied = target.here()
                            ? absentAncestorsMadeHere(ancestors, dryRun).thenCompose(made -> applyOne(document, dryRun, false))
                                    .thenApply(here -> !here.hasObject() ? here
                                            : here.toBuilder().setObject(here.getObject().toBuilder().setNode(target.node())).build())
                            : routes.applyOn(target, ancestors, object, dryRun).thenApply(there -> {
                                result.setOutcome(there.getOutcome()).setError(there.getError()).setErrorKind(there.getErrorKind())
                                        .addAllChanges(there.getChangesList()).addAllEffects(there.getEffectsList());
                                return there.hasObject() ? result.setObject(there.getObject()).build() : result.build();
                            });
                    // a user's apply that places a cell kept pending before forgets it (the fleet's own apply of it is checked there)
                    return target.exists() || dryRun || !mayWait ? applied : applied.thenCompose(done -> done.getOutcome().equals("failed")
                            ? CompletableFuture.completedFuture(done) : routes.placedAfterAll(cell).thenApply(v -> done));
                })
                .exceptionally(error -> failed(result, ErrorMapping.unwrap(error)));
    }

    /** The realm, space and stack above {@code path}, from the top: as the manifest gives them, else as this node holds them. */
    private List<TreeObject> ancestorsOf(ObjectPath path, Map<ObjectPath, TreeObject> scopes) {
        List<TreeObject> out = new ArrayList<>();
        for (ObjectPath p = path.parent(); p != null; p = p.parent()) {
            TreeObject scope = scopes.containsKey(p) ? scopes.get(p) : index.get(p).orElse(null);
            if (scope != null) {
                out.add(0, scope);
            }
        }
        return out;
    }

    /** Makes here, one after the other, those of a cell's {@code ancestors} this node lacks; fails on the first that fails. */
    private CompletionStage<Void> absentAncestorsMadeHere(List<TreeObject> ancestors, boolean dryRun) {
        CompletionStage<Void> made = CompletableFuture.completedFuture(null);
        for (TreeObject scope : ancestors) {
            made = made.thenCompose(v -> ancestorIfAbsent(ApplyResult.newBuilder(), scope, dryRun)).thenAccept(r -> {
                if (r.getOutcome().equals("failed")) {
                    throw new FailedPreconditionException(r.getErrorKind().isEmpty() ? NOT_APPLIED : r.getErrorKind(),
                            r.getKind() + " \"" + r.getPath() + "\": " + r.getError());
                }
            });
        }
        return made;
    }

    /**
     * A realm, space or stack a cell routed or moved here needs: made when this node lacks it (a
     * space or stack labelled as held for cells, see {@link ScopesForCells}), else left as it is.
     */
    private CompletionStage<ApplyResult> ancestorIfAbsent(ApplyResult.Builder result, TreeObject scope, boolean dryRun) {
        TreeObject held = index.get(scope.path()).orElse(null);
        if (held != null) {
            return CompletableFuture.completedFuture(result.setPath(held.path().toString()).setKind(held.kind().displayName())
                    .setObject(ObjectMapping.toProto(held)).setOutcome("unchanged").build());
        }
        return applyObject(result, ScopesForCells.forCells(scope), dryRun);
    }

    /** @param ancestorsIfAbsent realms, spaces and stacks a member routed here with a cell: see {@link #ancestorIfAbsent} */
    private CompletionStage<ApplyResult> applyOne(ManifestDocument document, boolean dryRun, boolean ancestorsIfAbsent) {
        ApplyResult.Builder result = started(document);
        if (document.failed()) {
            return CompletableFuture.completedFuture(result.setOutcome("failed").setError(document.error().toString())
                    .setLine(document.error().line()).setErrorKind("InvalidArgument").build());
        }
        if (document.isSecret()) {
            SecretDocument secret = document.secret();
            return applyHeld(result, secret.path(), () -> secrets.wouldPut(secret), () -> secrets.put(secret), dryRun);
        }
        if (document.isVolume()) {
            VolumeDocument volume = document.volume();
            return applyHeld(result, volume.path(), () -> volumes.wouldPut(volume), () -> volumes.put(volume), dryRun);
        }
        if (document.isTemplate()) {
            TemplateDocument template = document.template();
            return applyHeld(result, template.path(), () -> templates.wouldPut(template), () -> templates.put(template),
                    dryRun);
        }
        if (ancestorsIfAbsent && ScopesForCells.isScope(document.object())) {
            return ancestorIfAbsent(result, document.object(), dryRun);
        }
        return applyObject(result, document.object(), dryRun);
    }

    private CompletionStage<ApplyResult> applyObject(ApplyResult.Builder result, TreeObject object, boolean dryRun) {
        TreeObject desired = InheritedDefaults.applied(object, index);
        result.setPath(desired.path().toString()).setKind(desired.kind().displayName());
        PublishedPortHolds.Hold hold;
        try {
            routes.requirePlaceableHere(desired);
            hold = Validation.validateAndHold(desired, ids, index, storedSecrets, storedVolumes, holds);
        } catch (KukeonException e) {
            return CompletableFuture.completedFuture(failed(result, e));
        }
        TreeObject current = index.get(desired.path()).orElse(null);
        List<String> changes = current == null ? List.of() : ManifestDiff.changes(current, comparable(desired));
        result.addAllChanges(changes);
        if (!changes.isEmpty()) {
            result.addAllEffects(effects(desired));
        }
        if (dryRun) {
            hold.release();
            String outcome = current == null ? "created" : changes.isEmpty() ? "unchanged" : "updated";
            return CompletableFuture.completedFuture(result.setOutcome(outcome).build());
        }
        try {
            dataDir.requireRoom();   // a long apply that crosses the reserve stops writing there, document by document
        } catch (KukeonException e) {
            hold.release();
            return CompletableFuture.completedFuture(failed(result, e));
        }
        return tree.ask(desired.path(), replyTo -> new ObjectCommand.Upsert(desired, ObjectCommand.Mode.APPLY, replyTo))
                .whenComplete((reply, error) -> hold.release())
                .thenApply(reply -> done(result, reply, changes.isEmpty()))
                .exceptionally(error -> failed(result, ErrorMapping.unwrap(error)));
    }

    /**
     * A Secret, a Volume or a template goes to its scope, which must exist (apply does not create a
     * scope for what it holds); a dry run says what the put would do. A put refused before it is
     * sent (a check of the document) fails this document only.
     */
    private CompletionStage<ApplyResult> applyHeld(ApplyResult.Builder result, String path, Supplier<String> wouldPut,
                                                   Supplier<CompletionStage<String>> put, boolean dryRun) {
        result.setPath(path);
        try {
            if (dryRun) {
                return CompletableFuture.completedFuture(result.setOutcome(wouldPut.get()).build());
            }
            dataDir.requireRoom();
            return put.get().thenApply(outcome -> result.setOutcome(outcome).build())
                    .exceptionally(error -> failed(result, ErrorMapping.unwrap(error)));
        } catch (KukeonException e) {
            return CompletableFuture.completedFuture(failed(result, e));
        }
    }

    private ApplyResult done(ApplyResult.Builder result, Reply reply, boolean noChanges) {
        TreeObject object = reply.object();
        result.setObject(ObjectMapping.toProto(object));
        if (object instanceof TreeObject.Cell cell && cell.status().state() == CellState.Failed) {
            return result.setOutcome("failed").setErrorKind(nz(cell.status().reason()))
                    .setError(nz(cell.status().message())).build();
        }
        LevelStatus level = levelStatus(object);
        if (level != null && level.state() == LevelState.Failed) {   // e.g. a namespace that is not ours
            return result.setOutcome("failed").setErrorKind(nz(level.reason())).setError(nz(level.message())).build();
        }
        String outcome = switch (reply.outcome()) {
            case CREATED -> "created";
            case UNCHANGED -> "unchanged";
            default -> noChanges ? "unchanged" : "updated";
        };
        return result.setOutcome(outcome).build();
    }

    private static LevelStatus levelStatus(TreeObject object) {
        if (object instanceof TreeObject.Realm r) {
            return r.status();
        } else if (object instanceof TreeObject.Space s) {
            return s.status();
        } else if (object instanceof TreeObject.Stack s) {
            return s.status();
        }
        return null;
    }

    /** What a changed cell or container does to what runs, by the cell's update rules. */
    private List<String> effects(TreeObject desired) {
        ObjectPath cellPath = desired instanceof TreeObject.Cell ? desired.path()
                : desired instanceof TreeObject.Container ? desired.path().parent() : null;
        if (cellPath == null || !(index.get(cellPath).orElse(null) instanceof TreeObject.Cell cell) || cell.status() == null) {
            return List.of();
        }
        CellSpec wanted = desired instanceof TreeObject.Cell c ? c.spec()
                : cell.spec().withContainer(((TreeObject.Container) desired).spec());
        return CellUpdates.effects(cell.spec(), wanted, cell.status().state());
    }

    /** What the daemon stores for the desired object: a cell's spec with its root resolved. */
    private static TreeObject comparable(TreeObject desired) {
        if (desired instanceof TreeObject.Cell c) {
            return new TreeObject.Cell(c.path(), c.metadata(), c.spec().normalized(), c.status());
        }
        return desired;
    }

    private static ApplyResult failed(ApplyResult.Builder result, Throwable error) {
        String kind = error instanceof KukeonException k ? k.kind() : "Internal";
        String message = error instanceof KukeonException ? error.getMessage() : ErrorMapping.status(error).getDescription();
        return result.setOutcome("failed").setError(nz(message)).setErrorKind(kind).build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
