package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.JournalExtentRequest;
import io.kukeon.wire.v1.JournalExtentResponse;
import io.kukeon.wire.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The durable history: of one object ({@code events cell/web} in the scope flags' stack, or by its
 * full path as the events print it, {@code cell/demo/shop/web/frontend}; from the History RPC), or
 * of everything the scope flags given match (the Watch RPC from the start of the journal, ending at
 * its current end unless {@code --follow}). {@code --follow} goes on with new events.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Print the recorded events of one object (KIND/NAME or KIND/PATH) or of everything, oldest first.",
                "Without KIND/NAME every realm, space and stack is covered; each scope flag given narrows it.",
                "When the listing reaches back past the daemon's journal retention, a line on stderr says where history begins."},
        footer = {"%nExamples:",
                "  # everything of realm demo",
                "  kuke events --realm demo",
                "  # cell web of default/default/api",
                "  kuke events cell/web --stack api",
                "  # one container by its path, then follow",
                "  kuke events container/demo/shop/web/frontend/app -f"})
final class EventsCommand extends DaemonCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND/NAME",
            description = "e.g. cell/web, or the full path as printed: cell/realm/space/stack/web; everything when left out.")
    String object;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--since", paramLabel = "DURATION", converter = Durations.class, description = "Only events this recent, e.g. 10m, 2h (the daemon finds them by time, whatever the journal's length).")
    Duration since;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = "table (lines), yaml, json, name or jsonpath=TEMPLATE (default: ${DEFAULT-VALUE}); with --follow, one"
                    + " document per event.")
    Output output;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "For container/NAME: its cell; without KIND/NAME: only that cell's events and its containers'.")
    String cell;

    private Kind kind;
    private ObjectPath path;
    private ScopeFilter filter;

    @Override
    void validate() {
        filter = scope.filter(cell);
        if (object == null) {
            return;
        }
        int slash = object.indexOf('/');
        if (slash <= 0 || slash == object.length() - 1) {
            throw usage("'" + object + "' is not KIND/NAME, e.g. cell/web");
        }
        kind = new KindName().convert(object.substring(0, slash));
        String[] names = object.substring(slash + 1).split("/", -1);
        if (names.length == 1) {
            if (kind == Kind.CONTAINER && cell == null) {
                throw usage("--cell is required for the events of a container");
            }
            path = scope.path(kind, names[0], cell);
        } else if (names.length == kind.depth() + 1) {
            if (!filter.isEverywhere()) {
                throw usage("'" + object + "' is a full path: leave out " + filter.deepestFlag());
            }
            path = ObjectPath.parse(object.substring(slash + 1));
        } else {
            throw usage("'" + object + "' is neither KIND/NAME nor KIND/PATH; the path of a " + kind.label() + " is "
                    + Arrays.stream(Kind.values()).limit(kind.depth() + 1L).map(Kind::label).collect(Collectors.joining("/")));
        }
    }

    /** Without --follow, documents are gathered into one list; a journal longer than this is narrowed first. */
    static final int MAX_LISTED_EVENTS = 100_000;

    private final List<Printed.Item> listed = new ArrayList<>();

    @Override
    int run(DaemonConnection daemon) {
        Instant cutoff = since == null ? null : Instant.now().minus(since);
        if (!output.documents()) {
            sayWhereHistoryBegins(daemon, cutoff);
        }
        if (path == null) {
            WatchRequest.Builder all = WatchRequest.newBuilder().setPathPrefix(filter.prefix(ScopeFilter.FLAGS.size()))
                    .setAfterOffset(0).setUntilNow(!follow);
            print(daemon.streams().watch(cutoff == null ? all.build() : all.setSince(cutoff.toString()).build()), cutoff);
        } else {
            long lastOffset = 0;
            for (Event e : daemon.calls().history(HistoryRequest.newBuilder().setKind(kind.displayName())
                    .setPath(path.toString()).build()).getEventsList()) {
                print(e, cutoff);
                lastOffset = Math.max(lastOffset, e.getOffset());
            }
            if (follow) {
                WatchRequest.Builder w = WatchRequest.newBuilder().addKinds(kind.displayName()).setPathPrefix(path.toString());
                print(daemon.streams().watch(lastOffset > 0 ? w.setAfterOffset(lastOffset).build() : w.setFromNow(true).build()),
                        cutoff);
            }
        }
        if (output.documents() && !follow) {
            out().print(Printed.render(output, listed, false, () -> ""));
        }
        return 0;
    }

    /**
     * When the listing reaches back past the journal's retention, where deleted events may be missing,
     * a line on stderr says where history begins. Nothing from a kukeond older than the JournalExtent call.
     */
    private void sayWhereHistoryBegins(DaemonConnection daemon, Instant cutoff) {
        JournalExtentResponse extent;
        try {
            extent = daemon.calls().journalExtent(JournalExtentRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return;
            }
            throw e;
        }
        if (extent.getRetentionSeconds() == 0 || extent.getHistorySince().isEmpty()) {
            return;
        }
        Instant kept = Instant.now().minusSeconds(extent.getRetentionSeconds());
        Instant oldest = Instant.parse(extent.getHistorySince());
        if (!oldest.isBefore(kept) || cutoff != null && !cutoff.isBefore(oldest)) {
            return;   // all of the history asked for is within the retention
        }
        err().println("history since " + extent.getHistorySince() + "; older events may have been deleted (journal retention: "
                + extent.getRetention() + ")");
        err().flush();
    }

    /**
     * Every event of the stream the filter matches; of one object, objects below it (a prefix match)
     * are left out.
     */
    private void print(Iterator<Event> events, Instant cutoff) {
        while (events.hasNext()) {
            Event e = events.next();
            if (path == null ? filter.matches(e.getPath()) : e.getPath().equals(path.toString())) {
                print(e, cutoff);
            }
        }
    }

    private void print(Event e, Instant cutoff) {
        if (cutoff != null && !e.getTimestamp().isEmpty()) {
            try {
                if (Instant.parse(e.getTimestamp()).isBefore(cutoff)) {
                    return;
                }
            } catch (DateTimeParseException ignored) {
                // an unparsable time is shown rather than hidden
            }
        }
        if (!output.documents()) {
            out().println(EventLine.of(e));
        } else if (follow) {
            out().print(Printed.render(output, List.of(EventLine.item(e)), true, () -> ""));
        } else if (listed.size() < MAX_LISTED_EVENTS) {
            listed.add(EventLine.item(e));
            return;
        } else {
            throw new ResourceExhaustedException("more than " + MAX_LISTED_EVENTS
                    + " events to print as one document: narrow them with --since or a scope flag, or use --follow");
        }
        out().flush();
    }
}
