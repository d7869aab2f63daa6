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
        description = "Create a realm, space, stack, cell, secret or volume.",
        subcommands = {CreateCommand.Realm.class, CreateCommand.Space.class, CreateCommand.Stack.class,
                CreateCommand.Cell.class, SecretCommands.Create.class, VolumeCommands.Create.class},
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
        /** Parameter files are read up to this size. */
        static final int MAX_PARAM_FILE_BYTES = 64 << 10;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
                description = "The cell's name; generated when left out (then no ARGS can be given).")
        String name;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "With --image: arguments of the command.")
        List<String> args = new ArrayList<>();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--image", paramLabel = "IMAGE", description = "One container of this image, e.g. docker.io/library/busybox:latest.")
            String image;

            @Option(names = "--from-blueprint", paramLabel = "BLUEPRINT",
                    description = "A CellBlueprint: the nearest of that name from the stack up.")
            String blueprint;

            @Option(names = "--from-config", paramLabel = "CONFIG", description = "A CellConfig: the nearest of that name from the stack up.")
            String config;

            @Option(names = "--clone", paramLabel = "CELL", description = "A copy of this cell of the stack (its spec and labels, not its state).")
            String clone;
        }

        @Option(names = "--command", paramLabel = "CMD", description = "With --image: replaces the image's entrypoint.")
        String command;

        @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
                description = "With --image: the container's environment; with --from-config: added to every container, over the config's. Repeat for more.")
        List<String> env = new ArrayList<>();

        @Option(names = "--restart", paramLabel = "POLICY",
                description = "With --image: never, on-failure or always (default: never).")
        String restart;

        @Option(names = "--container", paramLabel = "NAME", description = "With --image: the container's name (default: the cell's).")
        String container;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "With --from-blueprint: a parameter's value; repeat for more.")
        Map<String, String> params = new TreeMap<>();

        @Option(names = "--param-file", paramLabel = "FILE",
                description = "With --from-blueprint: KEY=VALUE lines (# comments); --param wins over it.")
        Path paramFile;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label; repeat for more.")
        Map<String, String> labels = new TreeMap<>();

        @Mixin
        Scope scope;

        @Override
        void validate() {
            String only = source.image != null ? "--image" : source.blueprint != null ? "--from-blueprint"
                    : source.config != null ? "--from-config" : "--clone";
            refuseUnless(source.image != null, only, "--command", command != null);
            refuseUnless(source.image != null, only, "ARGS", !args.isEmpty());
            refuseUnless(source.image != null, only, "--restart", restart != null);
            refuseUnless(source.image != null, only, "--container", container != null);
            refuseUnless(source.image != null || source.config != null, only, "--env", !env.isEmpty());
            refuseUnless(source.blueprint != null, only, "--param", !params.isEmpty());
            refuseUnless(source.blueprint != null, only, "--param-file", paramFile != null);
        }

        private void refuseUnless(boolean allowed, String source, String option, boolean given) {
            if (given && !allowed) {
                throw usage(option + " does not go with " + source);
            }
        }

        @Override
        int run(DaemonConnection daemon) throws IOException {
            ObjectPath stack = new ObjectPath(List.of(scope.realm, scope.space, scope.stack));
            stack.segments().forEach(segment -> io.kukeon.model.Names.require("--realm/--space/--stack", segment));
            if (name != null) {
                io.kukeon.model.Names.require("cell", name);
            }
            Metadata.validateLabels(labels);
            MaterializeCellRequest.Builder request = MaterializeCellRequest.newBuilder().setStack(stack.toString())
                    .setName(name == null ? "" : name).putAllLabels(labels);
            if (source.image != null) {
                ContainerSpec c = new ContainerSpec(container != null ? container : name != null ? name : "", false,
                        source.image, command, args, env, null, null,
                        RestartPolicy.parse("--restart", restart == null ? "never" : restart), null, null, null);
                if (!c.id().isEmpty()) {   // else named by kukeond after the cell's generated name, and checked there
                    new CellSpec(List.of(c), null, false, null).validate();
                }
                request.setImage(SpecMapping.toProto(c));
            } else if (source.blueprint != null) {
                Map<String, String> all = new TreeMap<>(paramFile == null ? Map.of() : readParamFile(paramFile));
                all.putAll(params);
                request.setBlueprint(BlueprintSource.newBuilder().setName(source.blueprint).putAllParams(all));
            } else if (source.config != null) {
                request.setConfig(ConfigSource.newBuilder().setName(source.config).addAllEnv(env));
            } else {
                request.setClone(source.clone);
            }
            ObjectResponse r = daemon.calls().materializeCell(request.build());
            String made = ObjectPath.parse(r.getObject().getPath()).name();
            out().println("cell \"" + made + "\": " + (r.getCreated() ? "created" : "already existed")
                    + " in stack \"" + scope.stack + "\"");
            return 0;
        }

        /** {@code KEY=VALUE} lines; blank lines and lines starting with {@code #} are skipped. */
        static Map<String, String> readParamFile(Path file) throws IOException {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_PARAM_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_PARAM_FILE_BYTES) {
                throw new InvalidArgumentException("--param-file", file + " is over " + MAX_PARAM_FILE_BYTES + " bytes");
            }
            String text = Utf8.decode(bytes).orElseThrow(() -> new InvalidArgumentException("--param-file",
                    file + " is not UTF-8 text"));
            Map<String, String> out = new TreeMap<>();
            String[] lines = text.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidArgumentException("--param-file", file + " line " + (i + 1) + ": expected KEY=VALUE");
                }
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1));
            }
            return out;
        }
    }
}
