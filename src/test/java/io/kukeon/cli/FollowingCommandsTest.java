package io.kukeon.cli;

import io.kukeon.daemon.DaemonConfig;
import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.PersistenceIds;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands that read streams: events (the journal up to now, or followed), get -w in yaml and
 * json, logs -f. A followed stream is stopped by an interrupt, as Ctrl-C stops it at a terminal.
 */
class FollowingCommandsTest extends AgainstTestDaemon {
    private static final String HELLO = "  cell/default/default/default/hello-world  ";

    @Test
    void eventsOfEverythingAreTheJournalUpToNow() {
        ok("apply", "-f", example("multi-document.yaml"));
        List<String> everything = ok("events").out().lines().toList();
        assertTrue(everything.get(0).matches("\\S+Z  host  HostDaemonStarted  kukeond started, journal replayed"),
                everything.get(0));
        List<String> all = everything.stream().filter(l -> !l.contains("  host  ")).toList();
        assertTrue(all.get(0).matches("\\S+Z  realm/demo  RealmCreated  created"), all.get(0));
        List<String> frontend = ok("events", "cell/frontend", "--realm", "demo", "--space", "shop", "--stack", "web")
                .out().lines().toList();
        assertEquals(frontend, all.stream().filter(l -> l.contains("  cell/demo/shop/web/frontend  ")).toList(),
                "the history of one object is its part of everything, in the same order");
        assertTrue(all.stream().anyMatch(l -> l.contains("  container/demo/shop/web/worker/job  ContainerTaskStarted  ")));
    }

    @Test
    void sinceLeavesOutOlderEvents() throws Exception {
        ok("create", "realm", "old");
        ok("create", "realm", "recent");
        backdate("old", Duration.ofHours(2));
        String lastHour = ok("events", "--since", "1h").out();
        assertFalse(lastHour.contains("  realm/old  "), lastHour);
        assertTrue(lastHour.contains("  realm/recent  RealmCreated  "), lastHour);
        assertTrue(ok("events", "--since", "3h").out().contains("  realm/old  RealmCreated  "));
        assertEquals("", ok("events", "realm/old", "--since", "1h").out());
        assertTrue(ok("events", "realm/old", "--since", "1d").out().contains("  realm/old  RealmCreated  "));
    }

    /** Events of a realm as if written that long ago: no test waits hours. */
    private void backdate(String realm, Duration age) throws Exception {
        try (Connection c = DriverManager.getConnection(DaemonConfig.jdbcUrl(dataDir.resolve("journal").resolve("kukeon")), "sa", "");
             PreparedStatement s = c.prepareStatement(
                     "UPDATE \"event_journal\" SET \"write_timestamp\" = \"write_timestamp\" - ? WHERE \"persistence_id\" = ?")) {
            s.setLong(1, age.toMillis());
            s.setString(2, PersistenceIds.of(ObjectPath.of(realm)).id());
            assertTrue(s.executeUpdate() > 0);
        }
    }

    @Test
    void followedEventsShowWhatHappensAfterTheCall() throws Exception {
        ok("init");
        BackgroundKuke events = background("events", "--follow");
        events.awaitOut("  stack/default/default/default  StackProvisioned  ");
        ok("apply", "-f", example("hello-world.yaml"));
        events.awaitOut(HELLO + "CellStarted  ");
        assertEquals(0, events.stop());
        assertEquals("", events.err());
        List<String> lines = events.out().lines().filter(l -> !l.contains("  host  ")).toList();
        assertEquals(lines.size(), lines.stream().distinct().count(), "each event once:\n" + events.out());
        assertTrue(lines.get(0).contains("  realm/default  RealmCreated  "), lines.get(0));
    }

    @Test
    void followedEventsOfOneObjectAreItsHistoryThenItsNewEvents() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        BackgroundKuke events = background("events", "cell/hello-world", "-f");
        events.awaitOut(HELLO + "CellStarted  ");
        ok("stop", "hello-world");
        events.awaitOut(HELLO + "CellStopped  ");
        assertEquals(0, events.stop());
        List<String> lines = events.out().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.contains(HELLO)), "only the cell's own events:\n" + events.out());
        assertTrue(lines.get(0).contains(HELLO + "CellCreated  "), lines.get(0));
        assertEquals(lines.size(), lines.stream().distinct().count(), "each event once:\n" + events.out());
    }

    @Test
    void watchInYamlPrintsEachNewStateAsADocument() throws Exception {
        List<String> states = watchStates("yaml", Pattern.compile("\nstatus:\n  state: (\\w+)\n"));
        assertEquals(List.of("Ready", "Stopped"), states.stream().filter(s -> !s.equals("Pending")).distinct().toList(),
                states.toString());
    }

    @Test
    void watchInJsonPrintsEachNewStateAsAnObject() throws Exception {
        List<String> states = watchStates("json", Pattern.compile("\n  \"status\": \\{\n    \"state\": \"(\\w+)\""));
        assertEquals(List.of("Ready", "Stopped"), states.stream().filter(s -> !s.equals("Pending")).distinct().toList(),
                states.toString());
    }

    /** The cell's state in each document get -w printed while the cell was stopped. */
    private List<String> watchStates(String format, Pattern state) throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        BackgroundKuke watch = background("get", "cells", "-w", "-o", format);
        watch.awaitOut("hello-world");
        ok("stop", "hello-world");
        watch.awaitOut("Stopped");
        assertEquals(0, watch.stop());
        assertEquals("", watch.err());
        List<String> docs = List.of(watch.out().split(format.equals("yaml") ? "(?m)^(?=---$)" : "(?m)^(?=\\{$)"));
        assertEquals(docs.size(), docs.stream().distinct().count(), "no document twice:\n" + watch.out());
        return docs.stream().map(d -> {
            Matcher m = state.matcher(d);
            assertTrue(m.find(), d);
            return m.group(1);
        }).toList();
    }

    @Test
    void followedLogsPrintWhatIsWrittenLater() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        var log = logOf("hello-world", "fetch");
        Files.writeString(log, io.kukeon.testing.CriLog.records("stdout", "first"));
        BackgroundKuke logs = background("logs", "hello-world", "--container", "fetch", "-f");
        logs.awaitOut("first\n");
        Files.writeString(log, io.kukeon.testing.CriLog.records("stdout", "second"), StandardOpenOption.APPEND);
        logs.awaitOut("second\n");
        String third = io.kukeon.testing.CriLog.records("stdout", "third, written in two parts");
        Files.writeString(log, third.substring(0, 40), StandardOpenOption.APPEND);   // a record written in two parts
        Files.writeString(log, third.substring(40), StandardOpenOption.APPEND);
        logs.awaitOut("in two parts\n");
        assertEquals(0, logs.stop());
        assertEquals("first\nsecond\nthird, written in two parts\n", logs.out());
        assertEquals("", logs.err());
    }
}
