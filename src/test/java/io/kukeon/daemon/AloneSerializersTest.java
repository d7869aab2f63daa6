package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.supervisor.cell.CellRecord;
import io.kukeon.supervisor.journal.JournalSerializer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AloneSerializersTest {
    @TempDir
    Path dir;

    @Test
    void aLoneKukeondMakesNoneOfTheFleetsSerializersAndKeepsTheirIds() throws Exception {
        DaemonConfig alone = DaemonConfig.load(Map.of("data-dir", dir.toString()), null, Map.of());
        Map<Integer, String> all = serializersById(ConfigFactory.load());
        Map<Integer, String> kept = serializersById(alone.pekko());

        assertEquals(all.keySet(), kept.keySet(), "every id still answers");
        List<String> fleetOnes = new ArrayList<>();
        all.forEach((id, implementation) -> {
            if (implementation.startsWith("org.apache.pekko.remote.") || implementation.startsWith("org.apache.pekko.cluster.")) {
                fleetOnes.add(implementation);
                assertEquals(FleetOnlySerializer.class.getName(), kept.get(id), implementation + " stands in under its id " + id);
            } else {
                assertEquals(implementation, kept.get(id), "kept as it is");
            }
        });
        assertTrue(fleetOnes.size() >= 10, "the fleet's jars bring their serializers: " + fleetOnes);
        assertEquals(JournalSerializer.class.getName(), kept.get(JournalSerializer.IDENTIFIER));
    }

    @Test
    void aStandInRefusesNamingTheSerializerItReplacesAndTheJournalStillSerializes() throws Exception {
        DaemonConfig alone = DaemonConfig.load(Map.of("data-dir", dir.toString()), null, Map.of());
        Files.createDirectories(alone.keyFile().getParent());
        ActorSystem system = ActorSystem.create("alone", alone.pekko());
        try {
            Serialization serialization = SerializationExtension.get(system);
            Throwable refused = serialization.deserialize(new byte[] {1}, 5, "GossipEnvelope").failed().get();
            assertInstanceOf(NotSerializableException.class, refused);
            assertEquals("serializer pekko-cluster (org.apache.pekko.cluster.protobuf.ClusterMessageSerializer) is for members"
                    + " of a fleet, and this kukeond runs alone (no cluster.listen): cannot serialize GossipEnvelope", refused.getMessage());
            assertInstanceOf(JournalSerializer.class, serialization.serializerFor(CellRecord.class));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get();
        }
    }

    @Test
    void aFleetMemberKeepsEveryOneOfPekkosSerializers() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "0123456789abcdef-fleet\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        DaemonConfig member = DaemonConfig.load(Map.of("data-dir", dir.toString(), "cluster.listen", "127.0.0.1:25520",
                "cluster.secret-file", secret.toString()), null, Map.of());
        assertEquals("org.apache.pekko.cluster.protobuf.ClusterMessageSerializer",
                member.pekko().getString("pekko.actor.serializers.pekko-cluster"));
        assertEquals("pekko-cluster", member.pekko().getString("pekko.actor.serialization-bindings.\"org.apache.pekko.cluster.ClusterMessage\""));
        assertFalse(member.pekko().hasPath("kukeon-alone"));
    }

    /** Pekko's list of Jackson modules but the one for Scala's types: every mapper Pekko makes for us registers those. */
    @Test
    void jacksonsMappersHaveEveryModuleButScalas() {
        Config reference = ConfigFactory.load();
        List<String> pekkos = reference.getStringList("pekko.serialization.jackson.jackson-modules");
        List<String> withoutScala = pekkos.stream().filter(m -> !m.startsWith("com.fasterxml.jackson.module.scala.")).toList();
        assertEquals(pekkos.size() - 1, withoutScala.size(), "Pekko's list has the Scala module once: " + pekkos);
        ActorSystem system = ActorSystem.create("jackson", reference);
        try {
            for (String binding : List.of("jackson-cbor", "jackson-json", "jackson-cbor-264")) {
                assertEquals(withoutScala, reference.getStringList("pekko.serialization.jackson." + binding + ".jackson-modules"), binding);
                Set<Object> ids = JacksonObjectMapperProvider.get(system).getOrCreate(binding, Optional.empty()).getRegisteredModuleIds();
                assertEquals(withoutScala.size(), ids.size(), binding + ": " + ids);
                assertTrue(ids.stream().noneMatch(id -> String.valueOf(id).toLowerCase(java.util.Locale.ROOT).contains("scala")),
                        binding + ": " + ids);
            }
        } finally {
            system.terminate();
        }
    }

    /** Each serializer an actor system on these settings makes, by id: its class's name. */
    private Map<Integer, String> serializersById(Config pekko) throws Exception {
        ActorSystem system = ActorSystem.create("ids", pekko);
        try {
            Map<Object, Serializer> byId = CollectionConverters.asJava(SerializationExtension.get(system).serializerByIdentity());
            return byId.entrySet().stream().collect(Collectors.toMap(e -> (Integer) e.getKey(), e -> e.getValue().getClass().getName(),
                    (a, b) -> a, TreeMap::new));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get();
        }
    }
}
