package io.kukeon.cli;

import io.kukeon.manifest.LabelSelector;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.Status;
import io.kukeon.wire.v1.WatchRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Lists objects of a kind, everywhere or narrowed by the scope flags given, or shows one (whose scope
 * flags default to {@code default}); {@code -w} keeps printing changes.
 */
@Command(name = "get", aliases = "g", mixinStandardHelpOptions = true,
        description = {"List the objects of a kind, or show one by name.",
                "A list covers every realm, space and stack; each scope flag given narrows it."},
        footer = {"%nExamples:",
                "  # every cell, with its realm, space and stack",
                "  kuke get cells",
                "  # the cells of stacks named web in realm demo",
                "  kuke get cells --realm demo --stack web",
                "  # cell web of default/default/default, as a manifest",
                "  kuke get cell web -o yaml"},
        subcommands = {SecretCommands.Get.class, VolumeCommands.Get.class, TemplateCommands.GetBlueprints.class,
                TemplateCommands.GetConfigs.class, ImageListCommand.Get.class, NodeCommands.Get.class})
final class GetCommand extends DaemonCommand {
    // optional to picocli only so that "get secrets|volumes" reaches its subcommand; validate() requires it
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", converter = KindName.class, completionCandidates = KindName.Candidates.class,
            description = "realm(s), space(s), stack(s), cell(s), container(s), secret(s), volume(s), cellblueprint(s),"
                    + " cellconfig(s), image(s) or node(s); short: r, sp, st, ce, co, sec, vol, bp, cfg, img, no.")
    Kind kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One object; all when left out.")
    String name;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = Output.HELP)
    Output output;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only objects whose labels match, e.g. env=prod,tier!=db.")
    String selector;

    @Option(names = {"-w", "--watch"}, description = "After printing, keep printing changes until interrupted.")
    boolean watch;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL", description = "For containers: the cell (a list without it covers every cell).")
    String cell;

    private LabelSelector labels;
    private ScopeFilter filter;

    @Override
    void validate() {
        if (kind == null) {
            throw usage("Missing required parameter: 'KIND'");
        }
        if (name != null && selector != null) {
            throw usage("give a NAME or a selector (-l), not both");
        }
        if (kind == Kind.CONTAINER && name != null && cell == null) {
            throw usage("--cell is required to get a container by name");
        }
        try {
            labels = LabelSelector.parse(selector);
        } catch (InvalidArgumentException e) {
            throw usage(e.getMessage());
        }
        filter = scope.filter(cell);
        String deepest = filter.deepestFlag();
        if (name == null && deepest != null && ScopeFilter.FLAGS.indexOf(deepest) > kind.depth()) {
            throw usage(deepest + " does not narrow a list of " + kind.label() + "s");
        }
    }

    @Override
    int run(DaemonConnection daemon) {
        String prefix = name != null ? scope.path(kind, name, cell).toString() : filter.prefix(kind.depth());
        // the watch starts before the list, so nothing that happens in between is missed
        Iterator<Event> changes = watch ? daemon.streams().watch(WatchRequest.newBuilder()
                .addKinds(kind.displayName()).setPathPrefix(prefix).setFromNow(true).build()) : null;
        List<ObjectDoc> docs = name != null
                ? List.of(daemon.calls().get(GetRequest.newBuilder().setKind(kind.displayName()).setPath(prefix).build())
                        .getObject())
                : daemon.listAll(ListRequest.newBuilder().setKind(kind.displayName()).setParent(prefix)
                        .setSelector(labels.toString()).build()).stream()
                        .filter(d -> filter.matches(d.getPath()) && labels.matches(d.getMetadata().getLabelsMap())).toList();
        Instant now = Instant.now();
        // watched documents are a stream of single objects from the first on, not a list followed by objects
        out().print(watch && output.documents()
                ? docs.stream().map(d -> ObjectOutput.render(List.of(d), kind, output, true, "", now)).collect(Collectors.joining())
                : ObjectOutput.render(docs, kind, output, name != null, emptyLine(), now));
        if (docs.isEmpty() && output.documents()) {
            err().println(emptyLine());
        }
        out().flush();
        if (changes != null) {
            follow(changes, prefix, docs, now);
        }
        return 0;
    }

    private String emptyLine() {
        return "No " + kind.label() + "s" + (labels.isEmpty() ? "" : " matching \"" + labels + "\"") + " found"
                + filter.where() + ".";
    }

    /**
     * Prints each change as a row (or a document) until the stream ends or the user interrupts.
     * An object whose row (age aside) or document did not change is not printed again: one
     * operation journals several events.
     */
    private void follow(Iterator<Event> changes, String prefix, List<ObjectDoc> initial, Instant start) {
        boolean wide = output.is(OutputFormat.wide);
        boolean nodes = ObjectRows.fromFleet(initial);
        List<String> headers = ObjectRows.headers(kind, wide, nodes);
        int age = headers.indexOf("AGE");
        int[] widths = initial.isEmpty() ? null : ObjectOutput.table(initial, kind, wide, start).widths(true);
        Map<String, String> last = new HashMap<>();
        for (ObjectDoc d : initial) {
            last.put(d.getPath(), shown(d, wide, nodes, age, start));
        }
        while (changes.hasNext()) {
            Event e = changes.next();
            boolean inScope = name != null ? e.getPath().equals(prefix) : filter.matches(e.getPath());
            if (!inScope || !e.getKind().equals(kind.displayName())) {
                continue;
            }
            ObjectDoc doc;
            if (e.hasObject()) {
                if (!labels.matches(e.getObject().getMetadata().getLabelsMap())) {
                    continue;
                }
                doc = e.getObject();
            } else if (last.containsKey(e.getPath())) {
                doc = ObjectDoc.newBuilder().setKind(e.getKind()).setPath(e.getPath())
                        .setStatus(Status.newBuilder().setState("Deleted")).build();
            } else {
                continue;
            }
            Instant now = Instant.now();
            String seen = shown(doc, wide, nodes, age, now);
            if (seen.equals(last.get(doc.getPath()))) {
                continue;
            }
            if (e.hasObject()) {
                last.put(doc.getPath(), seen);
            } else {
                last.remove(doc.getPath());
            }
            if (output.documents()) {
                if (e.hasObject()) {
                    out().print(ObjectOutput.render(List.of(doc), kind, output, true, "", now));
                }
            } else {
                List<String> row = ObjectRows.row(doc, kind, wide, nodes, now);
                if (widths == null) {
                    widths = new Table(headers).add(row).widths(true);
                    // states change in place; room for the longest keeps the later columns still
                    int state = headers.indexOf("STATE");
                    widths[state] = Math.max(widths[state], "Degraded".length());
                    out().println(Table.line(headers, widths));
                }
                out().println(Table.line(row, widths));
            }
            out().flush();
        }
    }

    /** What the user saw of an object: its row without the age, or its whole document. */
    private String shown(ObjectDoc d, boolean wide, boolean nodes, int ageColumn, Instant now) {
        if (output.documents()) {
            return d.toString();
        }
        List<String> row = new java.util.ArrayList<>(ObjectRows.row(d, kind, wide, nodes, now));
        row.remove(ageColumn);
        return String.join("\t", row);
    }
}
