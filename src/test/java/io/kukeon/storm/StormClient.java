package io.kukeon.storm;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.SleeperCell;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One client thread of the storm: applies, starts, stops and deletes in its own spaces
 * ({@code w<i>a}, {@code w<i>b} in every realm), one request at a time, and records in the
 * {@link Expectations} what each answer acknowledged. It stops at the kill, or after a request
 * whose outcome it cannot know.
 */
final class StormClient implements Runnable {
    /** Cells one client keeps at most: a restart then has tens of containers to adopt, not hundreds. */
    private static final int MAX_CELLS = 4;

    private final int index;
    private final Random rng;
    private final List<String> realms;
    private final Supplier<KukeonGrpc.KukeonBlockingStub> api;
    /** Whether it deletes spaces and stacks too, or cells only (a fleet's scopes are each node's own yet). */
    private final boolean deletesScopes;
    private final Expectations model;
    private final AtomicBoolean halt;
    /** A fault (kill -9, containerd restart) has begun: a failure from now on is in doubt, not a violation. */
    private final AtomicBoolean faulted;
    private final List<String> violations;
    private int ops;
    private boolean stopped;

    StormClient(int index, long seed, List<String> realms, Supplier<KukeonGrpc.KukeonBlockingStub> api, boolean deletesScopes,
                Expectations model, AtomicBoolean halt, AtomicBoolean faulted, List<String> violations) {
        this.index = index;
        this.rng = new Random(seed);
        this.realms = realms;
        this.api = api;
        this.deletesScopes = deletesScopes;
        this.model = model;
        this.halt = halt;
        this.faulted = faulted;
        this.violations = violations;
    }

    int ops() {
        return ops;
    }

    @Override
    public void run() {
        while (!halt.get() && !stopped) {
            ops++;
            int roll = rng.nextInt(100);
            if (roll < 45) {
                apply(cellToApply());
            } else if (roll < 58) {
                start(existingCell());
            } else if (roll < 71) {
                stop(existingCell());
            } else if (roll < 88) {
                delete(existingCell());
            } else if (deletesScopes) {
                delete(roll < 95 ? randomCell().parent() : randomCell().parent().parent());
            } else {
                delete(existingCell());
            }
        }
    }

    private ObjectPath randomCell() {
        return ObjectPath.of(realms.get(rng.nextInt(realms.size())), "w" + index + (rng.nextBoolean() ? "a" : "b"),
                "t" + (1 + rng.nextInt(2)), "c" + (1 + rng.nextInt(3)));
    }

    private List<ObjectPath> cells() {
        List<ObjectPath> out = new ArrayList<>();
        for (ObjectPath p : model.paths()) {
            if (p.kind() == Kind.CELL && p.nameAt(Kind.SPACE).matches("w" + index + "[ab]") && model.mayExist(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Mostly a cell that exists; now and then one that may not (its NOT_FOUND is part of the storm too). */
    private ObjectPath existingCell() {
        List<ObjectPath> cells = cells();
        return cells.isEmpty() || rng.nextInt(100) < 15 ? randomCell() : cells.get(rng.nextInt(cells.size()));
    }

    private ObjectPath cellToApply() {
        ObjectPath cell = randomCell();
        List<ObjectPath> cells = cells();
        return model.mayExist(cell) || cells.size() < MAX_CELLS ? cell : cells.get(rng.nextInt(cells.size()));
    }

    private void apply(ObjectPath cell) {
        SleeperCell shape = SleeperCell.random(rng);
        Runnable inDoubt = () -> {
            model.inDoubt(cell.parent().parent(), p -> Possible.SCOPE);
            model.inDoubt(cell.parent(), p -> Possible.SCOPE);
            // apply creates and starts; an update keeps how the cell runs, and starts one never started
            model.inDoubt(cell, p -> new Possible(true, shape.signature(), !p.exists() || p.run() == Possible.Run.PENDING
                    ? Possible.Run.RUNNING : p.run()));
        };
        call("apply " + cell + " " + shape.signature(), cell, inDoubt, () -> {
            ApplyResult result = api.get().apply(ApplyRequest.newBuilder()
                    .setManifest(ByteString.copyFromUtf8(shape.manifest(cell))).build()).getResults(0);
            if (!result.hasObject()) {
                if (!faulted.get()) {
                    violations.add("apply " + cell + " failed without an answer from the tree: " + result.getErrorKind()
                            + ": " + result.getError());
                }
                inDoubt.run();
                stopped = true;
                return;
            }
            ObjectDoc doc = result.getObject();
            if (!SleeperCell.signature(doc).equals(shape.signature())) {
                violations.add("apply " + cell + " " + shape.signature() + " acknowledged with another spec: "
                        + SleeperCell.signature(doc));
            }
            model.acknowledged(cell.parent().parent(), Possible.SCOPE);
            model.acknowledged(cell.parent(), Possible.SCOPE);
            model.acknowledged(cell, Possible.cell(doc));
        });
    }

    private void start(ObjectPath cell) {
        call("start " + cell, cell, () -> model.inDoubt(cell, p -> p.exists() ? p.running(Possible.Run.RUNNING) : p),
                () -> model.acknowledged(cell, Possible.cell(api.get().start(lifecycle(cell)).getObject())));
    }

    private void stop(ObjectPath cell) {
        call("stop " + cell, cell, () -> model.inDoubt(cell, p -> p.exists() ? p.running(Possible.Run.STOPPED) : p),
                () -> model.acknowledged(cell, Possible.cell(api.get().stop(lifecycle(cell).toBuilder()
                        .setTimeoutSeconds(1).build()).getObject())));
    }

    private void delete(ObjectPath path) {
        call("delete " + path.kind().label() + " " + path, path, () -> model.deleteInDoubt(path), () -> {
            api.get().delete(DeleteRequest.newBuilder().setKind(path.kind().displayName()).setPath(path.toString())
                    .setCascade(true).build());
            model.deleted(path);
        });
    }

    private static LifecycleRequest lifecycle(ObjectPath cell) {
        return LifecycleRequest.newBuilder().setKind("Cell").setPath(cell.toString()).build();
    }

    /**
     * Runs one request. NOT_FOUND and the other refusals change nothing; any other failure leaves
     * its outcome unknown, so {@code inDoubt} records both, and this client stops for the trial.
     */
    private void call(String what, ObjectPath target, Runnable inDoubt, Runnable request) {
        try {
            request.run();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND) {
                if (model.surelyExists(target)) {
                    violations.add(what + ": NOT_FOUND, but it was acknowledged as " + model.of(target) + ": "
                            + e.getStatus().getDescription());
                }
                return;
            }
            boolean refused = code == Status.Code.FAILED_PRECONDITION || code == Status.Code.INVALID_ARGUMENT;
            if (!refused) {
                inDoubt.run();
                stopped = true;
            }
            if (refused || !faulted.get()) {
                violations.add(what + ": " + code + " before any fault: " + e.getStatus().getDescription());
            }
        }
    }
}
