package io.kukeon.fleet;

import com.typesafe.config.ConfigFactory;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.testing.TestDaemon;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.event.Logging;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member's record files as a disk or a crash can leave them: one that cannot be read (cut short,
 * garbage, empty, too large) is set aside under another name with one warning, and the others load;
 * a write never put in its place is removed unsaid; a directory that cannot be used stops kukeond
 * with one line naming it. (That a member gets a record set aside back from the others is
 * {@code FleetPlacementTest}'s, with three members.)
 */
class FleetRecordDamageTest {
    private static final Path FIXTURES = Path.of(System.getProperty("kukeon.projectDir", "."))
            .resolve("src/test/resources/fleet-records");
    private static final Set<String> KEYS = Set.of("kukeon-departures", "kukeon-moved", "kukeon-pending");

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.create("damage-test", ConfigFactory.parseMap(Map.of("pekko.loglevel", "WARNING"))
                .withFallback(ConfigFactory.load()));
    }

    @AfterEach
    void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /** What a load tells the replicator, and the warnings logged meanwhile, in order. */
    private record Loaded(Set<String> keys, List<String> warnings) {}

    /** The three records as a release wrote them, in a directory of their own. */
    private static Path records(Path dir) throws Exception {
        Path fleet = dir.resolve("fleet");
        Files.createDirectories(fleet);
        for (String key : KEYS) {
            Files.copy(FIXTURES.resolve(key + ".record"), fleet.resolve(key + ".record"));
        }
        return fleet;
    }

    private Loaded load(Path fleet) {
        TestKit replicator = new TestKit(system);
        // the store logs on the actor system's bus before it answers: both reach the probe in that order
        system.getEventStream().subscribe(replicator.getRef(), Logging.Warning.class);
        ActorRef store = system.actorOf(Props.create(FleetRecordStore.class, ConfigFactory.parseMap(Map.of(
                FleetRecordStore.DIR_SETTING, fleet.toString()))));
        store.tell(DurableStore.LoadAll$.MODULE$, replicator.getRef());
        List<String> warnings = new ArrayList<>();
        Set<String> keys = Set.of();
        while (true) {
            Object message = replicator.receiveOne(Duration.ofSeconds(5));
            if (message instanceof Logging.Warning warning) {
                warnings.add(String.valueOf(warning.message()));
            } else if (message instanceof DurableStore.LoadData data) {
                keys = scala.jdk.javaapi.CollectionConverters.asJava(data.data()).keySet();
            } else if (message == DurableStore.LoadAllCompleted$.MODULE$) {
                break;
            } else {
                throw new AssertionError("the store answered " + message);
            }
        }
        system.getEventStream().unsubscribe(replicator.getRef());
        system.stop(store);
        return new Loaded(keys, warnings);
    }

    private static List<Path> setAside(Path fleet, String key) throws Exception {
        try (Stream<Path> files = Files.list(fleet)) {
            return files.filter(f -> f.getFileName().toString().startsWith(key + ".record" + FleetRecordStore.SET_ASIDE)).toList();
        }
    }

    /** The damaged file is kept whole under its new name, one warning says so, the other records load. */
    private void assertSetAside(Path fleet, String key, byte[] damaged) throws Exception {
        Loaded loaded = load(fleet);
        Set<String> others = new java.util.HashSet<>(KEYS);
        others.remove(key);
        assertEquals(others, loaded.keys(), "the other records load");
        assertEquals(1, loaded.warnings().size(), loaded.warnings().toString());
        String warning = loaded.warnings().get(0);
        assertTrue(warning.startsWith("the fleet's record file " + fleet.resolve(key + ".record") + " cannot be read ("), warning);
        assertTrue(warning.endsWith("this member reads the record back from the other members"), warning);
        List<Path> aside = setAside(fleet, key);
        assertEquals(1, aside.size(), aside.toString());
        assertTrue(warning.contains("it is kept as " + aside.get(0).getFileName()), warning);
        assertFalse(Files.exists(fleet.resolve(key + ".record")));
        if (damaged != null) {
            assertArrayEquals(damaged, Files.readAllBytes(aside.get(0)), "kept as it was, for the operator");
        }
        Files.delete(aside.get(0));
    }

    @Test
    void aRecordCutShortAnywhereIsSetAsideAndTheOthersLoad(@TempDir Path dir) throws Exception {
        Path fleet = records(dir);
        byte[] whole = Files.readAllBytes(FIXTURES.resolve("kukeon-moved.record"));
        for (int length = 0; length < whole.length; length++) {   // zero bytes: a file created, never written
            byte[] cut = Arrays.copyOf(whole, length);
            Files.write(fleet.resolve("kukeon-moved.record"), cut);
            assertSetAside(fleet, "kukeon-moved", cut);
        }
        Files.write(fleet.resolve("kukeon-moved.record"), whole);
        assertEquals(KEYS, load(fleet).keys(), "whole again, it loads");
    }

    @Test
    void garbageIsSetAside(@TempDir Path dir) throws Exception {
        Path fleet = records(dir);
        Random random = new Random(18);
        for (int trial = 0; trial < 50; trial++) {
            byte[] garbage = new byte[1 + random.nextInt(400)];
            random.nextBytes(garbage);
            Files.write(fleet.resolve("kukeon-pending.record"), garbage);
            assertSetAside(fleet, "kukeon-pending", garbage);
        }
        Files.write(fleet.resolve("kukeon-pending.record"), Files.readAllBytes(FIXTURES.resolve("kukeon-pending.record")));
        assertEquals(KEYS, load(fleet).keys(), "whole again, it loads");
    }

    @Test
    void aFileLargerThanAnyRecordIsSetAsideUnread(@TempDir Path dir) throws Exception {
        Path fleet = records(dir);
        try (RandomAccessFile file = new RandomAccessFile(fleet.resolve("kukeon-departures.record").toFile(), "rw")) {
            file.setLength(FleetRecordStore.MAX_BYTES + 1L);   // sparse: no disk taken
        }
        assertSetAside(fleet, "kukeon-departures", null);
    }

    @Test
    void aWriteNeverPutInItsPlaceIsRemovedWithoutAWord(@TempDir Path dir) throws Exception {
        Path fleet = records(dir);
        Files.write(fleet.resolve("kukeon-pending.record.next"), Arrays.copyOf(
                Files.readAllBytes(FIXTURES.resolve("kukeon-pending.record")), 30));   // a crash before the rename
        Loaded loaded = load(fleet);
        assertEquals(KEYS, loaded.keys(), "the record in its place is the record");
        assertEquals(List.of(), loaded.warnings());
        assertFalse(Files.exists(fleet.resolve("kukeon-pending.record.next")));
        assertEquals(List.of(), setAside(fleet, "kukeon-pending"));
    }

    @Test
    void aFileWhereTheDirectoryShouldBeStopsTheMemberWithOneLine(@TempDir Path dir) throws Exception {
        Path fleet = dir.resolve("fleet");
        Files.writeString(fleet, "not a directory\n");
        String rule = "DATA_DIR/fleet (" + fleet + ") must be a directory kukeond can read and write, where a fleet member"
                + " keeps the fleet's records: a file is in its place";

        // the store, should the directory go after kukeond checked it: the actor system stops, saying why
        TestKit replicator = new TestKit(system);
        system.actorOf(Props.create(FleetRecordStore.class, ConfigFactory.parseMap(Map.of(
                FleetRecordStore.DIR_SETTING, fleet.toString())))).tell(DurableStore.LoadAll$.MODULE$, replicator.getRef());
        system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        CoordinatedShutdown.Reason reason = CoordinatedShutdown.get(system).getShutdownReason().orElseThrow();
        assertInstanceOf(FleetRecordStore.Unusable.class, reason);
        assertEquals(rule, FleetExit.describe(reason));
        assertEquals("not a directory\n", Files.readString(fleet), "left as it was");

        // kukeond checks it before it joins: its start fails with that line (kukeond prints it, exit 1)
        Path secret = FleetTesting.secret(dir.resolve("secret"), "the fleet's shared secret, 32 chars");
        int port = FleetTesting.freePort();
        FailedPreconditionException refused = assertThrows(FailedPreconditionException.class,
                () -> new TestDaemon(dir, FleetTesting.member("a", port, port, secret)));
        assertEquals(rule, refused.getMessage());
        assertEquals("not a directory\n", Files.readString(fleet), "left as it was");
    }
}
