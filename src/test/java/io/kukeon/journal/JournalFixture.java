package io.kukeon.journal;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.WatchRequest;
import io.kukeon.daemon.JournalSettings;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.testing.TestDaemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A journal fixture: the rows of a kukeond journal as text ({@link JournalRows}), the fake
 * containerd's state file, the daemon configuration they were written with, and
 * {@code expected.json}, what every object looks like through the API after a replay. The
 * recorder writes fixtures and the replay test checks them; both replay, observe and compare
 * through this class, and neither names a supervisor class: the fixture must outlive them.
 */
final class JournalFixture {
    /** Where the recorder writes fixtures; the test reads them from the test classpath. */
    static final Path SOURCE_ROOT = Path.of("src/test/resources/journal-fixtures");
    static final String CONFIG = "kukeond.conf";
    static final String RUNTIME_STATE = "fake-runtime.tsv";
    static final String EXPECTED = "expected.json";
    /** The key the fixture's secrets are sealed with (fixtures recorded before sealing have none). */
    static final String KEY = "journal.key";
    static final String HOST = "Host|local";
    /** Shown in place of a time the replay itself wrote (Instant.now() at recovery differs on every run). */
    static final String AT_REPLAY = "<written at replay>";
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    /** Time fields of ObjectDoc (as JSON); nextRestartAt is left out: it is a due time the journal holds. */
    private static final Set<String> WRITTEN_TIMES = Set.of("createdAt", "updatedAt", "readyAt", "startTime", "finishTime");
    private static final List<String> KINDS = List.of("Realm", "Space", "Stack", "Cell", "Container");

    static final ObjectMapper JSON = new ObjectMapper();
    /** One value a line, arrays too, so that a change of expected.json diffs line by line. */
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

    private JournalFixture() {}


    // ---- replay ----

    /** What a replay showed: the observation and the journal's last ordering afterwards. */
    record Replay(ObjectNode observed, long lastOrdering) {}

    /**
     * Loads the fixture into {@code workDir}, starts a daemon on it (the fake containerd's state
     * copied beside), waits until the tree is quiet, observes it, and stops the daemon.
     */
    static Replay replay(Path fixture, Path workDir) throws Exception {
        return replay(fixture, workDir, JournalRows::h2);
    }

    /** As {@link #replay(Path, Path)}, into the journal {@code store} gives for the data dir (H2 in it, or a PostgreSQL database). */
    static Replay replay(Path fixture, Path workDir, java.util.function.Function<Path, JournalSettings> store) throws Exception {
        Path dataDir = workDir.resolve("data");
        JournalSettings journal = store.apply(dataDir);
        JournalRows.load(fixture, dataDir, journal);
        if (Files.exists(fixture.resolve(KEY))) {
            Path key = Files.createDirectories(dataDir.resolve("keys")).resolve(KEY);
            Files.copy(fixture.resolve(KEY), key);
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Path state = workDir.resolve(RUNTIME_STATE);
        Files.copy(fixture.resolve(RUNTIME_STATE), state);
        Instant started = Instant.now();
        try (TestDaemon daemon = TestDaemon.withConfig(dataDir, new FakeRuntime(state), fixture.resolve(CONFIG),
                JournalRows.flags(journal))) {
            awaitQuiet(daemon, journal);
            return new Replay(observe(daemon, fixture, started), JournalRows.lastOrdering(journal));
        }
    }

    /**
     * Waits until nothing changes any more: the same objects in the same states and no new journal
     * row for {@link #QUIET}, polled every 100 ms.
     */
    static void awaitQuiet(TestDaemon daemon, JournalSettings journal) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(SETTLE_TIMEOUT);
        String last = null;
        Instant since = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            String now = JournalRows.lastOrdering(journal) + "\n" + listAll(daemon.client());
            if (!now.equals(last)) {
                last = now;
                since = Instant.now();
            } else if (Duration.between(since, Instant.now()).compareTo(QUIET) >= 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the replayed tree did not settle within " + SETTLE_TIMEOUT);
    }

    private static String listAll(KukeonGrpc.KukeonBlockingStub api) {
        StringBuilder out = new StringBuilder();
        for (String kind : KINDS) {
            api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList().forEach(o -> out.append(o).append('\n'));
        }
        return out.toString();
    }

    // ---- what a replay shows ----

    /**
     * Every object (List of each kind), normalized; the History of every object the fixture's journal
     * names; the journal's events through Watch, up to the fixture's last row. Times the replay wrote
     * and live usage are left out; paths under the data dir are shown relative to it.
     */
    static ObjectNode observe(TestDaemon daemon, Path fixture, Instant replayStarted) throws IOException {
        KukeonGrpc.KukeonBlockingStub api = daemon.client();
        ObjectNode out = JSON.createObjectNode();

        ObjectNode objects = out.putObject("objects");
        for (String kind : KINDS) {
            for (ObjectDoc doc : api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList()) {
                objects.set(kind + " " + doc.getPath(), normalized(toJson(doc), daemon.dataDir, replayStarted));
            }
        }

        List<JsonNode> events = JournalRows.read(fixture, "event_journal");
        Map<String, Long> lastSequence = new TreeMap<>();
        long lastOrdering = 0;
        for (JsonNode row : events) {
            lastSequence.merge(row.get("persistence_id").asText(), row.get("sequence_number").asLong(), Math::max);
            lastOrdering = Math.max(lastOrdering, row.get("ordering").asLong());
        }
        ObjectNode histories = out.putObject("histories");
        for (Map.Entry<String, Long> id : lastSequence.entrySet()) {
            if (id.getKey().equals(HOST)) {
                continue;   // the host is no object of the API; its events are in "journal"
            }
            String[] kindAndPath = id.getKey().split("\\|", 2);
            ArrayNode lines = histories.putArray(kindAndPath[0] + " " + kindAndPath[1]);
            try {
                for (Event e : api.history(HistoryRequest.newBuilder().setKind(kindAndPath[0]).setPath(kindAndPath[1])
                        .build()).getEventsList()) {
                    lines.add("#" + e.getSequenceNr() + " " + e.getType()
                            + (e.getSequenceNr() <= id.getValue() ? ": " + e.getSummary() : " " + AT_REPLAY));
                }
            } catch (StatusRuntimeException e) {
                lines.add(failed("History", e));   // e.g. an event that no longer deserializes
            }
        }

        ArrayNode journal = out.putArray("journal");
        try {
            Iterator<Event> all = api.watch(WatchRequest.newBuilder().setUntilNow(true).build());
            while (all.hasNext()) {
                Event e = all.next();
                if (e.getOffset() <= lastOrdering) {
                    journal.add(e.getOffset() + " " + e.getKind() + (e.getPath().isEmpty() ? "" : " " + e.getPath())
                            + " #" + e.getSequenceNr() + " " + e.getType());
                }
            }
        } catch (StatusRuntimeException e) {
            journal.add(failed("Watch", e));
        }
        return out;
    }

    private static String failed(String call, StatusRuntimeException e) {
        return call + " failed: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }

    private static JsonNode toJson(ObjectDoc doc) {
        try {
            return JSON.readTree(JsonFormat.printer().includingDefaultValueFields().print(doc));
        } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode normalized(JsonNode node, Path dataDir, Instant replayStarted) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("usage")) {
                    return;   // live figures
                }
                if (WRITTEN_TIMES.contains(f.getKey()) && f.getValue().isTextual() && writtenAtReplay(f.getValue().asText(), replayStarted)) {
                    out.put(f.getKey(), AT_REPLAY);
                    return;
                }
                out.set(f.getKey(), normalized(f.getValue(), dataDir, replayStarted));
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(n -> out.add(normalized(n, dataDir, replayStarted)));
            return out;
        }
        if (node.isTextual() && node.asText().contains(dataDir.toString())) {
            return TextNode.valueOf(node.asText().replace(dataDir.toString(), "<data-dir>"));
        }
        return node;
    }

