package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteResponse;
import io.kukeon.wire.v1.DeleteSecretRequest;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

/** {@code delete KIND NAME} or {@code delete -f FILE} (the file's objects, children first). */
@Command(name = "delete", aliases = "d", mixinStandardHelpOptions = true,
        description = "Delete an object, or the objects of a manifest (children before parents).",
        subcommands = {SecretCommands.Delete.class, VolumeCommands.Delete.class, TemplateCommands.DeleteBlueprint.class,
                TemplateCommands.DeleteConfig.class, NodeCommands.Delete.class},
        footer = {"%nExamples:",
                "  # cell web of default/default/default",
                "  kuke delete cell web",
                "  # stack web of demo/shop and everything below it",
                "  kuke delete stack web --realm demo --space shop --cascade",
                "  # what a manifest describes, children first",
                "  kuke delete -f web.yaml"})
final class DeleteCommand extends DaemonCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", converter = KindName.class,
            completionCandidates = KindName.Candidates.class)
    Kind kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Delete what this manifest describes (- for stdin).")
    String file;

    @Option(names = "--cascade", description = "Also delete everything below the object.")
    boolean cascade;

    @Option(names = "--force", description = "Skip the check for children.")
    boolean force;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL", description = "For a container: its cell.")
    String cell;

    @Override
    void validate() {
        if (file != null && (kind != null || name != null)) {
            throw usage("give KIND NAME or -f FILE, not both");
        }
        if (file == null && (kind == null || name == null)) {
            throw usage("give KIND NAME, or -f FILE");
        }
        if (kind == Kind.CONTAINER && cell == null) {
            throw usage("--cell is required to delete a container");
        }
    }

    @Override
    int run(DaemonConnection daemon) throws IOException {
        if (file == null) {
            ObjectPath path = scope.path(kind, name, cell);
            DeleteResponse r;
            try (DeleteProgress progress = DeleteProgress.watch(daemon, path, new ProgressLine(err(), kuke().terminal()),
                    kuke().terminal() && (cascade || force))) {
                r = delete(daemon, kind, path);
            }
            List<String> gone = r.getDeletedList().isEmpty() ? List.of(path.toString()) : r.getDeletedList();
            gone.forEach(p -> out().println(deleted(p)));
            return 0;
        }
        List<ManifestDocument> docs = ManifestReader.inDeleteOrder(
                ManifestReader.read(ApplyCommand.read(file, kuke().stdin())));
        int failed = 0;
        for (ManifestDocument d : docs) {
            String label = ApplyReport.label(d.kind() == null ? "" : d.kind(), d.name() == null ? "" : d.name(), d.line());
            if (d.failed()) {
                out().println(label + ": failed");
                out().println("  Error: " + d.error());
                failed++;
                continue;
            }
            try {
                if (d.isSecret()) {
                    daemon.work().deleteSecret(DeleteSecretRequest.newBuilder().setScope(d.secret().scope().toString())
                            .setName(d.secret().name()).build());
                } else if (d.isVolume()) {
                    daemon.work().deleteVolume(DeleteVolumeRequest.newBuilder().setScope(d.volume().scope().toString())
                            .setName(d.volume().name()).build());
                } else if (d.isTemplate()) {
                    TemplateCommands.Delete.delete(daemon, d.template().kind(), d.template().scope(), d.template().name());
                } else {
                    delete(daemon, d.object().kind(), d.object().path());
                }
                out().println(label + ": deleted");
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    out().println(label + ": not found, nothing to delete");
                } else {
                    out().println(label + ": failed");
                    out().println("  Error: " + ErrorLine.of(e, daemon.host(), null));
                    failed++;
                }
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private DeleteResponse delete(DaemonConnection daemon, Kind k, ObjectPath path) {
        return daemon.work().delete(DeleteRequest.newBuilder().setKind(k.displayName()).setPath(path.toString())
                .setCascade(cascade).setForce(force).build());
    }

    /** {@code Deleted cell "web" from stack "default"}, as the reference says it. */
    static String deleted(String path) {
        ObjectPath p = ObjectPath.parse(path);
        ObjectPath parent = p.parent();
        return "Deleted " + p.kind().label() + " \"" + p.name() + "\""
                + (parent == null ? "" : " from " + parent.kind().label() + " \"" + parent.name() + "\"");
    }
}
