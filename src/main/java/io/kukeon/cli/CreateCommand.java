package io.kukeon.cli;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ObjectResponse;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Utf8;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.BlueprintSource;
import io.kukeon.wire.v1.ConfigSource;
import io.kukeon.wire.v1.MaterializeCellRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code create realm|space|stack|cell NAME}: one object; an existing one is reported and left as it is. */
@Command(name = "create", aliases = "c", mixinStandardHelpOptions = true,
        description = "Create a realm, space, stack, cell, secret, volume or registry credential.",
        subcommands = {CreateCommand.Realm.class, CreateCommand.Space.class, CreateCommand.Stack.class,
                CreateCommand.Cell.class, SecretCommands.Create.class, VolumeCommands.Create.class,
                RegistryCredentialCommand.class},
        footer = {"%nExamples:",
                "  # realm demo, then its space shop",
                "  kuke create realm demo && kuke create space shop --realm demo",
                "  # cell web of one container, created and not started",
                "  kuke create cell web --image docker.io/library/nginx:latest",
                "  # a secret of realm default",
                "  kuke create secret db --from-literal s3cret"})
final class CreateCommand {

    /** Shared by the four kinds: the name, labels, the scope, and how the outcome is reported. */
    abstract static class One extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label; repeat for more.")
        Map<String, String> labels = new TreeMap<>();

        @Mixin
        Scope scope;

        abstract Kind kind();

        /** The spec, checked here so that bad input fails before the daemon is asked. */
        abstract Object spec();

        @Override
        int run(DaemonConnection daemon) {
            ObjectPath path = scope.path(kind(), name, null);
            Metadata.validateLabels(labels);
            Object spec = spec();
            ObjectResponse r = daemon.calls().create(CreateRequest.newBuilder()
                    .setObject(ObjectDocs.of(path, labels, spec)).build());
            String where = scope.describeParent(kind(), null);
            out().println(kind().label() + " \"" + name + "\": " + (r.getCreated() ? "created" : "already existed")
                    + (where == null ? "" : " in " + where));
            return 0;
        }
    }

    @Command(name = "realm", aliases = "r", mixinStandardHelpOptions = true, description = "Create a realm.",
            footer = {"%nExamples:",
                    "  # realm demo, its images in containerd namespace demo.kukeon.io",
                    "  kuke create realm demo",
                    "  # with a containerd namespace of its own choosing",
                    "  kuke create realm demo --namespace demo.example.org"})
    static final class Realm extends One {
        @Option(names = "--namespace", paramLabel = "NS", description = "containerd namespace (default: <name>.kukeon.io).")
        String namespace;

        Kind kind() {
            return Kind.REALM;
        }

        Object spec() {
            RealmSpec s = new RealmSpec(namespace, List.of(), null);
            s.validate();
            return s;
        }
    }

    @Command(name = "space", aliases = "sp", mixinStandardHelpOptions = true, description = "Create a space in --realm.",
            footer = {"%nExamples:",
                    "  # space shop of realm demo",
                    "  kuke create space shop --realm demo",
                    "  # with a label",
                    "  kuke create space shop --realm demo --label team=web"})
    static final class Space extends One {
        Kind kind() {
            return Kind.SPACE;
        }

        Object spec() {
            return SpaceSpec.DEFAULT;
        }
    }

    @Command(name = "stack", aliases = "st", mixinStandardHelpOptions = true,
            description = "Create a stack in --realm/--space.",
            footer = {"%nExamples:",
                    "  # stack web of demo/shop",
                    "  kuke create stack web --realm demo --space shop",
                    "  # stack db of default/default",
                    "  kuke create stack db"})
    static final class Stack extends One {
        Kind kind() {
            return Kind.STACK;
        }

        Object spec() {
            return StackSpec.DEFAULT;
        }
    }

    @Command(name = "cell", aliases = "ce", mixinStandardHelpOptions = true,
            description = {"Create a cell in --realm/--space/--stack from exactly one of: an image (one container),",
                    "a CellBlueprint, a CellConfig or another cell (--clone). The cell is created, not started:",
                    "kuke start NAME runs it. Without NAME, the cell is named <prefix>-<6 hex>.",
                    "Arguments that start with '-' go after --, e.g. kuke create cell web --image busybox --command sh -- -c 'echo hi'."},
            footer = {"%nExamples:",
                    "  # one container of an image and its command, then run it",
                    "  kuke create cell web --image docker.io/library/busybox:latest --command sleep 3600 && kuke start web",
                    "  # from blueprint greeter, named greeter-<6 hex>",
                    "  kuke create cell --from-blueprint greeter --param GREETING=hi",
                    "  # a copy of cell web",
                    "  kuke create cell web2 --clone web"})
    static final class Cell extends DaemonCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
                description = "The cell's name; generated when left out (then no ARGS can be given).")
        String name;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "With --image: arguments of the command.")
        List<String> args = new ArrayList<>();

        @Mixin
        CellSource made;

        @Override
        void validate() {
            if (!made.given()) {
                throw usage("one of --image, --from-blueprint, --from-config or --clone is required");
            }
            String mismatch = made.mismatch(!args.isEmpty());
            if (mismatch != null) {
                throw usage(mismatch);
            }
        }

        @Override
        int run(DaemonConnection daemon) throws IOException {
            ObjectResponse r = daemon.calls().materializeCell(made.request(name, args, false).build());
            String cell = ObjectPath.parse(r.getObject().getPath()).name();
            out().println("cell \"" + cell + "\": " + (r.getCreated() ? "created" : "already existed")
                    + " in stack \"" + made.scope.stack + "\"");
            return 0;
        }
    }
}
