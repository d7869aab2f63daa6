package io.kukeon.journal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.daemon.JournalSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every journal fixture a release recorded (src/test/resources/journal-fixtures) replays with
 * this release: loaded into a fresh journal, recovered by a daemon on fake ports, every object
 * shows through the API what {@code expected.json} says, every object's History and the whole
 * journal read back, and nothing is logged at ERROR (a journal row that does not deserialize
 * fails its actor's recovery, which Pekko logs at ERROR). A fixture is never changed to make this
 * pass: a release that reads an old journal differently migrates it (see DESIGN.md), and only a
 * deliberate change of what the API shows may be written into an old fixture's expected.json.
 * JournalFixtureRecorder adds the fixture of a new release.
 */
class JournalFixtureReplayTest {
    private static final int SHOWN = 60;

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        URL root = JournalFixtureReplayTest.class.getResource("/journal-fixtures");
        assertNotNull(root, "no journal-fixtures on the test classpath");
        try (Stream<Path> dirs = Files.list(Path.of(root.toURI()))) {
            List<String> names = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            assertFalse(names.isEmpty(), "no fixture under " + root);
            return names.stream();
        }
    }

    /** The store the fixture is loaded into: the data dir's H2 file here, PostgreSQL in {@link PostgresJournalFixtureReplayTest}. */
    JournalSettings journal(Path dataDir) {
        return JournalRows.h2(dataDir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void replaysToTheRecordedStates(String name, @TempDir Path work) throws Exception {
        Path fixture = Path.of(JournalFixtureReplayTest.class.getResource("/journal-fixtures/" + name).toURI());
        JsonNode expected = JournalFixture.JSON.readTree(fixture.resolve(JournalFixture.EXPECTED).toFile());
        long lastRecorded = JournalRows.read(fixture, "event_journal").stream()
                .mapToLong(r -> r.get("ordering").asLong()).max().orElse(0);

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        JournalFixture.Replay replay;
        try {
            replay = JournalFixture.replay(fixture, work, this::journal);
        } finally {
            root.detachAppender(log);
        }

        List<String> errors = errors(log);
        List<String> differences = JournalFixture.differences(expected, replay.observed());
        if (!differences.isEmpty() || !errors.isEmpty()) {
            StringBuilder message = new StringBuilder("fixture " + name + " does not replay as recorded: ")
                    .append(differences.size()).append(" difference(s), ").append(errors.size()).append(" error(s) logged");
            differences.stream().limit(SHOWN).forEach(d -> message.append("\n  ").append(d));
            if (differences.size() > SHOWN) {
                message.append("\n  … and ").append(differences.size() - SHOWN).append(" more");
            }
            errors.stream().limit(20).forEach(e -> message.append("\n  logged: ").append(e));
            fail(message.toString());
        }
        // a journal from before egress policies: its spaces have none, which is allow-all (shown as no egress)
        replay.observed().path("objects").forEach(o -> assertFalse(o.path("space").has("egress"),
                o.path("path").asText() + " has an egress policy after the replay: " + o.path("space")));
        assertTrue(replay.lastOrdering() > lastRecorded, "the replay wrote after the fixture's rows (its DaemonStarted "
                + "at least): last ordering " + replay.lastOrdering() + ", the fixture's " + lastRecorded);
    }

    private static List<String> errors(ListAppender<ILoggingEvent> log) {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                        + e.getThrowableProxy().getMessage() + ")"))
                .toList();
    }
}