    private static boolean writtenAtReplay(String time, Instant replayStarted) {
        try {
            return !time.isEmpty() && !Instant.parse(time).isBefore(replayStarted);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** expected.json's text. */
    static String pretty(JsonNode observed) throws IOException {
        return PRETTY.writeValueAsString(observed) + "\n";
    }

    // ---- comparing ----

    /**
     * What differs between the expected and the actual observation, one line each, naming the
     * object, the field, and both values: an object missing or extra, a recorded field (or an
     * array's size) changed, a history or the journal not event for event the same.
     */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        for (String section : List.of("objects", "histories", "journal")) {
            JsonNode want = expected.path(section);
            JsonNode got = actual.path(section);
            if (want.isArray()) {
                compareLines(section, want, got, out);
                continue;
            }
            Set<String> names = new TreeSet<>();
            want.fieldNames().forEachRemaining(names::add);
            got.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode w = want.get(name);
                JsonNode g = got.get(name);
                if (g == null) {
                    out.add(name + ": missing after the replay" + (section.equals("objects")
                            ? " (expected state " + w.path("status").path("state") + ")" : " (" + section + ")"));
                } else if (w == null) {
                    out.add(name + ": present after the replay, not expected (" + section + ")"
                            + (section.equals("objects") ? ", state " + g.path("status").path("state") : ""));
                } else if (section.equals("histories")) {
                    compareLines(name + " history", w, g, out);
                } else {
                    // The recorded fields, each; a field the API has gained since is not the journal's business.
                    Map<String, String> wf = flatten(w);
                    Map<String, String> gf = flatten(g);
                    wf.forEach((field, a) -> {
                        String b = gf.getOrDefault(field, "(absent)");
                        if (!a.equals(b)) {
                            out.add(name + ": " + field + ": expected " + a + ", was " + b);
                        }
                    });
                }
            }
        }
        return out;
    }

    private static void compareLines(String what, JsonNode want, JsonNode got, List<String> out) {
        List<String> w = new ArrayList<>();
        List<String> g = new ArrayList<>();
        want.forEach(n -> w.add(n.asText()));
        got.forEach(n -> g.add(n.asText()));
        if (w.equals(g)) {
            return;
        }
        int i = 0;
        while (i < w.size() && i < g.size() && w.get(i).equals(g.get(i))) {
            i++;
        }
        out.add(what + ": " + w.size() + " event(s) expected, " + g.size() + " found; first difference at ["
                + i + "]: expected " + (i < w.size() ? "\"" + w.get(i) + "\"" : "nothing") + ", was "
                + (i < g.size() ? "\"" + g.get(i) + "\"" : "nothing"));
    }

    private static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten(node, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> flatten(f.getValue(), prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), out));
        } else if (node.isArray()) {
            out.put(prefix + ".size", String.valueOf(node.size()));   // an element more or less is a difference too
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), prefix + "[" + i + "]", out);
            }
        } else {
            out.put(prefix, node.toString());
        }
    }
}
