package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.HistoryResponse;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.SecretInfo;
import io.kukeon.wire.v1.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code kuke describe KIND NAME}: one object in words, from the RPCs that exist (Get of it and of a
 * cell's containers and space, List of a scope's children, secrets and volumes, History of it and of
 * a cell's containers), laid out by {@link Description}.
 */
@Command(name = "describe", aliases = "desc", mixinStandardHelpOptions = true,
        description = "Show one realm, space, stack, cell or container in words: its spec, status and reason, its"
                + " containers (image, state, pid, restarts, last exit, OOM kills, limits against usage), its network,"
                + " what it holds or uses, and its last " + Description.EVENTS_SHOWN + " events.",
        footer = {"%nExamples:",
                "  # cell web of default/default/default",
                "  kuke describe cell web",
                "  # cell frontend of demo/shop/web",
                "  kuke describe cell frontend --realm demo --space shop --stack web",
                "  # one container of cell web",
                "  kuke describe container app --cell web"})
final class DescribeCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "KIND", converter = KindName.class, completionCandidates = KindName.Candidates.class,
            description = "realm, space, stack, cell or container (short: r, sp, st, ce, co).")
    Kind kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL", description = "For a container: its cell.")
    String cell;

    @Override
    void validate() {
        if (kind == Kind.CONTAINER && cell == null) {
            throw usage("--cell is required to describe a container");
        }
        if (kind != Kind.CONTAINER && cell != null) {
            throw usage("--cell is for a container only");
        }
    }

    @Override
    int run(DaemonConnection daemon) {
        ObjectPath path = scope.path(kind, name, cell);
        ObjectDoc object = get(daemon, kind, path);
        List<ObjectDoc> containers = new ArrayList<>();
        ObjectDoc space = null;
        List<ObjectDoc> children = List.of();
        List<SecretInfo> secrets = List.of();
        List<VolumeInfo> volumes = List.of();
        List<Event> events = new ArrayList<>();
        long leftOut = history(daemon, object, events);
        switch (kind) {
            case CELL -> {
                for (ContainerStatus c : object.getStatus().getContainersList()) {
                    ObjectPath child = path.child(c.getName());
                    try {
                        ObjectDoc container = get(daemon, Kind.CONTAINER, child);
                        containers.add(container);
                        leftOut += history(daemon, container, events);
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                            throw e;
                        }
                        // removed between the two reads: the cell's status still says what it was
                    }
                }
                space = get(daemon, Kind.SPACE, path.ancestor(Kind.SPACE));
            }
            case CONTAINER -> containers.add(object);
            default -> {
                children = daemon.listAll(ListRequest.newBuilder().setKind(kind.child().displayName())
                        .setParent(path.toString()).build());
                secrets = daemon.calls().listSecrets(ListSecretsRequest.newBuilder().setScope(path.toString()).build())
                        .getSecretsList().stream().filter(s -> s.getScope().equals(path.toString())).toList();
                volumes = daemon.calls().listVolumes(ListVolumesRequest.newBuilder().setScope(path.toString()).build())
                        .getVolumesList().stream().filter(v -> v.getScope().equals(path.toString())).toList();
            }
        }
        events.sort(Comparator.comparing(DescribeCommand::time).thenComparingLong(Event::getOffset));
        out().print(new Description(object, containers, space, children, secrets, volumes, events, leftOut)
                .render(Instant.now()));
        return 0;
    }

    private static ObjectDoc get(DaemonConnection daemon, Kind kind, ObjectPath path) {
        return daemon.calls().get(GetRequest.newBuilder().setKind(kind.displayName()).setPath(path.toString()).build())
                .getObject();
    }

    /**
     * Adds the object's newest events (no more than are shown, so that a cell of many containers is
     * held in bounded memory) to {@code into}; answers how many older ones were left out.
     */
    private static long history(DaemonConnection daemon, ObjectDoc object, List<Event> into) {
        try {
            HistoryResponse h = daemon.calls().history(HistoryRequest.newBuilder().setKind(object.getKind())
                    .setPath(object.getPath()).build());
            List<Event> all = h.getEventsList();
            int kept = Math.min(all.size(), Description.EVENTS_SHOWN);
            into.addAll(all.subList(all.size() - kept, all.size()));
            return h.getLeftOut() + all.size() - kept;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
            return 0;   // nothing journaled yet
        }
    }

    private static Instant time(Event e) {
        try {
            return Instant.parse(e.getTimestamp());
        } catch (DateTimeParseException ex) {
            return Instant.EPOCH;
        }
    }
}
