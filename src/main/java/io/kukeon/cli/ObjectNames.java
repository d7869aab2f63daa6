package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TemplateKind;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListImagesRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.ListTemplatesRequest;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.ObjectDoc;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The names kukeond holds for a {@link NameSource} at a point of a command line. The scope options
 * on the line narrow them; for the one object a positional parameter names, they take their
 * defaults as the command will ({@code kuke start <CELL>}: the cells of default/default/default).
 */
final class ObjectNames {
    private ObjectNames() {}

    /** The names, sorted, without repeats, that start with what the word holds so far. */
    static List<String> list(KukeonGrpc.KukeonBlockingStub api, NameSource source, CompletionLine line) {
        boolean oneObject = line.completing() instanceof PositionalParamSpec;
        if (source == NameSource.KIND_SLASH_NAME) {
            return kindSlashNames(api, line);
        }
        if (source == NameSource.KIND_GIVEN) {
            if (line.positional().isEmpty()) {
                return List.of();
            }
            source = NameSource.of(new KindName().convert(line.positional().get(0)));
        }
        Kind kind = source.treeKind();
        List<String> levels = levels(line, oneObject);
        if (source == NameSource.IMAGE) {
            String realm = line.option("--realm", true);
            return sorted(api.listImages(ListImagesRequest.newBuilder().setRealm(realm == null ? "" : realm).build())
                    .getImagesList().stream().map(Image::getName), line.prefix());
        }
        if (kind != null) {
            return sorted(treeNames(api, kind, new ScopeFilter(levels.subList(0, kind.depth()).toArray(String[]::new))), line.prefix());
        }
        if (source == NameSource.BLUEPRINT || source == NameSource.CONFIG) {
            // a cell made from a template finds it in its stack or above: every scope of the realm
            levels = oneObject ? levels : Arrays.asList(levels.get(0), null, null, null);
        }
        ScopeFilter scope = new ScopeFilter(levels.toArray(String[]::new));
        String under = scope.prefix(levels.size());
        Stream<String> names;
        if (source == NameSource.SECRET) {
            names = held(api.listSecrets(ListSecretsRequest.newBuilder().setScope(under).build()).getSecretsList(),
                    s -> s.getScope(), s -> s.getName(), scope, oneObject);
        } else if (source == NameSource.VOLUME) {
            names = held(api.listVolumes(ListVolumesRequest.newBuilder().setScope(under).build()).getVolumesList(),
                    v -> v.getScope(), v -> v.getName(), scope, oneObject);
        } else {
            TemplateKind template = source == NameSource.BLUEPRINT ? TemplateKind.BLUEPRINT : TemplateKind.CONFIG;
            names = held(api.listTemplates(ListTemplatesRequest.newBuilder().setKind(template.kindName()).setScope(under)
                    .build()).getTemplatesList(), t -> t.getScope(), t -> t.getName(), scope, oneObject);
        }
        return sorted(names, line.prefix());
    }

    private static List<String> sorted(Stream<String> names, String prefix) {
        return names.filter(n -> n.startsWith(prefix)).distinct().sorted().toList();
    }

    /**
     * realm, space, stack, cell as the line gives them (null where it does not): for one object with
     * the command's defaults; the cell of a container may be the command's {@code CELL} parameter.
     */
    private static List<String> levels(CompletionLine line, boolean oneObject) {
        String cell = line.option("--cell", false);
        boolean cellParameter = line.command().positionalParameters().stream().anyMatch(p -> p.paramLabel().equals("CELL"));
        if (cell == null && cellParameter && !line.positional().isEmpty()) {
            cell = line.positional().get(0);
        }
        return Arrays.asList(line.option("--realm", oneObject), line.option("--space", oneObject),
                line.option("--stack", oneObject), cell);
    }

    /** The last names of the objects of {@code kind} under the levels given (null: any name there). */
    private static Stream<String> treeNames(KukeonGrpc.KukeonBlockingStub api, Kind kind, ScopeFilter filter) {
        return treePaths(api, kind, filter).map(ObjectPath::name);
    }

    /** The paths of the objects of {@code kind} under the levels given (null: any name there). */
    private static Stream<ObjectPath> treePaths(KukeonGrpc.KukeonBlockingStub api, Kind kind, ScopeFilter filter) {
        List<ObjectDoc> docs = DaemonConnection.listAll(api, ListRequest.newBuilder().setKind(kind.displayName())
                .setParent(filter.prefix(kind.depth())).build());
        return docs.stream().map(ObjectDoc::getPath).filter(filter::matches).map(ObjectPath::parse);
    }

    /**
     * {@code KIND/NAME} as {@code kuke events} reads it: before a slash, the kinds ({@code cell/}); after
     * one, that kind's objects by their full path (every object the scope flags given match) and by
     * their name when they are in the scope the flags point to with their defaults (for a container,
     * only with {@code --cell}). The kind stays as typed ({@code cells/}).
     */
    private static List<String> kindSlashNames(KukeonGrpc.KukeonBlockingStub api, CompletionLine line) {
        String prefix = line.prefix();
        int slash = prefix.indexOf('/');
        if (slash < 0) {
            return sorted(Arrays.stream(Kind.values()).map(k -> k.label() + "/"), prefix);
        }
        Kind kind = new KindName().convert(prefix.substring(0, slash));
        String typed = prefix.substring(0, slash + 1);
        List<String> given = levels(line, false).subList(0, kind.depth());
        List<String> scoped = levels(line, true).subList(0, kind.depth());
        return sorted(treePaths(api, kind, new ScopeFilter(given.toArray(String[]::new))).flatMap(path ->
                        path.segments().subList(0, kind.depth()).equals(scoped)
                                ? Stream.of(path.toString(), path.name()) : Stream.of(path.toString()))
                .map(name -> typed + name), prefix);
    }

    /**
     * The names of what scopes hold: for one object, those of exactly its scope; else those of every
     * scope the levels given match.
     */
    private static <E> Stream<String> held(List<E> found, Function<E, String> scopeOf, Function<E, String> nameOf,
                                           ScopeFilter scope, boolean oneObject) {
        String exact = scope.prefix(ScopeFilter.FLAGS.size());
        return found.stream().filter(e -> oneObject ? scopeOf.apply(e).equals(exact) : scope.matches(scopeOf.apply(e)))
                .map(nameOf);
    }
}
