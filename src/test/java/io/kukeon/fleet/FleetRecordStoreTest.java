package io.kukeon.fleet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's durable store on its own: a record stored (and confirmed) is read back by a store
 * started anew on the same directory, replaced whole by the next store of its key; a key that is no
 * file name is refused, and the replicator told so.
 */
class FleetRecordStoreTest {
    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.create("store-test", ConfigFactory.parseMap(Map.of("pekko.loglevel", "WARNING"))
                .withFallback(ConfigFactory.load()));
    }

    @AfterEach
    void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /**
     * The records as a release wrote them are a contract, as the journal is: a member upgraded reads
     * what it kept before (src/test/resources/fleet-records; {@code -Dkukeon.updateGolden=true}
     * writes them anew, only for a change that old members' records do not need to survive).
     */
    @Test
    void theRecordsAsAnEarlierReleaseWroteThemAreRead(@TempDir Path dir) throws Exception {
        Path fixtures = Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("src/test/resources/fleet-records");
        SelfUniqueAddress self = new SelfUniqueAddress(new org.apache.pekko.cluster.UniqueAddress(
                new org.apache.pekko.actor.Address("pekko", "kukeond", "127.0.0.1", 25520), 7L));
        Map<String, LWWMap<String, ?>> expected = Map.of(
                "kukeon-pending", LWWMap.<String, PendingCell>create().put(self, "r/s/t/web", new PendingCell(
                        "apiVersion: v1beta1\nkind: Cell\n", 1_765_000_000_000L, "no node can run cell \"r/s/t/web\"")),
                "kukeon-moved", LWWMap.<String, Move>create().put(self, "b:r/s/t/db", new Move("b", 1_765_000_000_000L, "c", null))
                        .put(self, "b:r/s/t/gone", Move.deleted("b", 1_765_000_000_001L)),
                "kukeon-departures", LWWMap.<String, Departure>create().put(self, "b", new Departure(1_765_000_000_000L, true)));
        TestKit replicator = new TestKit(system);
        if (Boolean.getBoolean("kukeon.updateGolden")) {
            ActorRef writer = system.actorOf(Props.create(FleetRecordStore.class, ConfigFactory.parseMap(Map.of(
                    FleetRecordStore.DIR_SETTING, fixtures.toString()))));
            expected.forEach((key, map) -> {
                writer.tell(new DurableStore.Store(key, new DurableStore.DurableDataEnvelope(map), scala.Option.apply(
                        new DurableStore.StoreReply("stored", "not stored", replicator.getRef()))), ActorRef.noSender());
                replicator.expectMsgEquals("stored");
            });
        }
        Path copy = dir.resolve("fleet");
        Files.createDirectories(copy);
        for (String key : expected.keySet()) {
            Files.copy(fixtures.resolve(key + ".record"), copy.resolve(key + ".record"));
        }
        ActorRef store = system.actorOf(Props.create(FleetRecordStore.class, ConfigFactory.parseMap(Map.of(
                FleetRecordStore.DIR_SETTING, copy.toString()))));
        store.tell(DurableStore.LoadAll$.MODULE$, replicator.getRef());
        DurableStore.LoadData loaded = replicator.expectMsgClass(Duration.ofSeconds(5), DurableStore.LoadData.class);
        replicator.expectMsgEquals(DurableStore.LoadAllCompleted$.MODULE$);
        expected.forEach((key, map) -> assertEquals(map.getEntries(),
                ((LWWMap<?, ?>) loaded.data().apply(key).data()).getEntries(), key));
    }

    @Test
    void aRecordStoredIsReadBackByTheNextStoreAndAnOddKeyIsRefused(@TempDir Path dir) throws Exception {
        Config config = ConfigFactory.parseMap(Map.of(FleetRecordStore.DIR_SETTING, dir.resolve("fleet").toString()));
        // a member's address as the replicator writes it (no cluster needed for the store itself)
        SelfUniqueAddress self = new SelfUniqueAddress(new org.apache.pekko.cluster.UniqueAddress(
                new org.apache.pekko.actor.Address("pekko", "kukeond", "127.0.0.1", 25520), 7L));
        LWWMap<String, PendingCell> first = LWWMap.<String, PendingCell>create()
                .put(self, "r/s/t/web", new PendingCell("kind: Cell\n", 1_000, "no node can run cell \"r/s/t/web\""));
        LWWMap<String, PendingCell> second = first.put(self, "r/s/t/db", new PendingCell("kind: Cell\n", 2_000, "none fits"));
        TestKit replicator = new TestKit(system);

        ActorRef store = system.actorOf(Props.create(FleetRecordStore.class, config));
        store.tell(DurableStore.LoadAll$.MODULE$, replicator.getRef());
        replicator.expectMsgEquals(DurableStore.LoadAllCompleted$.MODULE$);   // nothing kept yet
        for (LWWMap<String, PendingCell> map : java.util.List.of(first, second)) {
            store.tell(new DurableStore.Store("kukeon-pending", new DurableStore.DurableDataEnvelope(map),
                    scala.Option.apply(new DurableStore.StoreReply("stored", "not stored", replicator.getRef()))), ActorRef.noSender());
            replicator.expectMsgEquals("stored");
        }
        store.tell(new DurableStore.Store("../outside", new DurableStore.DurableDataEnvelope(first),
                scala.Option.apply(new DurableStore.StoreReply("stored", "not stored", replicator.getRef()))), ActorRef.noSender());
        replicator.expectMsgEquals("not stored");
        assertFalse(Files.exists(dir.resolve("outside.record")), "nothing written outside its directory");
        system.stop(store);

        ActorRef again = system.actorOf(Props.create(FleetRecordStore.class, config));
        again.tell(DurableStore.LoadAll$.MODULE$, replicator.getRef());
        DurableStore.LoadData loaded = replicator.expectMsgClass(Duration.ofSeconds(5), DurableStore.LoadData.class);
        replicator.expectMsgEquals(DurableStore.LoadAllCompleted$.MODULE$);
        assertEquals(java.util.Set.of("kukeon-pending"), scala.jdk.javaapi.CollectionConverters.asJava(loaded.data()).keySet());
        @SuppressWarnings("unchecked")
        LWWMap<String, PendingCell> read = (LWWMap<String, PendingCell>) loaded.data().apply("kukeon-pending").data();
        assertEquals(second.getEntries(), read.getEntries(), "the last store of the key, whole");
        assertTrue(Files.isRegularFile(dir.resolve("fleet").resolve("kukeon-pending.record")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("fleet").resolve("kukeon-pending.record"))), "cells' manifests are root's only");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("fleet"))));
        assertFalse(Files.exists(dir.resolve("fleet").resolve("kukeon-pending.record.next")), "no write left half done");
    }
}
