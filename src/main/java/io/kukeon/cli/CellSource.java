package io.kukeon.cli;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Metadata;
import io.kukeon.model.Names;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.Utf8;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.BlueprintSource;
import io.kukeon.wire.v1.ConfigSource;
import io.kukeon.wire.v1.MaterializeCellRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cell is made from ({@code create cell}, {@code run}): one of an image (one container), a
 * CellBlueprint, a CellConfig or another cell, with the options each source takes, and the scope.
 */
final class CellSource {
    /** Parameter files are read up to this size. */
    static final int MAX_PARAM_FILE_BYTES = 64 << 10;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
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

    boolean given() {
        return source != null;
    }

    /** The option that names the source, for messages. */
    String option() {
        return source.image != null ? "--image" : source.blueprint != null ? "--from-blueprint"
                : source.config != null ? "--from-config" : "--clone";
    }

    /** Each option goes with the sources it names: the first that does not, as a message naming both, or null. */
    String mismatch(boolean argsGiven) {
        boolean image = source.image != null;
        List<String> refused = new ArrayList<>();
        refuse(refused, image, "--command", command != null);
        refuse(refused, image, "ARGS", argsGiven);
        refuse(refused, image, "--restart", restart != null);
        refuse(refused, image, "--container", container != null);
        refuse(refused, image || source.config != null, "--env", !env.isEmpty());
        refuse(refused, source.blueprint != null, "--param", !params.isEmpty());
        refuse(refused, source.blueprint != null, "--param-file", paramFile != null);
        return refused.isEmpty() ? null : refused.get(0) + " does not go with " + option();
    }

    private static void refuse(List<String> refused, boolean allowed, String option, boolean given) {
        if (given && !allowed) {
            refused.add(option);
        }
    }

    ObjectPath stack() {
        ObjectPath stack = new ObjectPath(List.of(scope.realm, scope.space, scope.stack));
        stack.segments().forEach(segment -> Names.require("--realm/--space/--stack", segment));
        return stack;
    }

    /**
     * The request, checked here as far as it can be: the cell {@code name} (null: generated), the
     * image's {@code args}, its container {@code attachable}.
     */
    MaterializeCellRequest.Builder request(String name, List<String> args, boolean attachable) throws IOException {
        ObjectPath stack = stack();
        if (name != null) {
            Names.require("cell", name);
        }
        Metadata.validateLabels(labels);
        MaterializeCellRequest.Builder request = MaterializeCellRequest.newBuilder().setStack(stack.toString())
                .setName(name == null ? "" : name).putAllLabels(labels);
        if (source.image != null) {
            ContainerSpec c = new ContainerSpec(container != null ? container : name != null ? name : "", false,
                    source.image, command, args, env, null, null,
                    RestartPolicy.parse("--restart", restart == null ? "never" : restart), null, null, null);
            if (attachable) {
                c = c.withAttachable(true);
            }
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
        return request;
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
